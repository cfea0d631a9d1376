//! Scenario tests of the Socket.IO layer against a recording fake transport, with packets
//! written and read as real wire text.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::eio::Frame;
use socketio_proto::sio::{Args, Payload};

use super::broadcast::BroadcastTarget;
use super::config::SioConfig;
use super::error::UsageError;
use super::ids::SocketId;
use super::session_key::SessionKey;
use super::state::SioState;
use super::transport::{Encoded, Transport};
use crate::event::{DisconnectReason, Event};
use crate::ids::Sid;

#[derive(Default)]
struct Fake {
    sent: Vec<(SessionKey, Frame)>,
    closed: Vec<SessionKey>,
    unwritable: HashSet<SessionKey>,
}

impl Transport for Fake {
    fn send(&mut self, _now: Instant, session: SessionKey, packet: &Encoded) -> bool {
        for f in packet.frames() {
            self.sent.push((session, f.clone()));
        }
        true
    }
    fn is_writable(&self, session: SessionKey) -> bool {
        !self.unwritable.contains(&session)
    }
    fn close(&mut self, _now: Instant, session: SessionKey) {
        self.closed.push(session);
    }
    fn handshake_query(&self, _session: SessionKey) -> Option<&str> {
        None
    }
}

/// Session `n` (tests name sessions by small numbers).
fn k(n: u8) -> SessionKey {
    Sid::from_bytes([n; 15])
}

struct World {
    sio: SioState,
    t: Fake,
    now: Instant,
}

impl World {
    fn new(cfg: SioConfig) -> Self {
        Self {
            sio: SioState::new(cfg),
            t: Fake::default(),
            now: super::test_epoch(),
        }
    }

    fn open(&mut self, key: u8) {
        self.sio
            .handle_open(self.now, &mut self.t, k(key), crate::eio::Generation::Eio4);
    }

    /// Feeds one Socket.IO packet text (without the Engine.IO "4").
    fn recv(&mut self, key: u8, text: &str) {
        self.sio
            .handle_text(self.now, &mut self.t, k(key), Str::from(text));
    }

    fn recv_bin(&mut self, key: u8, data: &'static [u8]) {
        self.sio
            .handle_binary(self.now, &mut self.t, k(key), Bytes::from_static(data));
    }

    /// Texts sent to `key` since the last call, without the Engine.IO "4".
    fn take_texts(&mut self, key: u8) -> Vec<String> {
        let mut out = Vec::new();
        self.t.sent.retain(|(s, f)| {
            if *s != k(key) {
                return true;
            }
            match f {
                Frame::Text(s) => out.push(s.as_str().strip_prefix('4').unwrap().to_owned()),
                Frame::Binary(b) => out.push(format!("<bin {}>", b.len())),
            }
            false
        });
        out
    }

    fn event(&mut self) -> Option<Event> {
        self.sio.poll_event()
    }

    /// Opens `key` and connects it to `nsp`, returning the socket.
    fn connect(&mut self, key: u8, nsp: &str) -> SocketId {
        if !self.sio.sessions.contains_key(&k(key)) {
            self.open(key);
        }
        let text = if nsp == "/" {
            "0".to_owned()
        } else {
            format!("0{nsp},")
        };
        self.recv(key, &text);
        let Some(Event::Connect(p)) = self.event() else {
            panic!("no connect event")
        };
        let id = self
            .sio
            .accept_connect(self.now, &mut self.t, p, None)
            .unwrap();
        self.take_texts(key);
        id
    }
}

fn payload(json: &str) -> Payload {
    Payload::from_json(Str::from(json)).unwrap()
}

fn args(json: &str) -> Args {
    Args::try_from_payload(payload(json)).unwrap()
}

