//! Socket.IO 0.9 packets as this layer's packets, and back, so that namespaces, rooms,
//! broadcasts and acks work the same for 0.9 clients as for the others.
//!
//! # Theory of operation
//! - Endpoints are namespaces: `""` is `/`.
//! - Inbound: connect and disconnect of an endpoint are CONNECT and DISCONNECT (a connect's
//!   query is the v4 namespace query, so it becomes the auth object). An event
//!   `{"name":n,"args":[a..]}` is EVENT `[n, a..]`; a `message` (text) or `json` packet is the
//!   event `"message"` with that one argument, as node 0.9 emits it. An id with `+` asks the
//!   application for an ack; an id without it is acknowledged at once with no data, as the
//!   0.9 server's Socket.IO layer does. An ack `id+[..]` is ACK. Heartbeats, noops and
//!   client error packets carry nothing for this layer.
//! - Outbound: EVENT becomes an event packet (`id+` when the server wants an ack), ACK an ack
//!   packet with data, CONNECT and DISCONNECT the same on the endpoint, and a refusal the
//!   error packet with reason "unauthorized" (the only reason a 0.9 client reports for a
//!   namespace: its `connect_failed`). 0.9 has no binary frames: each attachment is written
//!   where its placeholder stands as `{"type":"Buffer","data":[bytes]}`, which is what
//!   node's `JSON.stringify` made of a Buffer emitted to a 0.9 client.

use bytes::Bytes;
use serde_json::{Map, Value};
use socketio_proto::Str;
use socketio_proto::eio::Frame;
use socketio_proto::sio::{self, Args, Payload};
use socketio_proto::v09::{self, AckKind, ErrorReason, MessageId};

use super::transport::Encoded;

/// What a received 0.9 packet means to this layer.
#[derive(Debug, PartialEq)]
pub(crate) enum Inbound {
    /// Handle it as this packet.
    Packet(sio::Packet),
    /// An event whose id asked for an automatic ack: acknowledge `id` on `nsp` at once (no
    /// data), then handle the packet (which asks for no ack).
    AutoAck {
        packet: sio::Packet,
        nsp: Str,
        id: u64,
    },
    /// Nothing to do.
    Ignore,
}

fn nsp_of(endpoint: &Str) -> Str {
    if endpoint.is_empty() {
        Str::from_static("/")
    } else {
        endpoint.clone()
    }
}

fn endpoint_of(nsp: &Str) -> Str {
    if nsp.as_str() == "/" {
        Str::new()
    } else {
        nsp.clone()
    }
}

/// Decodes one 0.9 packet's text.
///
/// # Errors
/// When the text is not a valid 0.9 packet (the caller closes the session).
pub(crate) fn decode(text: Str) -> Result<Inbound, v09::DecodeError> {
    let packet = v09::Packet::decode(text)?;
    let nsp = nsp_of(&packet.endpoint);
    // A 0.9 event named like one of the protocol's own (`connect`, `disconnect`, ...) is
    // ignored, as node 0.9 ignores its blacklisted events: no application handler could
    // tell it from the real thing.
    let event = |id: Option<MessageId>, name: &str, args: Vec<Value>| {
        let Ok(data) = sio::EventPayload::new(name, &Args::from_values(args)) else {
            return Inbound::Ignore;
        };
        let body = sio::PacketBody::Event {
            id: id.filter(|m| m.ack == AckKind::WithData).map(|m| m.id),
            data,
            attachments: Vec::new(),
        };
        let packet = sio::Packet {
            nsp: nsp.clone(),
            body,
        };
        match id {
            Some(MessageId {
                id,
                ack: AckKind::Automatic,
            }) => Inbound::AutoAck {
                packet,
                nsp: nsp.clone(),
                id,
            },
            _ => Inbound::Packet(packet),
        }
    };
    Ok(match packet.body {
        v09::PacketBody::Connect { query } => Inbound::Packet(sio::Packet {
            nsp,
            body: sio::PacketBody::Connect { auth: None, query },
        }),
        v09::PacketBody::Disconnect => Inbound::Packet(sio::Packet::disconnect(nsp)),
        v09::PacketBody::Message { id, data } => {
            event(id, "message", vec![Value::String(data.to_string())])
        }
        v09::PacketBody::Json { id, data } => {
            // Validated by the decoder, so it parses.
            let value = data.to_value().unwrap_or(Value::Null);
            event(id, "message", vec![value])
        }
        v09::PacketBody::Event { id, event: e } => {
            event(id, e.name(), e.args_value().unwrap_or_default())
        }
        v09::PacketBody::Ack { ack_id, args } => Inbound::Packet(sio::Packet {
            nsp,
            body: sio::PacketBody::Ack {
                id: ack_id,
                // The 0.9 decoder refuses ack arguments that are not an array.
                data: args
                    .and_then(|a| Args::try_from_payload(a).ok())
                    .unwrap_or_default(),
                attachments: Vec::new(),
            },
        }),
        v09::PacketBody::Heartbeat | v09::PacketBody::Noop | v09::PacketBody::Error { .. } => {
            Inbound::Ignore
        }
    })
}

