//! How the fuzzer's client operations reach the engine: request building, WebSocket
//! messages, the well-formed Socket.IO traffic table, and the composite steps (connect and
//! accept, malformed requests, broadcasts with every flag).

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use socketio_proto::Str;

use super::driver::{Client, ClientKind, Driver, ReqKind};
use crate::action::WsMessage;
use crate::http::{HttpBody, RequestMeta};
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::error::UsageError;
use crate::testing::sio_client::args;

/// Client slots (more handshakes than `max_sessions` allows, so the limit is reached).
const SLOTS: usize = 8;

pub(super) const UPGRADE: &[(&str, &str)] = &[("upgrade", "websocket"), ("connection", "Upgrade")];
pub(super) const ROOMS: [&str; 3] = ["a", "b", "c"];

/// Message `m` of the table for a client of `kind`.
pub(super) fn msg_for(kind: ClientKind, m: u8) -> &'static str {
    let table = if kind.is_v09() {
        MSGS_V09
    } else {
        super::ops::MSGS
    };
    table
        .get(usize::from(m) % table.len())
        .copied()
        .unwrap_or("6")
}

pub(super) fn pick<T>(list: &[T], n: u8) -> Option<&T> {
    list.get(usize::from(n) % list.len().max(1))
}

pub(super) fn new_slot(d: &mut Driver) -> usize {
    if d.clients.len() < SLOTS {
        d.clients.push(Client::default());
        return d.clients.len() - 1;
    }
    // Reuse the oldest slot: its old session lives on unreferenced until it times out.
    let slot = d.issued.len() % SLOTS;
    d.clients[slot] = Client::default();
    slot
}

pub(super) fn uri(d: &Driver, c: u8, transport: &str) -> Option<String> {
    let client = pick(&d.clients, c)?;
    let sid = client.sid?;
    Some(match (client.kind, transport) {
        (ClientKind::Eio4, t) => format!("/socket.io/?EIO=4&transport={t}&sid={sid}"),
        (ClientKind::Eio3, t) => format!("/socket.io/?EIO=3&transport={t}&sid={sid}"),
        (ClientKind::Eio3Jsonp, t) => format!("/socket.io/?EIO=3&transport={t}&sid={sid}&j=0"),
        (ClientKind::V09 | ClientKind::V09Jsonp | ClientKind::V09Htmlfile, "websocket") => {
            format!("/socket.io/1/websocket/{sid}")
        }
        (ClientKind::V09, _) => format!("/socket.io/1/xhr-polling/{sid}?t=1"),
        (ClientKind::V09Jsonp, _) => format!("/socket.io/1/jsonp-polling/{sid}?t=1&i=0"),
        (ClientKind::V09Htmlfile, _) => format!("/socket.io/1/htmlfile/{sid}?t=1"),
    })
}

/// Socket.IO 0.9 texts a client sends: control packets, namespaces, events, acks, messages,
/// and malformed ones.
pub(super) const MSGS_V09: &[&str] = &[
    "2::",
    "0::",
    "8::",
    "1::/chat",
    "1::/d1?x=1",
    "1::/nope",
    "0::/chat",
    r#"5:1+::{"name":"e","args":[1]}"#,
    r#"5:2::{"name":"e"}"#,
    r#"5::/chat:{"name":"e","args":[]}"#,
    r#"6:::1+["ok"]"#,
    "6:::2",
    "3:::hi",
    r#"4:::{"a":1}"#,
    "7:::2",
    "9::",
    "5:::{bad",
    "1:x:",
];

/// The body of a POST of `packets` for a client of `kind`: 0.9 payload framing and forms for
/// 0.9 clients, `\u{1e}`-joined (v4) text otherwise, wrapped in a form for JSONP.
pub(super) fn post_body(kind: ClientKind, packets: &[&str]) -> Bytes {
    let text = if kind.is_v09() {
        let texts: Vec<Str> = packets.iter().map(|p| Str::from(*p)).collect();
        socketio_proto::v09::encode_payload(&texts).to_string()
    } else {
        packets.join("\u{1e}")
    };
    let form = |payload: &str| {
        let encoded: String = payload
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("d={encoded}")
    };
    Bytes::from(match kind {
        ClientKind::V09Jsonp => form(&serde_json::Value::from(text).to_string()),
        ClientKind::Eio3Jsonp => form(&text),
        _ => text,
    })
}