#[test]
fn connect_accept_sends_sid_and_auth_reaches_app() {
    let mut w = World::new(SioConfig::default());
    w.open(1);
    w.recv(1, r#"0{"token":"abc"}"#);
    let Some(Event::Connect(p)) = w.event() else {
        panic!()
    };
    assert_eq!(p.nsp(), "/");
    assert_eq!(p.auth().unwrap().as_str(), r#"{"token":"abc"}"#);
    let id = w.sio.accept_connect(w.now, &mut w.t, p, None).unwrap();
    let name = w.sio.socket_name(id).unwrap();
    assert_eq!(w.take_texts(1), [format!(r#"0{{"sid":"{name}"}}"#)]);
    assert_eq!(w.sio.rooms_of(id).unwrap(), [Str::from(name.as_str())]);
}

#[test]
fn connect_reject_sends_message_and_data() {
    let mut w = World::new(SioConfig::default());
    w.open(1);
    w.recv(1, "0");
    let Some(Event::Connect(p)) = w.event() else {
        panic!()
    };
    w.sio
        .reject_connect(w.now, &mut w.t, p, "nope", Some(serde_json::json!({"a":1})))
        .unwrap();
    assert_eq!(w.take_texts(1), [r#"4{"message":"nope","data":{"a":1}}"#]);
    assert!(w.sio.sockets.len() == 0);
    assert!(w.t.closed.is_empty(), "the session stays open for a retry");
}

#[test]
fn invalid_namespace_gets_connect_error() {
    let mut w = World::new(SioConfig::default());
    w.open(1);
    w.recv(1, "0/admin,");
    assert!(w.event().is_none());
    assert_eq!(
        w.take_texts(1),
        [r#"4/admin,{"message":"Invalid namespace"}"#]
    );
}

#[test]
fn dynamic_namespace_accepted_by_predicate() {
    let mut cfg = SioConfig::default();
    cfg.dynamic_namespaces(|n| n.starts_with("/room-"));
    let mut w = World::new(cfg);
    let id = w.connect(1, "/room-7");
    assert_eq!(w.sio.socket_nsp(id).unwrap(), "/room-7");
}

#[test]
fn answering_a_stale_pending_connect_fails() {
    let mut w = World::new(SioConfig::default());
    w.open(1);
    w.recv(1, "0");
    let Some(Event::Connect(p)) = w.event() else {
        panic!()
    };
    w.sio
        .handle_closed(w.now, k(1), DisconnectReason::TransportClose);
    assert_eq!(
        w.sio.accept_connect(w.now, &mut w.t, p, None).unwrap_err(),
        UsageError::ConnectNotPending
    );
}

#[test]
fn connect_timeout_closes_session_without_namespace() {
    let mut cfg = SioConfig::default();
    cfg.connect_timeout(Duration::from_millis(45_000));
    let mut w = World::new(cfg);
    w.open(1);
    w.open(2);
    w.connect(2, "/");
    assert_eq!(
        w.sio.poll_timeout(),
        Some(w.now + Duration::from_millis(45_000))
    );
    w.sio
        .handle_timeout(w.now + Duration::from_millis(44_999), &mut w.t);
    assert!(w.t.closed.is_empty());
    w.sio
        .handle_timeout(w.now + Duration::from_millis(45_000), &mut w.t);
    assert_eq!(w.t.closed, [k(1)], "only the session that never connected");
    assert!(w.sio.poll_timeout().is_none());
}

#[test]
fn max_namespaces_per_session() {
    let mut cfg = SioConfig::default();
    cfg.namespaces(["/", "/a", "/b"].map(Str::from))
        .max_namespaces_per_session(2);
    let mut w = World::new(cfg);
    w.connect(1, "/");
    w.connect(1, "/a");
    w.recv(1, "0/b,");
    assert!(w.event().is_none());
    assert_eq!(
        w.take_texts(1),
        [r#"4/b,{"message":"Too many namespaces"}"#]
    );
}

#[test]
fn client_event_with_ack_is_acked_once() {
    let mut w = World::new(SioConfig::default());
    let s = w.connect(1, "/");
    w.recv(1, r#"27["chat","hi",{"n":1}]"#);
    let Some(Event::Message {
        socket,
        event,
        args: a,
        binary,
        ack,
    }) = w.event()
    else {
        panic!()
    };
    assert_eq!((socket, event.as_str()), (s, "chat"));
    let (text, obj): (String, serde_json::Value) = a.deserialize().unwrap();
    assert_eq!(text, "hi");
    assert_eq!(obj["n"], 1);
    assert!(binary.is_empty());
    let token = ack.unwrap();
    w.sio
        .ack(w.now, &mut w.t, token, &args(r#"["ok"]"#), vec![])
        .unwrap();
    // `token` is moved: a second ack does not compile.
    assert_eq!(w.take_texts(1), [r#"37["ok"]"#]);
}

#[test]
fn binary_event_in_and_binary_ack_out() {
    let mut w = World::new(SioConfig::default());
    w.connect(1, "/");
    w.recv(1, r#"51-3["up",{"_placeholder":true,"num":0}]"#);
    assert!(w.event().is_none(), "waiting for the attachment");
    w.recv_bin(1, b"\x01\x02\x03");
    let Some(Event::Message { binary, ack, .. }) = w.event() else {
        panic!()
    };
    assert_eq!(binary, [Bytes::from_static(b"\x01\x02\x03")]);
    w.sio
        .ack(
            w.now,
            &mut w.t,
            ack.unwrap(),
            &args(r#"[{"_placeholder":true,"num":0}]"#),
            vec![Bytes::from_static(b"xy")],
        )
        .unwrap();
    assert_eq!(
        w.take_texts(1),
        [r#"61-3[{"_placeholder":true,"num":0}]"#, "<bin 2>"]
    );
}

#[test]
fn server_emit_with_ack_reply_timeout_and_limit() {
    let mut cfg = SioConfig::default();
    cfg.max_pending_acks(2);
    let mut w = World::new(cfg);
    let s = w.connect(1, "/");
    let t = Duration::from_secs(5);
    let a1 = w
        .sio
        .emit_with_ack(w.now, &mut w.t, s, "q", &args("[1]"), vec![], t)
        .unwrap();
    let a2 = w
        .sio
        .emit_with_ack(w.now, &mut w.t, s, "q", &args("[2]"), vec![], t)
        .unwrap();
    assert_eq!(
        w.sio
            .emit_with_ack(w.now, &mut w.t, s, "q", &args("[3]"), vec![], t),
        Err(UsageError::TooManyPendingAcks)
    );
    assert_eq!(
        w.take_texts(1),
        [
            format!(r#"2{}["q",1]"#, a1.get()),
            format!(r#"2{}["q",2]"#, a2.get())
        ]
    );
    w.recv(1, &format!(r#"3{}["yes"]"#, a1.get()));
    let Some(Event::AckReply {
        ack,
        socket,
        args: a,
        ..
    }) = w.event()
    else {
        panic!()
    };
    assert_eq!((ack, socket, a.as_str()), (a1, s, r#"["yes"]"#));
    // A second reply to the same id is ignored.
    w.recv(1, &format!(r#"3{}["again"]"#, a1.get()));
    assert!(w.event().is_none());
    w.sio.handle_timeout(w.now + t, &mut w.t);
    assert!(
        matches!(w.event(), Some(Event::AckTimeout { ack, socket }) if ack == a2 && socket == s)
    );
    // Both settled: the limit allows new acks again.
    assert!(
        w.sio
            .emit_with_ack(w.now, &mut w.t, s, "q", &args("[]"), vec![], t)
            .is_ok()
    );
}

#[test]
fn ack_from_another_socket_is_ignored() {
    let mut w = World::new(SioConfig::default());
    let s1 = w.connect(1, "/");
    w.connect(2, "/");
    let a = w
        .sio
        .emit_with_ack(
            w.now,
            &mut w.t,
            s1,
            "q",
            &args("[]"),
            vec![],
            Duration::from_secs(1),
        )
        .unwrap();
    w.recv(2, &format!("3{}[]", a.get()));
    assert!(w.event().is_none());
}

#[test]
fn reserved_event_names_are_refused() {
    let mut w = World::new(SioConfig::default());
    let s = w.connect(1, "/");
    assert!(matches!(
        w.sio
            .emit(w.now, &mut w.t, s, "disconnect", &args("[]"), vec![]),
        Err(UsageError::ReservedEventName(_))
    ));
}

fn sorted_texts(w: &mut World, keys: &[u8]) -> Vec<u8> {
    keys.iter()
        .copied()
        .filter(|k| !w.take_texts(*k).is_empty())
        .collect()
}

#[test]
fn rooms_broadcast_except_and_volatile() {
    let mut w = World::new(SioConfig::default());
    let s: Vec<SocketId> = (1..=4).map(|k| w.connect(k, "/")).collect();
    let keys: [u8; 4] = [1, 2, 3, 4];
    w.sio.join(s[0], &Str::from("r")).unwrap();
    w.sio.join(s[1], &Str::from("r")).unwrap();
    w.sio.join(s[2], &Str::from("q")).unwrap();
    let p = args(r#"["x"]"#);
    let n = w
        .sio
        .broadcast(
            w.now,
            &mut w.t,
            &BroadcastTarget::namespace("/").to("r"),
            "e",
            &p,
            vec![],
        )
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(sorted_texts(&mut w, &keys), [1, 2]);

    let target = BroadcastTarget::namespace("/")
        .except("r")
        .except_socket(s[3]);
    w.sio
        .broadcast(w.now, &mut w.t, &target, "e", &p, vec![])
        .unwrap();
    assert_eq!(sorted_texts(&mut w, &keys), [3]);

    // Own-id room.
    let name = w.sio.socket_name(s[3]).unwrap();
    let target = BroadcastTarget::namespace("/").to(name.as_str());
    w.sio
        .broadcast(w.now, &mut w.t, &target, "e", &p, vec![])
        .unwrap();
    assert_eq!(sorted_texts(&mut w, &keys), [4]);

    // Volatile skips the unwritable session.
    w.t.unwritable.insert(k(2));
    let target = BroadcastTarget::namespace("/").to("r").volatile();
    assert_eq!(
        w.sio
            .broadcast(w.now, &mut w.t, &target, "e", &p, vec![])
            .unwrap(),
        1
    );
    assert_eq!(sorted_texts(&mut w, &keys), [1]);

    // Leave.
    assert!(w.sio.leave(s[0], "r").unwrap());
    w.sio
        .broadcast(
            w.now,
            &mut w.t,
            &BroadcastTarget::namespace("/").to("r"),
            "e",
            &p,
            vec![],
        )
        .unwrap();
    assert_eq!(sorted_texts(&mut w, &keys), [2]);
}

#[test]
fn broadcast_frames_are_shared_not_reencoded() {
    let mut w = World::new(SioConfig::default());
    for k in 1..=3 {
        w.connect(k, "/");
    }
    w.sio
        .broadcast(
            w.now,
            &mut w.t,
            &BroadcastTarget::namespace("/"),
            "e",
            &args("[1]"),
            vec![],
        )
        .unwrap();
    let ptrs: HashSet<*const u8> =
        w.t.sent
            .iter()
            .map(|(_, f)| match f {
                Frame::Text(s) => s.as_bytes().as_ptr(),
                Frame::Binary(b) => b.as_ptr(),
            })
            .collect();
    assert_eq!(w.t.sent.len(), 3);
    assert_eq!(ptrs.len(), 1, "one buffer shared by every recipient");
}

#[test]
fn broadcast_with_ack_gathers_replies_and_timeouts() {
    let mut w = World::new(SioConfig::default());
    let s: Vec<SocketId> = (1..=3).map(|k| w.connect(k, "/")).collect();
    let t = Duration::from_secs(2);
    let ack = w
        .sio
        .broadcast_with_ack(
            w.now,
            &mut w.t,
            &BroadcastTarget::namespace("/"),
            "q",
            &args("[]"),
            vec![],
            t,
        )
        .unwrap();
    for k in 1..=3 {
        assert_eq!(w.take_texts(k), [format!(r#"2{}["q"]"#, ack.get())]);
    }
    w.recv(1, &format!("3{}[1]", ack.get()));
    w.recv(3, &format!("3{}[3]", ack.get()));
    assert!(w.event().is_none(), "still waiting for socket 2");
    w.sio.handle_timeout(w.now + t, &mut w.t);
    let Some(Event::BroadcastAck {
        ack: a,
        replies,
        timed_out,
    }) = w.event()
    else {
        panic!()
    };
    assert_eq!(a, ack);
    assert_eq!(
        replies
            .iter()
            .map(|r| (r.socket, r.args.as_str()))
            .collect::<Vec<_>>(),
        [(s[0], "[1]"), (s[2], "[3]")]
    );
    assert_eq!(timed_out, [s[1]]);
}

#[test]
fn broadcast_with_ack_completes_early_and_is_capped() {
    let mut cfg = SioConfig::default();
    cfg.max_pending_broadcast_acks(1);
    let mut w = World::new(cfg);
    w.connect(1, "/");
    let t = Duration::from_secs(2);
    let all = BroadcastTarget::namespace("/");
    let ack = w
        .sio
        .broadcast_with_ack(w.now, &mut w.t, &all, "q", &args("[]"), vec![], t)
        .unwrap();
    assert_eq!(
        w.sio
            .broadcast_with_ack(w.now, &mut w.t, &all, "q", &args("[]"), vec![], t),
        Err(UsageError::TooManyBroadcastAcks)
    );
    w.recv(1, &format!("3{}[]", ack.get()));
    assert!(
        matches!(w.event(), Some(Event::BroadcastAck { timed_out, replies, .. }) if timed_out.is_empty() && replies.len() == 1)
    );
    assert!(w.sio.poll_timeout().is_none(), "timer cancelled");
    // Nobody in the room: settled at once.
    let empty = BroadcastTarget::namespace("/").to("nobody");
    w.sio
        .broadcast_with_ack(w.now, &mut w.t, &empty, "q", &args("[]"), vec![], t)
        .unwrap();
    assert!(matches!(w.event(), Some(Event::BroadcastAck { replies, .. }) if replies.is_empty()));
}

#[test]
fn disconnect_from_client_and_server() {
    let mut cfg = SioConfig::default();
    cfg.namespaces(["/", "/a"].map(Str::from));
    let mut w = World::new(cfg);
    let root = w.connect(1, "/");
    let a = w.connect(1, "/a");
    w.sio.join(a, &Str::from("r")).unwrap();
    w.recv(1, "1/a,");
    assert!(
        matches!(w.event(), Some(Event::Disconnect { socket, reason: DisconnectReason::ClientNamespaceDisconnect, .. }) if socket == a)
    );
    assert_eq!(
        w.sio.join(a, &Str::from("r")),
        Err(UsageError::UnknownSocket)
    );
    assert!(
        w.sio
            .namespaces
            .get(w.sio.namespaces.find("/a").unwrap())
            .unwrap()
            .rooms
            .get("r")
            .is_none()
    );
    w.sio.disconnect(w.now, &mut w.t, root).unwrap();
    assert_eq!(w.take_texts(1), ["1"]);
    assert!(
        matches!(w.event(), Some(Event::Disconnect { socket, reason: DisconnectReason::ServerNamespaceDisconnect, .. }) if socket == root)
    );
    assert!(
        w.t.closed.is_empty(),
        "namespace disconnect keeps the session"
    );
}

#[test]
fn transport_close_disconnects_every_namespace() {
    let mut cfg = SioConfig::default();
    cfg.namespaces(["/", "/a"].map(Str::from));
    let mut w = World::new(cfg);
    w.connect(1, "/");
    w.connect(1, "/a");
    w.sio
        .handle_closed(w.now, k(1), DisconnectReason::PingTimeout);
    for _ in 0..2 {
        assert!(matches!(
            w.event(),
            Some(Event::Disconnect {
                reason: DisconnectReason::PingTimeout,
                ..
            })
        ));
    }
    assert_eq!(w.sio.sockets.len(), 0);
}

#[test]
fn malformed_packet_closes_only_that_session() {
    let mut w = World::new(SioConfig::default());
    w.connect(1, "/");
    let s2 = w.connect(2, "/");
    w.recv(1, "2[not json");
    assert_eq!(w.t.closed, [k(1)]);
    assert!(matches!(
        w.event(),
        Some(Event::Disconnect {
            reason: DisconnectReason::ParseError,
            ..
        })
    ));
    assert!(w.sio.socket_name(s2).is_some());
    w.recv(2, r#"2["still","here"]"#);
    assert!(matches!(w.event(), Some(Event::Message { .. })));
}

#[test]
fn protocol_violations_close_the_session() {
    let mut w = World::new(SioConfig::default());
    w.open(1);
    w.recv(1, r#"2["early"]"#);
    assert_eq!(w.t.closed, [k(1)]);
    let mut w = World::new(SioConfig::default());
    w.connect(1, "/");
    w.recv(1, "0");
    assert_eq!(w.t.closed, [k(1)], "CONNECT on a connected namespace");
}

#[test]
fn too_many_attachments_is_a_parse_error() {
    let mut cfg = SioConfig::default();
    cfg.max_attachments(1);
    let mut w = World::new(cfg);
    w.connect(1, "/");
    w.recv(
        1,
        r#"52-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
    );
    assert_eq!(w.t.closed, [k(1)]);
}

#[test]
fn too_many_binary_bytes_is_a_parse_error() {
    let mut cfg = SioConfig::default();
    cfg.max_binary_bytes(64);
    let mut w = World::new(cfg);
    w.connect(1, "/");
    w.recv(1, r#"51-["up",{"_placeholder":true,"num":0}]"#);
    w.recv_bin(1, &[0u8; 100]);
    assert_eq!(w.t.closed, [k(1)]);
}

#[test]
fn close_all_sends_disconnect_and_closes_sessions() {
    let mut w = World::new(SioConfig::default());
    w.connect(1, "/");
    w.connect(2, "/");
    w.sio.close_all(w.now, &mut w.t);
    assert_eq!(w.take_texts(1), ["1"]);
    assert_eq!(w.take_texts(2), ["1"]);
    let mut closed = w.t.closed.clone();
    closed.sort_unstable();
    assert_eq!(closed, [k(1), k(2)]);
    for _ in 0..2 {
        assert!(matches!(
            w.event(),
            Some(Event::Disconnect {
                reason: DisconnectReason::ServerShuttingDown,
                ..
            })
        ));
    }
}

#[test]
fn socket_set_operations() {
    let mut w = World::new(SioConfig::default());
    let s: Vec<SocketId> = (1..=3).map(|k| w.connect(k, "/")).collect();
    w.sio.join(s[0], &Str::from("r")).unwrap();
    let all = BroadcastTarget::namespace("/");
    assert_eq!(w.sio.select(&all).unwrap().len(), 3);
    assert_eq!(
        w.sio
            .sockets_join(&all.clone().except("r"), &Str::from("r"))
            .unwrap(),
        2
    );
    assert_eq!(w.sio.select(&all.clone().to("r")).unwrap().len(), 3);
    assert_eq!(w.sio.sockets_leave(&all.clone().to("r"), "r").unwrap(), 3);
    assert_eq!(
        w.sio
            .disconnect_sockets(w.now, &mut w.t, &all.clone().except_socket(s[0]))
            .unwrap(),
        2
    );
    assert_eq!(w.sio.select(&all).unwrap(), [s[0]]);
    assert_eq!(
        w.sio.select(&BroadcastTarget::namespace("/nope")),
        Err(UsageError::UnknownNamespace)
    );
}

#[test]
fn disconnect_session_ends_every_namespace() {
    let mut cfg = SioConfig::default();
    cfg.namespaces(["/", "/a"].map(Str::from));
    let mut w = World::new(cfg);
    let s = w.connect(1, "/");
    w.connect(1, "/a");
    w.sio.disconnect_session(w.now, &mut w.t, s).unwrap();
    let mut texts = w.take_texts(1);
    texts.sort();
    assert_eq!(texts, ["1", "1/a,"]);
    assert_eq!(w.t.closed, [k(1)]);
}

#[test]
fn per_socket_structures_stay_small() {
    use super::session::Session;
    use super::socket::Socket;
    let socket = size_of::<Socket>();
    let session = size_of::<Session>();
    println!("Socket {socket} B, Session {session} B");
    // Slab slot + name index entry + namespace set entry + session list entry, with
    // hashbrown's load factor: well under the 2 KiB budget (the Engine.IO session is extra).
    assert!(socket <= 64, "Socket grew to {socket} bytes");
    assert!(session <= 96, "Session grew to {session} bytes");
}
