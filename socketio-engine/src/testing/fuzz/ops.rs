//! The operations of the engine fuzzer, read from bytes, and how each is carried out.
//!
//! Client operations speak real wire text (Engine.IO packets, Socket.IO packets inside
//! them, v4 polling payloads) chosen from a table of meaningful messages, plus raw garbage;
//! application operations call the `Engine` commands on sockets, tokens and connect requests
//! the run has seen. An operation whose target does not exist (no client yet, no socket) does
//! nothing.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use socketio_proto::Str;

use super::client::{
    EVENTS, EVENTS_V09, ROOMS, UPGRADE, bad_request, broadcast, connect, kind_of, msg_for,
    new_slot, pick, post, post_body, request, send_text, uri, ws,
};
use super::driver::{ClientKind, Driver, ReqKind};
use crate::action::WsMessage;
use crate::http::HttpBody;
use crate::sio::error::UsageError;
use crate::testing::sio_client::args;

/// Engine.IO texts a client sends: control packets and Socket.IO packets of every kind.
pub(super) const MSGS: &[&str] = &[
    "2",
    "3",
    "1",
    "5",
    "6",
    "2probe",
    "40",
    "40/chat,",
    "40/d1,",
    "40/d2,",
    "40/d3,",
    "40/nope,",
    r#"40{"token":"t"}"#,
    "40/chat?x=1,",
    "41",
    "41/chat,",
    r#"42["e",1]"#,
    r#"42/chat,["e"]"#,
    r#"421["e",2]"#,
    r#"42/chat,7["x"]"#,
    r#"430["ok"]"#,
    r#"431["ok"]"#,
    "432[]",
    "43/chat,1[1]",
    r#"451-["up",{"_placeholder":true,"num":0}]"#,
    r#"452-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
    r#"461-0[{"_placeholder":true,"num":0}]"#,
    "bAQID",
    "44{}",
    "42",
    "4x",
    "4",
];

/// Bytes left to read.
pub(super) struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.data.split_first()?;
        self.data = rest;
        Some(*first)
    }

    fn bytes(&mut self, max: usize) -> Option<Vec<u8>> {
        let n = usize::from(self.byte()?) % max.saturating_add(1);
        let (head, rest) = self.data.split_at_checked(n).unwrap_or((self.data, &[]));
        self.data = rest;
        Some(head.to_vec())
    }
}

/// One step of a fuzz run. Numbers pick among existing things by index (modulo).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is named for what it does
pub enum Op {
    /// A polling handshake; `kind` picks Engine.IO 4, 3, 3 over JSONP, 0.9 or 0.9 JSONP.
    OpenPolling {
        kind: u8,
    },
    OpenWs,
    BadRequest(u8),
    Get(u8),
    Post(u8, Vec<u8>),
    PostRaw(u8, Vec<u8>),
    PostTooLarge(u8),
    Abort(u8),
    Probe(u8),
    WsText(u8, u8),
    WsRaw {
        client: u8,
        binary: bool,
        data: Vec<u8>,
    },
    WsClose(u8),
    Accept(u8),
    Reject(u8),
    Emit {
        socket: u8,
        binary: bool,
    },
    EmitWithAck {
        socket: u8,
        secs: u8,
    },
    Ack(u8),
    Join(u8, u8),
    Leave(u8, u8),
    Broadcast {
        flags: u8,
    },
    Disconnect(u8),
    DisconnectSession(u8),
    CloseAll,
    Advance(u8),
    Tick,
    /// A client connects to a namespace (over its WebSocket, else by POST); the app then
    /// accepts every pending request when `accept`, which reaches sockets quickly.
    Connect {
        client: u8,
        nsp: u8,
        accept: bool,
    },
    /// A client sends a well-formed event (or ack) over its WebSocket, else by POST.
    Event {
        client: u8,
        kind: u8,
    },
}