/// The automatic ack `6:::<id>` (no data) on `nsp`.
pub(crate) fn auto_ack(nsp: &Str, id: u64) -> Encoded {
    let packet = v09::Packet::with_endpoint(
        endpoint_of(nsp),
        v09::PacketBody::Ack {
            ack_id: id,
            args: None,
        },
    );
    frame(&packet)
}

/// Encodes `packet` for a 0.9 client.
pub(crate) fn encode(packet: &sio::Packet) -> Encoded {
    let endpoint = endpoint_of(&packet.nsp);
    let body = match &packet.body {
        sio::PacketBody::Connect { .. } => v09::PacketBody::Connect { query: None },
        sio::PacketBody::Disconnect => v09::PacketBody::Disconnect,
        sio::PacketBody::Event {
            id,
            data,
            attachments,
        } => {
            let mut args = match with_buffers(data, attachments) {
                Value::Array(a) => a,
                other => vec![other],
            };
            let name = match args.first() {
                Some(Value::String(_)) => match args.remove(0) {
                    Value::String(s) => s,
                    _ => String::new(),
                },
                _ => String::new(),
            };
            match v09::Event::new(&name, &args) {
                Ok(event) => v09::PacketBody::Event {
                    id: id.map(|id| MessageId {
                        id,
                        ack: AckKind::WithData,
                    }),
                    event,
                },
                // An event that 0.9 cannot carry (no name) is not sent.
                Err(_) => v09::PacketBody::Noop,
            }
        }
        sio::PacketBody::Ack {
            id,
            data,
            attachments,
        } => v09::PacketBody::Ack {
            ack_id: *id,
            args: Some(Payload::from_value(&with_buffers(data, attachments))),
        },
        sio::PacketBody::ConnectError(_) | sio::PacketBody::Error(_) => v09::PacketBody::Error {
            reason: Some(ErrorReason::Unauthorized),
            advice: None,
        },
    };
    frame(&v09::Packet::with_endpoint(endpoint, body))
}

fn frame(packet: &v09::Packet) -> Encoded {
    // Everything built above is encodable (endpoints come from namespace names, which hold
    // no `:`); a failure sends a noop rather than panicking.
    let text = packet.encode().unwrap_or_else(|_| Str::from_static("8::"));
    Encoded {
        head: Frame::Text(text),
        binary: Vec::new(),
    }
}

/// `data` as JSON, each attachment placeholder replaced by the attachment as node's
/// `JSON.stringify(buffer)` writes it.
fn with_buffers(data: &Payload, attachments: &[Bytes]) -> Value {
    let mut value = data.to_value().unwrap_or(Value::Null);
    if !attachments.is_empty() {
        replace_placeholders(&mut value, attachments);
    }
    value
}

fn replace_placeholders(value: &mut Value, attachments: &[Bytes]) {
    match value {
        Value::Array(items) => {
            for item in items {
                replace_placeholders(item, attachments);
            }
        }
        Value::Object(map) => {
            if let Some(bytes) = placeholder(map).and_then(|n| attachments.get(n)) {
                let mut buffer = Map::new();
                buffer.insert("type".to_owned(), Value::from("Buffer"));
                buffer.insert(
                    "data".to_owned(),
                    Value::Array(bytes.iter().map(|b| Value::from(*b)).collect()),
                );
                *value = Value::Object(buffer);
                return;
            }
            for item in map.values_mut() {
                replace_placeholders(item, attachments);
            }
        }
        _ => {}
    }
}