/// The client's kind, `Eio4` when there is no such client.
pub(super) fn kind_of(d: &Driver, c: u8) -> ClientKind {
    pick(&d.clients, c).map(|cl| cl.kind).unwrap_or_default()
}

pub(super) fn request(
    d: &mut Driver,
    m: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: HttpBody,
    kind: ReqKind,
) {
    let mut meta = RequestMeta::new(m, uri.parse().expect("fuzz uris are valid"));
    for (k, v) in headers {
        meta.headers.append(
            http::HeaderName::from_bytes(k.as_bytes()).expect("valid name"),
            http::HeaderValue::from_str(v).expect("valid value"),
        );
    }
    let req = d.engine.handle_http(d.now, meta, body);
    d.issued(req, kind);
}

pub(super) fn post(d: &mut Driver, c: u8, body: HttpBody) {
    if let Some(uri) = uri(d, c, "polling") {
        request(d, Method::POST, &uri, &[], body, ReqKind::Other);
    }
}

pub(super) fn ws(d: &mut Driver, c: u8, m: WsMessage) {
    if let Some(conn) = pick(&d.clients, c).and_then(|cl| cl.conn) {
        // Also on a connection closed meanwhile: the engine must ignore it.
        d.engine.handle_ws_message(d.now, conn, m);
    }
}

/// Well-formed 0.9 traffic: events with data acks and automatic acks, acks of the first
/// server ack ids, a message packet.
pub(super) const EVENTS_V09: &[&str] = &[
    r#"5:1+::{"name":"e","args":[1]}"#,
    r#"5:2::{"name":"e"}"#,
    r#"5:3+:/chat:{"name":"e","args":[]}"#,
    r#"6:::0+["ok"]"#,
    r#"6:::1+["ok"]"#,
    "6::/chat:0+[1]",
    "3:::hello",
];

/// Well-formed Socket.IO traffic from a client: events with and without ack ids, acks of
/// the first server ack ids, a binary event with its attachment (over POST as base64).
pub(super) const EVENTS: &[&str] = &[
    r#"42["e",1]"#,
    r#"421["e",2]"#,
    r#"42/chat,3["e"]"#,
    r#"430["ok"]"#,
    r#"431["ok"]"#,
    r#"432["ok"]"#,
    r#"43/chat,0[1]"#,
    "451-[\"up\",{\"_placeholder\":true,\"num\":0}]\u{1e}bAQID",
];

/// Sends one Engine.IO text packet made at run time, over the WebSocket or as a POST
/// (Engine.IO 4 and 3 clients, whose POST body of one packet is the packet).
fn send_string(d: &mut Driver, c: u8, text: String) {
    let Some(client) = pick(&d.clients, c) else {
        return;
    };
    if client.conn.is_some() {
        ws(d, c, WsMessage::Text(Str::from(text)));
    } else {
        post(d, c, HttpBody::Complete(Bytes::from(text)));
    }
}

/// Sends `text` (Engine.IO packets, `\u{1e}`-separated) over the client's WebSocket, one
/// message each, or as one POST.
pub(super) fn send_text(d: &mut Driver, c: u8, text: &'static str) {
    let Some(client) = pick(&d.clients, c) else {
        return;
    };
    let kind = client.kind;
    if kind.is_v09() || kind == ClientKind::Eio3Jsonp {
        let packets: Vec<&str> = text.split('\u{1e}').collect();
        if client.conn.is_some() {
            for p in packets {
                ws(d, c, WsMessage::Text(Str::from_static(p)));
            }
        } else {
            post(d, c, HttpBody::Complete(post_body(kind, &packets)));
        }
        return;
    }
    if client.conn.is_some() {
        for part in text.split('\u{1e}') {
            let m = match part.strip_prefix('b') {
                Some(_) => WsMessage::Binary(Bytes::from_static(&[1, 2, 3])),
                None => WsMessage::Text(Str::from_static(part)),
            };
            ws(d, c, m);
        }
    } else {
        post(
            d,
            c,
            HttpBody::Complete(Bytes::from_static(text.as_bytes())),
        );
    }
}