impl Op {
    /// The next operation, or `None` when the bytes run out.
    pub(super) fn read(i: &mut Input<'_>) -> Option<Self> {
        let tag = i.byte()?;
        // Tags past 24 repeat the operations that build up state (connects, traffic), so
        // random bytes get deep into the protocol instead of mostly opening and failing.
        let tag = match tag % 44 {
            25..=28 => 25,
            40..=43 => 26,
            29 | 30 => 9,
            31 | 32 => 14,
            33 | 34 => 4,
            35 => 3,
            36 => 15,
            37 => 16,
            38 => 1,
            39 => 17,
            t => t,
        };
        Some(match tag {
            0 => Self::OpenPolling { kind: i.byte()? },
            1 => Self::OpenWs,
            2 => Self::BadRequest(i.byte()?),
            3 => Self::Get(i.byte()?),
            4 => Self::Post(i.byte()?, i.bytes(3)?),
            5 => Self::PostRaw(i.byte()?, i.bytes(40)?),
            6 => Self::PostTooLarge(i.byte()?),
            7 => Self::Abort(i.byte()?),
            8 => Self::Probe(i.byte()?),
            9 => Self::WsText(i.byte()?, i.byte()?),
            10 => Self::WsRaw {
                client: i.byte()?,
                binary: i.byte()? % 2 == 0,
                data: i.bytes(40)?,
            },
            11 => Self::WsClose(i.byte()?),
            12 => Self::Accept(i.byte()?),
            13 => Self::Reject(i.byte()?),
            14 => Self::Emit {
                socket: i.byte()?,
                binary: i.byte()? % 2 == 0,
            },
            15 => Self::EmitWithAck {
                socket: i.byte()?,
                secs: i.byte()? % 60,
            },
            16 => Self::Ack(i.byte()?),
            17 => Self::Join(i.byte()?, i.byte()?),
            18 => Self::Leave(i.byte()?, i.byte()?),
            19 => Self::Broadcast { flags: i.byte()? },
            20 => Self::Disconnect(i.byte()?),
            21 => Self::DisconnectSession(i.byte()?),
            22 => Self::CloseAll,
            23 => Self::Advance(i.byte()?),
            24 => Self::Tick,
            26 => Self::Event {
                client: i.byte()?,
                kind: i.byte()?,
            },
            _ => Self::Connect {
                client: i.byte()?,
                nsp: i.byte()?,
                accept: i.byte()? % 4 != 0,
            },
        })
    }