fn placeholder(map: &Map<String, Value>) -> Option<usize> {
    if map.len() != 2 || map.get("_placeholder") != Some(&Value::Bool(true)) {
        return None;
    }
    map.get("num")?
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(e: &Encoded) -> String {
        match &e.head {
            Frame::Text(t) => t.to_string(),
            Frame::Binary(_) => panic!("0.9 is text"),
        }
    }

    fn inbound(s: &'static str) -> Inbound {
        decode(Str::from_static(s)).unwrap()
    }

    #[test]
    fn events_with_and_without_acks() {
        let Inbound::Packet(p) = inbound(r#"5:1+::{"name":"echo","args":["x",2]}"#) else {
            panic!()
        };
        assert_eq!(p.nsp, "/");
        let sio::PacketBody::Event { id, data, .. } = p.body else {
            panic!()
        };
        assert_eq!((id, data.as_str()), (Some(1), r#"["echo","x",2]"#));

        let Inbound::AutoAck { packet, nsp, id } = inbound(r#"5:7:/chat:{"name":"hi"}"#) else {
            panic!()
        };
        assert_eq!((nsp.as_str(), id), ("/chat", 7));
        assert!(matches!(
            packet.body,
            sio::PacketBody::Event { id: None, .. }
        ));
        assert_eq!(text(&auto_ack(&Str::from("/chat"), 7)), "6::/chat:7");
    }

    #[test]
    fn messages_are_the_message_event() {
        let Inbound::Packet(p) = inbound("3:::hello: world") else {
            panic!()
        };
        let sio::PacketBody::Event { data, .. } = p.body else {
            panic!()
        };
        assert_eq!(data.as_str(), r#"["message","hello: world"]"#);
        let Inbound::Packet(p) = inbound(r#"4:::{"a":1}"#) else {
            panic!()
        };
        let sio::PacketBody::Event { data, .. } = p.body else {
            panic!()
        };
        assert_eq!(data.as_str(), r#"["message",{"a":1}]"#);
    }

    #[test]
    fn connect_ack_and_disconnect_inbound() {
        let Inbound::Packet(p) = inbound("1::/admin?token=secret") else {
            panic!()
        };
        assert_eq!(p.nsp, "/admin");
        assert!(matches!(
            p.body,
            sio::PacketBody::Connect { auth: None, query: Some(ref q) } if q == "token=secret"
        ));
        let Inbound::Packet(p) = inbound(r#"6:::4+["ok"]"#) else {
            panic!()
        };
        assert!(
            matches!(p.body, sio::PacketBody::Ack { id: 4, ref data, .. } if data.as_str() == r#"["ok"]"#)
        );
        assert_eq!(
            inbound("0::/admin"),
            Inbound::Packet(sio::Packet::disconnect(Str::from("/admin")))
        );
        assert_eq!(inbound("8::"), Inbound::Ignore);
        assert!(decode(Str::from_static("9::")).is_err());
    }

    #[test]
    fn outbound_packets() {
        let args = Args::new(&("a", serde_json::json!({"b": 1}))).unwrap();
        let ev = sio::Packet::event(Str::from("/"), "news", &args, Vec::new(), None).unwrap();
        assert_eq!(
            text(&encode(&ev)),
            r#"5:::{"name":"news","args":["a",{"b":1}]}"#
        );
        let ev = sio::Packet::event(Str::from("/chat"), "q", &args, Vec::new(), Some(3)).unwrap();
        assert_eq!(
            text(&encode(&ev)),
            r#"5:3+:/chat:{"name":"q","args":["a",{"b":1}]}"#
        );
        let ack = sio::Packet::ack(Str::from("/"), 9, args, Vec::new());
        assert_eq!(text(&encode(&ack)), r#"6:::9+["a",{"b":1}]"#);
        assert_eq!(
            text(&encode(&sio::Packet::connect(Str::from("/"), None))),
            "1::"
        );
        assert_eq!(
            text(&encode(&sio::Packet::disconnect(Str::from("/admin")))),
            "0::/admin"
        );
        let refusal =
            sio::Packet::connect_error(Str::from("/admin"), sio::ProtocolVersion::V4, "no");
        assert_eq!(text(&encode(&refusal)), "7::/admin:2");
    }

    #[test]
    fn attachments_become_buffers() {
        let args = Args::new(&(sio::Placeholder(0),)).unwrap();
        let ev = sio::Packet::event(
            Str::from("/"),
            "file",
            &args,
            vec![Bytes::from_static(&[1, 2])],
            None,
        )
        .unwrap();
        assert_eq!(
            text(&encode(&ev)),
            r#"5:::{"name":"file","args":[{"data":[1,2],"type":"Buffer"}]}"#
        );
        assert!(encode(&ev).binary.is_empty());
    }
}
