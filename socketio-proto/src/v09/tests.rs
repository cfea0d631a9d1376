//! Well-formed 0.9 packets, handshakes and payloads in both directions, from the spec's and
//! the reference implementations' examples.

use super::*;
use crate::Str;
use crate::sio::Payload;

fn dec(s: &str) -> Packet {
    Packet::decode(Str::from(s)).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn enc(p: &Packet) -> String {
    p.encode().unwrap().to_string()
}

fn on(endpoint: &str, body: PacketBody) -> Packet {
    Packet::with_endpoint(endpoint, body)
}

fn json(s: &str) -> Payload {
    Payload::from_json(Str::from(s)).unwrap()
}

fn id(id: u64, ack: AckKind) -> Option<MessageId> {
    Some(MessageId { id, ack })
}

fn event(json: &str) -> Event {
    Event::from_json(Str::from(json)).unwrap()
}

/// Canonical forms: decode to the packet, and the packet encodes back to the same text.
#[test]
fn canonical_packets_both_directions() {
    let cases = vec![
        ("0::", Packet::new(PacketBody::Disconnect)),
        ("0::/test", on("/test", PacketBody::Disconnect)),
        ("1::", Packet::new(PacketBody::Connect { query: None })),
        ("1::/test", on("/test", PacketBody::Connect { query: None })),
        (
            "1::/test?my=param",
            on(
                "/test",
                PacketBody::Connect {
                    query: Some(Str::from("my=param")),
                },
            ),
        ),
        ("2::", Packet::heartbeat()),
        (
            "3:1::blabla",
            Packet::new(PacketBody::Message {
                id: id(1, AckKind::Automatic),
                data: Str::from("blabla"),
            }),
        ),
        (
            "3::/chat:a:b:c",
            on(
                "/chat",
                PacketBody::Message {
                    id: None,
                    data: Str::from("a:b:c"),
                },
            ),
        ),
        (
            "3::",
            Packet::new(PacketBody::Message {
                id: None,
                data: Str::new(),
            }),
        ),
        (
            "4:1::{\"a\":\"b\"}",
            Packet::new(PacketBody::Json {
                id: id(1, AckKind::Automatic),
                data: json("{\"a\":\"b\"}"),
            }),
        ),
        (
            "5:1+::{\"name\":\"x\",\"args\":[]}",
            Packet::new(PacketBody::Event {
                id: id(1, AckKind::WithData),
                event: event("{\"name\":\"x\",\"args\":[]}"),
            }),
        ),
        (
            "5::/chat:{\"name\":\"msg\"}",
            on(
                "/chat",
                PacketBody::Event {
                    id: None,
                    event: event("{\"name\":\"msg\"}"),
                },
            ),
        ),
        (
            "6:::4",
            Packet::new(PacketBody::Ack {
                ack_id: 4,
                args: None,
            }),
        ),
        (
            "6:::4+[\"A\",\"B\"]",
            Packet::new(PacketBody::Ack {
                ack_id: 4,
                args: Some(json("[\"A\",\"B\"]")),
            }),
        ),
        (
            "7::",
            Packet::new(PacketBody::Error {
                reason: None,
                advice: None,
            }),
        ),
        (
            "7:::0",
            Packet::new(PacketBody::Error {
                reason: Some(ErrorReason::TransportNotSupported),
                advice: None,
            }),
        ),
        (
            "7::/chat:2+0",
            on(
                "/chat",
                PacketBody::Error {
                    reason: Some(ErrorReason::Unauthorized),
                    advice: Some(ErrorAdvice::Reconnect),
                },
            ),
        ),
        (
            "7:::+0",
            Packet::new(PacketBody::Error {
                reason: None,
                advice: Some(ErrorAdvice::Reconnect),
            }),
        ),
        ("8::", Packet::noop()),
    ];
    for (wire, packet) in cases {
        assert_eq!(dec(wire), packet, "decoding {wire}");
        assert_eq!(enc(&packet), wire, "encoding {packet:?}");
    }
}

/// Accepted spellings that encode to a different (canonical) text.
#[test]
fn lenient_spellings_normalise() {
    let cases = [
        // Empty data field: the same as none.
        ("3:::", "3::"),
        ("0::/test:", "0::/test"),
        ("2:::", "2::"),
        ("7:::", "7::"),
        // The reference encoders put the connect query in the data field.
        ("1::/chat:x=y", "1::/chat?x=y"),
        ("1::/chat:?x=y", "1::/chat?x=y"),
        // The empty endpoint with a query.
        ("1::?x=y", "1::?x=y"),
    ];
    for (wire, canonical) in cases {
        assert_eq!(enc(&dec(wire)), canonical, "{wire}");
    }
}

#[test]
fn connect_query_with_colon_goes_in_the_data_field() {
    let p = on(
        "/chat",
        PacketBody::Connect {
            query: Some(Str::from("t=12:30")),
        },
    );
    assert_eq!(enc(&p), "1::/chat:?t=12:30");
    assert_eq!(dec("1::/chat:?t=12:30"), p);
    assert_eq!(dec("1::/chat:t=12:30"), p);
    let q = on(
        "/chat",
        PacketBody::Connect {
            query: Some(Str::from("a?b")),
        },
    );
    assert_eq!(enc(&q), "1::/chat?a?b");
    assert_eq!(dec("1::/chat?a?b"), q);
}

#[test]
fn event_accessors() {
    let p = dec("5:7:/chat:{\"name\":\"chat message\",\"args\":[\"hi\",{\"n\":1}]}");
    let PacketBody::Event { id, event: ev } = p.body else {
        panic!("not an event");
    };
    assert_eq!(
        id,
        Some(MessageId {
            id: 7,
            ack: AckKind::Automatic
        })
    );
    assert_eq!(ev.name(), "chat message");
    assert!(!ev.is_reserved());
    let (s, o): (String, serde_json::Value) = ev.args().unwrap();
    assert_eq!(s, "hi");
    assert_eq!(o, serde_json::json!({"n": 1}));
    // Absent args read as an empty array; escapes in the name are decoded; last name wins.
    let e = event("{\"args\":[],\"name\":\"a\\u0062\",\"x\":{\"name\":1},\"name\":\"message\"}");
    assert_eq!(e.name(), "message");
    assert!(e.is_reserved());
    assert_eq!(
        event("{\"name\":\"q\"}").args_value().unwrap(),
        Vec::<serde_json::Value>::new()
    );
    assert_eq!(event("{\"name\":\"a\\u0062\"}").name(), "ab");
}

#[test]
fn event_builder() {
    let e = Event::new("news", &[serde_json::json!({"hello": "world"})]).unwrap();
    assert_eq!(e.name(), "news");
    let p = Packet::new(PacketBody::Event { id: None, event: e });
    assert_eq!(
        enc(&p),
        "5:::{\"name\":\"news\",\"args\":[{\"hello\":\"world\"}]}"
    );
    assert_eq!(dec(&enc(&p)), p);
    let e = Event::new("tuple", &(1, "two")).unwrap();
    assert_eq!(
        e.args_value().unwrap(),
        vec![serde_json::json!(1), serde_json::json!("two")]
    );
    assert!(matches!(
        Event::new("x", &serde_json::json!({"not": "array"})),
        Err(DecodeError::EventArgsNotArray)
    ));
}

#[test]
fn decoded_text_shares_the_input_buffer() {
    let text = Str::from("5:1+:/chat:{\"name\":\"x\",\"args\":[1]}");
    let p = Packet::decode(text.clone()).unwrap();
    let base = text.as_ptr() as usize;
    assert_eq!(p.endpoint.as_ptr() as usize, base + 5);
    let PacketBody::Event { event, .. } = p.body else {
        panic!("not an event");
    };
    assert_eq!(event.json().as_str().as_ptr() as usize, base + 11);
    assert_eq!(event.name().as_ptr() as usize, base + 20);
}

#[test]
fn error_reason_and_advice_names() {
    for i in 0..=2u8 {
        let r = ErrorReason::from_index(i).unwrap();
        assert_eq!(r.index(), i);
    }
    assert_eq!(ErrorReason::from_index(3), None);
    assert_eq!(
        ErrorReason::ClientNotHandshaken.as_str(),
        "client not handshaken"
    );
    assert_eq!(
        ErrorReason::TransportNotSupported.as_str(),
        "transport not supported"
    );
    assert_eq!(ErrorReason::Unauthorized.as_str(), "unauthorized");
    assert_eq!(ErrorAdvice::from_index(0), Some(ErrorAdvice::Reconnect));
    assert_eq!(ErrorAdvice::from_index(1), None);
    assert_eq!(ErrorAdvice::Reconnect.as_str(), "reconnect");
    for b in b'0'..=b'8' {
        assert_eq!(PacketType::from_byte(b).unwrap().as_byte(), b);
    }
    assert_eq!(PacketType::from_byte(b'9'), None);
    assert_eq!(PacketType::Ack.to_string(), "ack");
}

#[test]
fn ids_at_the_limit() {
    let max = format!("3:{MAX_ID}::x");
    assert_eq!(dec(&max).body.id().unwrap().id, MAX_ID);
    assert_eq!(enc(&dec(&max)), max);
    let ack = format!("6:::{MAX_ID}");
    assert_eq!(enc(&dec(&ack)), ack);
    assert_eq!(dec("3:0::").body.id().unwrap().id, 0);
}

#[test]
fn handshake_both_directions() {
    let body = Str::from("4d4f185e96a7b:15:25:websocket,xhr-polling,jsonp-polling,htmlfile");
    let h = Handshake::parse(&body).unwrap();
    assert_eq!(h.sid, "4d4f185e96a7b");
    assert_eq!(h.sid.as_ptr(), body.as_ptr(), "fields slice the body");
    assert_eq!(h.heartbeat_timeout, Some(15));
    assert_eq!(h.close_timeout, Some(25));
    assert_eq!(
        h.transports,
        ["websocket", "xhr-polling", "jsonp-polling", "htmlfile"].map(Str::from)
    );
    assert_eq!(h.encode().unwrap(), body);
    // No heartbeats, no close timeout, no transports: all empty fields.
    let bare = Str::from("abc:::");
    let h = Handshake::parse(&bare).unwrap();
    assert_eq!((h.heartbeat_timeout, h.close_timeout), (None, None));
    assert!(h.transports.is_empty());
    assert_eq!(h.encode().unwrap(), bare);
    let spec = Handshake::parse(&Str::from("4d4f185e96a7b::10:websocket,xhr-polling")).unwrap();
    assert_eq!(spec.heartbeat_timeout, None);
    assert_eq!(spec.close_timeout, Some(10));
}

#[test]
fn handshake_errors() {
    let parse = |s: &str| Handshake::parse(&Str::from(s));
    assert_eq!(
        parse("a:1:2"),
        Err(HandshakeError::WrongFieldCount { found: 3 })
    );
    assert_eq!(
        parse("a:1:2:ws:x"),
        Err(HandshakeError::WrongFieldCount { found: 5 })
    );
    assert_eq!(parse(""), Err(HandshakeError::WrongFieldCount { found: 1 }));
    assert_eq!(parse(":1:2:ws"), Err(HandshakeError::InvalidSid));
    assert_eq!(
        parse("a:x:2:ws"),
        Err(HandshakeError::InvalidTimeout("heartbeat"))
    );
    assert_eq!(
        parse("a:1:-2:ws"),
        Err(HandshakeError::InvalidTimeout("close"))
    );
    assert_eq!(
        parse("a:1:99999999999999999999999:ws"),
        Err(HandshakeError::InvalidTimeout("close"))
    );
    assert_eq!(
        parse("a:1:2:ws,,xhr"),
        Err(HandshakeError::InvalidTransport)
    );
    assert_eq!(parse("a:1:2:ws,"), Err(HandshakeError::InvalidTransport));
    let mut h = Handshake {
        sid: Str::from("a:b"),
        heartbeat_timeout: None,
        close_timeout: None,
        transports: vec![],
    };
    assert_eq!(h.encode(), Err(HandshakeError::InvalidSid));
    h.sid = Str::new();
    assert_eq!(h.encode(), Err(HandshakeError::InvalidSid));
    h.sid = Str::from("ok");
    h.transports = vec![Str::from("a,b")];
    assert_eq!(h.encode(), Err(HandshakeError::InvalidTransport));
    h.transports = vec![Str::new()];
    assert_eq!(h.encode(), Err(HandshakeError::InvalidTransport));
}

#[test]
fn payload_framing() {
    let limits = PayloadLimits::default();
    let packets = [
        Str::from("2::"),
        Str::from("3:::héllo"),
        Str::from("3:::😀"),
    ];
    let body = encode_payload(&packets);
    // Lengths in UTF-16 units: "é" is one, "😀" two.
    assert_eq!(
        body,
        "\u{fffd}3\u{fffd}2::\u{fffd}9\u{fffd}3:::héllo\u{fffd}6\u{fffd}3:::😀"
    );
    assert_eq!(split_payload(&body, &limits).unwrap(), packets);
    let decoded = decode_payload(&body, &limits).unwrap();
    assert_eq!(decoded.len(), 3);
    assert_eq!(decoded.first(), Some(&Packet::heartbeat()));
    // One packet travels unframed, and may hold U+FFFD itself.
    let one = Str::from("3:::a\u{fffd}b");
    assert_eq!(encode_payload(std::slice::from_ref(&one)), one);
    assert_eq!(
        split_payload(&one, &limits).unwrap(),
        std::slice::from_ref(&one)
    );
    // A single framed packet is accepted too.
    assert_eq!(
        decode_payload(&Str::from("\u{fffd}3\u{fffd}8::"), &limits).unwrap(),
        [Packet::noop()]
    );
    assert_eq!(encode_payload(&[]), "");
}