    /// Carries the operation out (without draining: the run drains and checks after).
    pub(super) fn apply(self, d: &mut Driver) {
        let now = d.now;
        match self {
            Self::OpenPolling { kind } => {
                let slot = new_slot(d);
                // Half the handshakes speak today's protocol, the rest the older ones.
                let (kind, uri) = match kind % 9 {
                    8 => (ClientKind::V09Htmlfile, "/socket.io/1/?t=y"),
                    4 => (ClientKind::Eio3, "/socket.io/?EIO=3&transport=polling&t=x"),
                    5 => (
                        ClientKind::Eio3Jsonp,
                        "/socket.io/?EIO=3&transport=polling&j=0",
                    ),
                    6 => (ClientKind::V09, "/socket.io/1/?t=x"),
                    7 => (ClientKind::V09Jsonp, "/socket.io/1/?t=x&jsonp=0"),
                    _ => (ClientKind::Eio4, "/socket.io/?EIO=4&transport=polling&t=x"),
                };
                d.clients[slot].kind = kind;
                request(
                    d,
                    Method::GET,
                    uri,
                    &[],
                    HttpBody::empty(),
                    ReqKind::Handshake(slot),
                );
            }
            Self::OpenWs => {
                let slot = new_slot(d);
                let uri = "/socket.io/?EIO=4&transport=websocket";
                request(
                    d,
                    Method::GET,
                    uri,
                    UPGRADE,
                    HttpBody::empty(),
                    ReqKind::Handshake(slot),
                );
            }
            Self::BadRequest(n) => bad_request(d, n),
            Self::Get(c) => {
                if let Some(uri) = uri(d, c, "polling") {
                    request(d, Method::GET, &uri, &[], HttpBody::empty(), ReqKind::Other);
                }
            }
            Self::Post(c, msgs) => {
                let kind = kind_of(d, c);
                let texts: Vec<&str> = msgs.iter().map(|&m| msg_for(kind, m)).collect();
                post(d, c, HttpBody::Complete(post_body(kind, &texts)));
            }
            Self::PostRaw(c, data) => post(d, c, HttpBody::Complete(Bytes::from(data))),
            Self::PostTooLarge(c) => post(d, c, HttpBody::TooLarge),
            Self::Abort(n) => {
                if let Some(&req) = pick(&d.issued, n) {
                    d.outstanding.remove(&req);
                    d.engine.handle_http_aborted(now, req);
                }
            }
            Self::Probe(c) => {
                if let Some(uri) = uri(d, c, "websocket") {
                    let slot = usize::from(c) % d.clients.len().max(1);
                    request(
                        d,
                        Method::GET,
                        &uri,
                        UPGRADE,
                        HttpBody::empty(),
                        ReqKind::Probe(slot),
                    );
                }
            }
            Self::WsText(c, m) => {
                let text = msg_for(kind_of(d, c), m);
                ws(d, c, WsMessage::Text(Str::from_static(text)));
            }
            Self::WsRaw {
                client,
                binary,
                data,
            } => {
                let m = if binary {
                    WsMessage::Binary(Bytes::from(data))
                } else {
                    WsMessage::Text(Str::from(String::from_utf8_lossy(&data).into_owned()))
                };
                ws(d, client, m);
            }
            Self::WsClose(c) => {
                if let Some(conn) = pick(&d.clients, c).and_then(|cl| cl.conn) {
                    d.close_conn(conn);
                }
            }
            Self::Accept(n) | Self::Reject(n) => {
                if d.pending.is_empty() {
                    return;
                }
                let p = d.pending.remove(usize::from(n) % d.pending.len());
                if matches!(self, Self::Accept(_)) {
                    if let Ok(id) = d.engine.accept_connect(now, p) {
                        d.accepted(id);
                    }
                } else {
                    let _ = d.engine.reject_connect(now, p, "no", None);
                }
            }
            Self::Emit { socket, binary } => {
                if let Some(&s) = pick(&d.live, socket) {
                    let (a, bin) = if binary {
                        (
                            r#"[{"_placeholder":true,"num":0}]"#,
                            vec![Bytes::from_static(b"\x01\x02")],
                        )
                    } else {
                        (r#"["hi"]"#, Vec::new())
                    };
                    let r = d.engine.emit(now, s, "news", &args(a), bin);
                    assert_ne!(r, Err(UsageError::UnknownSocket), "emit to live {s:?}");
                }
            }
            Self::EmitWithAck { socket, secs } => {
                if let Some(&s) = pick(&d.live, socket) {
                    let t = Duration::from_secs(u64::from(secs));
                    match d.engine.emit_with_ack(now, s, "q", &args("[1]"), vec![], t) {
                        Ok(ack) => assert!(d.acks.insert(ack), "{ack:?} reused"),
                        Err(e) => assert_eq!(e, UsageError::TooManyPendingAcks),
                    }
                }
            }
            Self::Ack(n) => {
                if !d.tokens.is_empty() {
                    let t = d.tokens.remove(usize::from(n) % d.tokens.len());
                    let s = t.socket();
                    let r = d.engine.ack(now, t, &args("[true]"), vec![]);
                    assert!(r.is_ok() || d.is_gone(s), "ack from live {s:?}: {r:?}");
                }
            }
            Self::Join(s, r) | Self::Leave(s, r) => {
                if let Some(&id) = pick(&d.live, s) {
                    let room = ROOMS[usize::from(r) % ROOMS.len()];
                    let res = if matches!(self, Self::Join(..)) {
                        d.engine.join(id, room)
                    } else {
                        d.engine.leave(id, room)
                    };
                    assert!(res.is_ok(), "room op on live {id:?}: {res:?}");
                }
            }
            Self::Broadcast { flags } => broadcast(d, flags),
            Self::Disconnect(s) | Self::DisconnectSession(s) => {
                if let Some(&id) = pick(&d.live, s) {
                    let r = if matches!(self, Self::Disconnect(_)) {
                        d.engine.disconnect(now, id)
                    } else {
                        d.engine.disconnect_session(now, id)
                    };
                    assert!(r.is_ok(), "disconnect live {id:?}: {r:?}");
                }
            }
            Self::CloseAll => d.engine.close_all(now),
            Self::Advance(b) => {
                // Mostly short steps (mean ~11 s, at most 32.5 s): one long jump would kill
                // every session by ping timeout and end the interesting part of the run.
                let ms = u64::from(b).pow(2) / 2;
                d.advance(Duration::from_millis(ms));
            }
            Self::Tick => d.engine.handle_timeout(now),
            Self::Connect {
                client,
                nsp,
                accept,
            } => connect(d, client, nsp, accept),
            Self::Event { client, kind } => {
                let table = if kind_of(d, client).is_v09() {
                    EVENTS_V09
                } else {
                    EVENTS
                };
                send_text(d, client, table[usize::from(kind) % table.len()]);
            }
        }
    }
}