pub(super) fn connect(d: &mut Driver, c: u8, nsp: u8, accept: bool) {
    let text = if kind_of(d, c).is_v09() {
        ["1::/chat", "1::/d1", "1::/d2?a=1", "1::/chat?t=x"][usize::from(nsp) % 4]
    } else {
        ["40", "40/chat,", "40/d1,", r#"40{"a":1}"#][usize::from(nsp) % 4]
    };
    // With recovery on, some CONNECTs present a pid seen (on its namespace) and the last
    // offset.
    let plain = kind_of(d, c) == ClientKind::Eio4;
    let (pids, offset) = &d.resume;
    let resume = match (pids.get(usize::from(nsp / 8) % pids.len().max(1)), offset) {
        (Some((prefix, pid)), Some(offset))
            if plain && nsp.is_multiple_of(2) && d.engine.sio.recovery.is_some() =>
        {
            Some(format!(r#"{prefix}{{"pid":"{pid}","offset":"{offset}"}}"#))
        }
        _ => None,
    };
    match resume {
        Some(r) => send_string(d, c, r),
        None => send_text(d, c, text),
    }
    d.drain();
    d.check();
    if accept {
        for p in std::mem::take(&mut d.pending) {
            if let Ok(id) = d.engine.accept_connect(d.now, p) {
                d.accepted(id);
            }
        }
    }
}

pub(super) fn bad_request(d: &mut Driver, n: u8) {
    let sid = pick(&d.clients, n).and_then(|c| c.sid);
    let with_sid = |t: &str| match sid {
        Some(s) => format!("/socket.io/?EIO=4&transport={t}&sid={s}"),
        None => format!("/socket.io/?EIO=4&transport={t}&sid=AAAAAAAAAAAAAAAAAAAA"),
    };
    let (m, uri, h): (Method, String, &[(&str, &str)]) = match n % 8 {
        0 => (
            Method::OPTIONS,
            "/socket.io/?EIO=4&transport=polling".into(),
            &[],
        ),
        1 => (Method::GET, "/elsewhere/?EIO=4".into(), &[]),
        2 => (
            Method::GET,
            "/socket.io/?EIO=5&transport=polling".into(),
            &[],
        ),
        3 => (
            Method::GET,
            "/socket.io/?EIO=4&transport=carrier".into(),
            &[],
        ),
        4 => (
            Method::POST,
            "/socket.io/?EIO=4&transport=polling".into(),
            &[],
        ),
        5 => (Method::GET, with_sid("websocket"), &[]),
        6 => (Method::PUT, with_sid("polling"), &[]),
        _ => (Method::GET, with_sid("websocket"), UPGRADE),
    };
    let kind = if h.is_empty() {
        ReqKind::Other
    } else {
        ReqKind::Probe(usize::MAX)
    };
    request(d, m, &uri, h, HttpBody::empty(), kind);
}

pub(super) fn broadcast(d: &mut Driver, flags: u8) {
    let now = d.now;
    let mut t = BroadcastTarget::namespace(if flags & 1 == 0 { "/" } else { "/chat" });
    if flags & 2 != 0 {
        t = t.to(ROOMS[usize::from(flags >> 5) % ROOMS.len()]);
    }
    if flags & 4 != 0 {
        t = t.except("b");
    }
    if flags & 8 != 0 {
        t = t.volatile();
    }
    let a = args(r#"[{"n":1}]"#);
    if flags & 16 != 0 {
        match d
            .engine
            .broadcast_with_ack(now, &t, "all", &a, vec![], Duration::from_secs(5))
        {
            Ok(ack) => assert!(d.acks.insert(ack), "{ack:?} reused"),
            Err(e) => assert!(
                matches!(
                    e,
                    UsageError::TooManyBroadcastAcks | UsageError::UnknownNamespace
                ),
                "{e:?}"
            ),
        }
    } else {
        let r = d.engine.broadcast(now, &t, "all", &a, vec![]);
        assert!(r.is_ok() || r == Err(UsageError::UnknownNamespace), "{r:?}");
    }
}
