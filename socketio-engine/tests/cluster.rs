//! The cluster adapter through the full Engine, on the virtual clock: two engines wired to
//! each other as Redis would (every published message delivered to every server, the
//! publisher included), bytes in and actions out, plus messages captured from node servers
//! (socketio-proto/tests/fixtures/cluster).
#![cfg(feature = "testing")]

use std::time::Duration;

use bytes::Bytes;
use socketio_engine::testing::sio_client::{SioClient, SioHarness, args};
use socketio_engine::testing::v09_client::V09Client;
use socketio_engine::{
    BroadcastTarget, ClusterAction, ClusterConfig, ClusterEvent, EngineConfig, Event, SocketId,
};
use socketio_proto::Str;
use socketio_proto::cluster::{ClusterLimits, Request, Response, ResponseBody};

fn config(uid: &str, seed: u8) -> EngineConfig {
    let mut c = SioHarness::config();
    c.sio.rng_seed([seed; 32]);
    c.eio.allow_eio3 = true;
    c.eio.allow_v09 = true;
    c.cluster = Some(ClusterConfig {
        uid: Some(uid.to_owned()),
        ..ClusterConfig::default()
    });
    c
}

fn server(uid: &str, seed: u8) -> SioHarness {
    let mut h = SioHarness::new(config(uid, seed));
    h.drive();
    h
}

/// Every `Publish` of `h` since the last call, as (channel, payload).
fn published(h: &mut SioHarness) -> Vec<(String, Bytes)> {
    h.cluster
        .drain(..)
        .filter_map(|a| match a {
            ClusterAction::Publish { channel, payload } => Some((channel, payload)),
            _ => None,
        })
        .collect()
}

/// Delivers what `from` published to every server in `to` (Redis fans out to all
/// subscribers; the publisher, also subscribed, is expected in `to` when it matters).
fn relay(msgs: &[(String, Bytes)], to: &mut [&mut SioHarness]) {
    for (channel, payload) in msgs {
        for h in to.iter_mut() {
            h.engine
                .handle_cluster_message(h.now, channel, payload.clone());
            h.drive();
        }
    }
}

fn fixture(name: &str) -> Bytes {
    let path = format!(
        "{}/../socketio-proto/tests/fixtures/cluster/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    Bytes::from(std::fs::read(path).unwrap())
}

/// A Socket.IO 0.9 client on a WebSocket, its `/` accepted.
fn v09_ws_client(h: &mut SioHarness) -> V09Client {
    let (mut c, _) = h.v09_handshake("t=1");
    let p = h.connect_request();
    h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    h.v09_websocket(&mut c);
    assert_eq!(h.v09_ws_take(c), ["1::"]);
    c
}

fn client(h: &mut SioHarness) -> (SioClient, SocketId) {
    h.client("/")
}

#[test]
fn off_by_default_nothing_is_published() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, _) = client(&mut h);
    let all = BroadcastTarget::namespace("/");
    h.engine
        .broadcast(h.now, &all, "e", &args("[1]"), vec![])
        .unwrap();
    h.engine.sockets_join(&all, "r").unwrap();
    h.drive();
    assert_eq!(h.take(c), [r#"2["e",1]"#]);
    assert!(h.cluster.is_empty());
    assert_eq!(h.engine.cluster_uid(), None);
    assert!(
        h.engine.cluster_all_rooms(h.now, "/").is_err(),
        "cluster requests need a cluster"
    );
}

#[test]
fn each_namespace_is_subscribed_once_before_anything_is_published() {
    let mut h = SioHarness::new(config("AAAAAA", 2));
    h.drive();
    assert_eq!(
        h.cluster.drain(..).collect::<Vec<_>>(),
        [ClusterAction::Subscribe {
            channels: vec![
                "socket.io-request#/#".into(),
                "socket.io-response#/#".into(),
                "socket.io-response#/#AAAAAA#".into()
            ],
            patterns: vec!["socket.io#/#*".into()],
        }]
    );
    h.engine.add_namespace("/chat");
    h.drive();
    assert!(matches!(
        h.cluster.pop_front(),
        Some(ClusterAction::Subscribe { patterns, .. }) if patterns == ["socket.io#/chat#*"]
    ));
    h.drive();
    assert!(h.cluster.is_empty(), "subscribed once");
}

#[test]
fn a_broadcast_reaches_the_other_servers_clients_once() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (ca, _) = client(&mut a);
    let (cb, _) = client(&mut b);
    published(&mut a);
    published(&mut b);
    let all = BroadcastTarget::namespace("/");
    assert_eq!(
        a.engine
            .broadcast(a.now, &all, "e", &args("[1]"), vec![])
            .unwrap(),
        1
    );
    a.drive();
    let msgs = published(&mut a);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].0, "socket.io#/#");
    relay(&msgs, &mut [&mut a, &mut b]);
    assert_eq!(
        a.take(ca),
        [r#"2["e",1]"#],
        "once: its own message is dropped"
    );
    assert_eq!(b.take(cb), [r#"2["e",1]"#]);
    assert_eq!(a.engine.cluster_dropped(), 1);
    assert!(
        published(&mut b).is_empty(),
        "a received broadcast is not republished"
    );
}

#[test]
fn rooms_except_and_room_channels() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (b1, s1) = client(&mut b);
    let (b2, s2) = client(&mut b);
    b.engine.join(s1, "red").unwrap();
    b.engine.join(s2, "red").unwrap();
    b.engine.join(s2, "blue").unwrap();
    published(&mut a);
    let e = args("[1]");
    let to = |t: BroadcastTarget, a: &mut SioHarness| {
        a.engine.broadcast(a.now, &t, "e", &e, vec![]).unwrap();
        a.drive();
        published(a)
    };
    let all = BroadcastTarget::namespace("/");
    let msgs = to(all.clone().to("red"), &mut a);
    assert_eq!(
        msgs[0].0, "socket.io#/#red#",
        "one room: the room's channel"
    );
    relay(&msgs, &mut [&mut b]);
    assert_eq!((b.take(b1).len(), b.take(b2).len()), (1, 1));

    let msgs = to(all.clone().to("red").except("blue"), &mut a);
    relay(&msgs, &mut [&mut b]);
    assert_eq!((b.take(b1).len(), b.take(b2).len()), (1, 0));

    // A socket id is a room on every server.
    let name = b.engine.socket_name(s2).unwrap();
    let msgs = to(all.clone().to(name.as_str()), &mut a);
    relay(&msgs, &mut [&mut b]);
    assert_eq!((b.take(b1).len(), b.take(b2).len()), (0, 1));

    // A room channel of a room nobody here is in is dropped unread.
    let msgs = to(all.clone().to("green"), &mut a);
    relay(&msgs, &mut [&mut b]);
    assert_eq!((b.take(b1).len(), b.take(b2).len()), (0, 0));

    // `local` stays here.
    assert!(to(all.clone().local(), &mut a).is_empty());

    // Volatile travels as a flag; both clients are writable, so both get it.
    let msgs = to(all.volatile(), &mut a);
    let m =
        socketio_proto::cluster::BroadcastMessage::decode(&msgs[0].1, &ClusterLimits::default())
            .unwrap();
    assert!(m.opts.flags.volatile);
    relay(&msgs, &mut [&mut b]);
    assert_eq!((b.take(b1).len(), b.take(b2).len()), (1, 1));
}

#[test]
fn except_socket_travels_as_its_id() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (_, sa) = client(&mut a);
    let (cb, _) = client(&mut b);
    published(&mut a);
    let t = BroadcastTarget::namespace("/").except_socket(sa);
    a.engine
        .broadcast(a.now, &t, "e", &args("[1]"), vec![])
        .unwrap();
    a.drive();
    let msgs = published(&mut a);
    let m =
        socketio_proto::cluster::BroadcastMessage::decode(&msgs[0].1, &ClusterLimits::default())
            .unwrap();
    assert_eq!(m.opts.except, [a.engine.socket_name(sa).unwrap().as_str()]);
    relay(&msgs, &mut [&mut b]);
    assert_eq!(b.take(cb).len(), 1);
}

#[test]
fn node_broadcasts_reach_clients_of_every_generation() {
    let mut b = server("BBBBBB", 3);
    let (v5, _) = client(&mut b);
    let v4 = b.open_eio(3);
    let p = b.connect_request();
    b.engine.accept_connect(b.now, p).unwrap();
    b.drive();
    b.take(v4);
    let v09 = v09_ws_client(&mut b);
    // io.emit("hello", 1, "two", {three: 3}, Buffer[1,2,3]) from a node server.
    b.engine
        .handle_cluster_message(b.now, "socket.io#/#", fixture("broadcast-all-0.bin"));
    b.drive();
    let event = r#"["hello",1,"two",{"three":3},{"_placeholder":true,"num":0}]"#;
    assert_eq!(b.take(v5), [format!("51-{event}"), "<bin 3>".to_owned()]);
    // Engine.IO 3 frames a binary with its packet type byte in front.
    assert_eq!(b.take(v4), [format!("51-{event}"), "<bin 4>".to_owned()]);
    // Socket.IO 0.9 has no binary: the engine's 0.9 encoding of the same event (a Buffer's
    // JSON, as node 0.9 servers wrote one).
    assert_eq!(
        b.v09_ws_take(v09),
        [r#"5:::{"name":"hello","args":[1,"two",{"three":3},{"data":[1,2,3],"type":"Buffer"}]}"#]
    );
    // io.to("room1") on room1's channel: nobody here is in room1.
    b.engine
        .handle_cluster_message(b.now, "socket.io#/#room1#", fixture("broadcast-room-0.bin"));
    b.drive();
    assert!(b.take(v5).is_empty());
    // /chat's broadcast: no /chat here, so its channel is not ours.
    b.engine
        .handle_cluster_message(b.now, "socket.io#/chat#", fixture("broadcast-nsp-0.bin"));
    b.drive();
    assert!(b.take(v5).is_empty());
    assert_eq!(b.engine.cluster_dropped(), 1);
}

#[test]
fn binary_broadcasts_cross_servers() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (cb, _) = client(&mut b);
    published(&mut a);
    let all = BroadcastTarget::namespace("/");
    a.engine
        .broadcast(
            a.now,
            &all,
            "bin",
            &args(r#"[{"_placeholder":true,"num":0}]"#),
            vec![Bytes::from_static(&[7, 8])],
        )
        .unwrap();
    a.drive();
    let msgs = published(&mut a);
    relay(&msgs, &mut [&mut b]);
    assert_eq!(
        b.take(cb),
        [r#"51-["bin",{"_placeholder":true,"num":0}]"#, "<bin 2>"]
    );
}

#[test]
fn sockets_join_leave_and_disconnect_apply_on_every_server() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (_, sa) = client(&mut a);
    let (cb, sb) = client(&mut b);
    published(&mut a);
    let all = BroadcastTarget::namespace("/");
    assert_eq!(a.engine.sockets_join(&all, "x").unwrap(), 1);
    a.drive();
    let msgs = published(&mut a);
    assert_eq!(msgs[0].0, "socket.io-request#/#");
    relay(&msgs, &mut [&mut a, &mut b]);
    assert!(b.engine.rooms(sb).unwrap().iter().any(|r| r == "x"));
    assert!(a.engine.rooms(sa).unwrap().iter().any(|r| r == "x"));

    a.engine.sockets_leave(&all.clone().to("x"), "x").unwrap();
    a.drive();
    relay(&published(&mut a), &mut [&mut b]);
    assert!(!b.engine.rooms(sb).unwrap().iter().any(|r| r == "x"));

    // node's own socketsJoin("room9"), captured.
    b.engine
        .handle_cluster_message(b.now, "socket.io-request#/#", fixture("sockets-join-0.bin"));
    b.drive();
    assert!(b.engine.rooms(sb).unwrap().iter().any(|r| r == "room9"));

    a.engine
        .disconnect_sockets(a.now, &all.to("room9"))
        .unwrap();
    a.drive();
    relay(&published(&mut a), &mut [&mut b]);
    assert_eq!(b.take(cb), ["1"], "DISCONNECT of the namespace");
    assert!(b.engine.socket_name(sb).is_none());
}

#[test]
fn node_disconnect_sockets_with_close_closes_the_session() {
    let mut b = server("BBBBBB", 3);
    let (cb, sb) = client(&mut b);
    b.engine.join(sb, "room1").unwrap();
    // io.in("room1").disconnectSockets(true), captured.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("disconnect-sockets-0.bin"),
    );
    b.drive();
    assert!(b.is_closed(cb));
}

#[test]
fn fetch_sockets_gathers_the_other_servers_sockets() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (_, sb) = client(&mut b);
    b.engine.join(sb, "red").unwrap();
    published(&mut a);
    published(&mut b);
    a.engine.set_cluster_server_count(2);
    let req = a
        .engine
        .cluster_fetch_sockets(a.now, &BroadcastTarget::namespace("/").to("red"))
        .unwrap();
    a.drive();
    let msgs = published(&mut a);
    relay(&msgs, &mut [&mut a, &mut b]);
    let answers = published(&mut b);
    assert_eq!(answers[0].0, "socket.io-response#/#");
    relay(&answers, &mut [&mut a, &mut b]);
    let Some(Event::Cluster(ClusterEvent::FetchSockets { request, result })) = a.event() else {
        panic!("no fetch result");
    };
    assert_eq!(request, req);
    let sockets = result.unwrap();
    let name = b.engine.socket_name(sb).unwrap();
    assert_eq!(sockets.len(), 1);
    assert_eq!(sockets[0].id, name.as_str());
    assert_eq!(
        sockets[0].rooms,
        [Str::from(name.as_str()), Str::from("red")]
    );
    assert!(sockets[0].handshake.get("query").is_some());
    assert!(a.event().is_none());
}

#[test]
fn requests_end_at_the_timeout_with_the_answers_missing() {
    let mut a = server("AAAAAA", 2);
    a.engine.set_cluster_server_count(3);
    let req = a.engine.cluster_all_rooms(a.now, "/").unwrap();
    a.drive();
    assert_eq!(published(&mut a).len(), 1);
    a.advance(Duration::from_millis(4999));
    assert!(a.event().is_none());
    a.advance(Duration::from_millis(1));
    let Some(Event::Cluster(ClusterEvent::AllRooms { request, result })) = a.event() else {
        panic!("no timeout");
    };
    assert_eq!(request, req);
    let e = result.unwrap_err();
    assert_eq!((e.answered, e.expected), (0, 2));
    assert_eq!(a.engine.poll_timeout(), None, "nothing left armed");
}

#[test]
fn a_lone_server_answers_requests_at_once() {
    let mut a = server("AAAAAA", 2);
    a.engine.cluster_all_rooms(a.now, "/").unwrap();
    a.drive();
    assert!(published(&mut a).is_empty());
    assert!(matches!(
        a.event(),
        Some(Event::Cluster(ClusterEvent::AllRooms { result: Ok(r), .. })) if r.is_empty()
    ));
}

#[test]
fn all_rooms_answers_node_and_merges_answers() {
    let mut b = server("BBBBBB", 3);
    let (_, sb) = client(&mut b);
    b.engine.join(sb, "red").unwrap();
    published(&mut b);
    // node's allRooms request, captured: B answers on the response channel.
    b.engine
        .handle_cluster_message(b.now, "socket.io-request#/#", fixture("all-rooms-0.bin"));
    b.drive();
    let answers = published(&mut b);
    assert_eq!(answers.len(), 1);
    let r = Response::decode(&answers[0].1, &ClusterLimits::default()).unwrap();
    let name = b.engine.socket_name(sb).unwrap();
    assert_eq!(
        r.body,
        ResponseBody::Rooms(vec![Str::from(name.as_str()), Str::from("red")])
    );
    // node's fetchSockets request, captured: answered with this server's socket.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("fetch-sockets-0.bin"),
    );
    b.drive();
    let answers = published(&mut b);
    let Request::Fetch { request_id, .. } =
        Request::decode(&fixture("fetch-sockets-0.bin"), &ClusterLimits::default()).unwrap()
    else {
        panic!()
    };
    let r = Response::decode(&answers[0].1, &ClusterLimits::default()).unwrap();
    assert_eq!(r.request_id, request_id);
    assert!(matches!(r.body, ResponseBody::Sockets(s) if s.len() == 1));
}

#[test]
fn malformed_or_foreign_messages_are_dropped_without_touching_clients() {
    let mut b = server("BBBBBB", 3);
    let (cb, _) = client(&mut b);
    published(&mut b);
    let junk: [&[u8]; 5] = [
        b"",
        b"\xc1",
        b"{not json",
        b"\x93\xa1x\x80\x80",
        &[0x91; 5000],
    ];
    for channel in [
        "socket.io#/#",
        "socket.io-request#/#",
        "socket.io-response#/#",
        "other",
    ] {
        for j in junk {
            b.engine
                .handle_cluster_message(b.now, channel, Bytes::copy_from_slice(j));
            b.drive();
        }
    }
    assert_eq!(b.engine.cluster_dropped(), 20);
    assert!(b.take(cb).is_empty());
    assert!(!b.is_closed(cb));
    assert!(published(&mut b).is_empty());
    // A response to no request of ours (the shared channel carries everyone's).
    b.engine
        .handle_cluster_message(b.now, "socket.io-response#/#", fixture("all-rooms-1.bin"));
    b.drive();
    assert_eq!(b.engine.cluster_dropped(), 21);
    assert!(b.event().is_none());
}

#[test]
fn redis_emitter_messages_reach_our_clients() {
    let mut b = server("BBBBBB", 3);
    let (cb, sb) = client(&mut b);
    b.engine.join(sb, "room1").unwrap();
    // emitter.emit("hello", 1, Buffer[1,2]), captured.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io#/#",
        fixture("emitter-broadcast-all-0.bin"),
    );
    b.drive();
    assert_eq!(
        b.take(cb),
        [r#"51-["hello",1,{"_placeholder":true,"num":0}]"#, "<bin 2>"]
    );
    // emitter.to("room1").emit("hello", "r").
    b.engine.handle_cluster_message(
        b.now,
        "socket.io#/#room1#",
        fixture("emitter-broadcast-room-0.bin"),
    );
    b.drive();
    assert_eq!(b.take(cb), [r#"2["hello","r"]"#]);
    // emitter.in("room1").socketsJoin("room2"): a request without a uid.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("emitter-sockets-join-0.bin"),
    );
    b.drive();
    assert!(b.engine.rooms(sb).unwrap().iter().any(|r| r == "room2"));
    // emitter.in("room2").disconnectSockets(true).
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("emitter-disconnect-sockets-0.bin"),
    );
    b.drive();
    assert!(b.is_closed(cb));
    assert_eq!(b.engine.cluster_dropped(), 0);
}

#[test]
fn server_side_emits_from_node_reach_the_application() {
    let mut b = server("BBBBBB", 3);
    published(&mut b);
    // io.serverSideEmit("ping", 1, {a: 2}), captured.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("server-side-emit-0.bin"),
    );
    b.drive();
    let Some(Event::Cluster(ClusterEvent::ServerSideEmit {
        nsp,
        event,
        args,
        ack,
    })) = b.event()
    else {
        panic!("no server-side emit");
    };
    assert_eq!((nsp.as_str(), event.as_str()), ("/", "ping"));
    assert_eq!(args.as_str(), r#"[1,{"a":2}]"#);
    assert!(ack.is_none());
    // io.serverSideEmitWithAck("ask", 1), captured: answered as node's servers answer.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("server-side-emit-ack-0.bin"),
    );
    b.drive();
    let Some(Event::Cluster(ClusterEvent::ServerSideEmit {
        event,
        ack: Some(ack),
        ..
    })) = b.event()
    else {
        panic!("no server-side emit with ack");
    };
    assert_eq!(event, "ask");
    b.engine
        .cluster_server_side_ack(b.now, *ack, &serde_json::json!("pong-B-1"))
        .unwrap();
    b.drive();
    let answers = published(&mut b);
    assert_eq!(answers[0].0, "socket.io-response#/#");
    assert_eq!(
        answers[0].1,
        fixture("server-side-emit-ack-1.bin"),
        "byte for byte what node's server B answered"
    );
}

#[test]
fn server_side_emit_with_ack_gathers_answers_then_times_out() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    published(&mut a);
    published(&mut b);
    a.engine.set_cluster_server_count(3);
    let req = a
        .engine
        .cluster_server_side_emit_with_ack(a.now, "/", "ask", &args("[1]"))
        .unwrap();
    a.drive();
    relay(&published(&mut a), &mut [&mut a, &mut b]);
    assert!(a.event().is_none(), "its own emit is not for itself");
    let Some(Event::Cluster(ClusterEvent::ServerSideEmit { ack: Some(ack), .. })) = b.event()
    else {
        panic!("B got no emit");
    };
    b.engine
        .cluster_server_side_ack(b.now, *ack, &serde_json::json!({"from": "B"}))
        .unwrap();
    b.drive();
    relay(&published(&mut b), &mut [&mut a, &mut b]);
    assert!(a.event().is_none(), "one of two servers answered");
    a.advance(Duration::from_millis(5000));
    let Some(Event::Cluster(ClusterEvent::ServerSideEmitAcks {
        request,
        responses,
        timeout,
    })) = a.event()
    else {
        panic!("no end");
    };
    assert_eq!(request, req);
    assert_eq!(responses, [serde_json::json!({"from": "B"})]);
    let t = timeout.unwrap();
    assert_eq!((t.answered, t.expected), (1, 2));
    // Without the ack: the event, and nothing to answer.
    a.engine
        .cluster_server_side_emit(a.now, "/", "note", &args(r#"["x"]"#))
        .unwrap();
    a.drive();
    relay(&published(&mut a), &mut [&mut b]);
    assert!(matches!(
        b.event(),
        Some(Event::Cluster(ClusterEvent::ServerSideEmit { ack: None, event, .. })) if event == "note"
    ));
}

proptest::proptest! {
    /// Whatever arrives on the cluster channels, the engine neither panics nor touches a
    /// local client's connection (bytes from Redis are as untrusted as a client's).
    #[test]
    fn arbitrary_cluster_messages_never_hurt_local_clients(
        msgs in proptest::collection::vec(
            (0usize..4, proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)),
            1..8,
        )
    ) {
        let mut b = server("BBBBBB", 3);
        let (cb, _) = client(&mut b);
        let channels = ["socket.io#/#", "socket.io#/#x#", "socket.io-request#/#", "socket.io-response#/#"];
        for (c, bytes) in msgs {
            b.engine.handle_cluster_message(b.now, channels[c], Bytes::from(bytes));
            b.drive();
        }
        proptest::prop_assert!(!b.is_closed(cb));
    }
}

proptest::proptest! {
    /// node's real messages with a few bytes changed: most still decode far enough to reach
    /// delivery or an answer; none may panic or close a local client.
    #[test]
    fn mutated_node_messages_never_hurt_local_clients(
        pick in 0usize..6,
        flips in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..4),
    ) {
        let (file, channel) = [
            ("broadcast-all-0.bin", "socket.io#/#"),
            ("broadcast-rooms-except-volatile-0.bin", "socket.io#/#"),
            ("sockets-join-targeted-0.bin", "socket.io-request#/#"),
            ("fetch-sockets-0.bin", "socket.io-request#/#"),
            ("broadcast-ack-0.bin", "socket.io-request#/#"),
            ("disconnect-sockets-0.bin", "socket.io-request#/#"),
        ][pick];
        let mut bytes = fixture(file).to_vec();
        for (at, b) in flips {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        let mut b = server("BBBBBB", 3);
        let (cb, sb) = client(&mut b);
        b.engine.join(sb, "room1").unwrap();
        b.engine.handle_cluster_message(b.now, channel, Bytes::from(bytes));
        b.drive();
        // A mutated disconnect request may legitimately disconnect; nothing else may.
        if !file.starts_with("disconnect") {
            proptest::prop_assert!(!b.is_closed(cb));
        }
    }
}

#[test]
fn node_broadcast_with_ack_gets_our_count_then_each_ack() {
    let mut b = server("BBBBBB", 3);
    let (cb, _) = client(&mut b);
    let (cb2, _) = client(&mut b);
    published(&mut b);
    // io.timeout(2000).emitWithAck("q", 7, Buffer[1]) from node, captured.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io-request#/#",
        fixture("broadcast-ack-0.bin"),
    );
    b.drive();
    let answers = published(&mut b);
    assert_eq!(answers.len(), 1);
    // Byte for byte what node's server B answered: {"type":8,"requestId":..,"clientCount":1},
    // with our two clients.
    let count = String::from_utf8(fixture("broadcast-ack-1.bin").to_vec())
        .unwrap()
        .replace(":1}", ":2}");
    assert_eq!(answers[0].1, count.as_bytes());
    let frames = b.take(cb);
    // 51-<ack id>["q",7,<placeholder>] and the binary.
    let id: String = frames[0][3..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(
        frames,
        [
            format!(r#"51-{id}["q",7,{{"_placeholder":true,"num":0}}]"#),
            "<bin 1>".to_owned()
        ]
    );
    b.send(cb, &format!(r#"3{id}["a"]"#));
    let answers = published(&mut b);
    assert_eq!(
        answers[0].1,
        fixture("broadcast-ack-2.bin"),
        "the ack, byte for byte as node's server sent it"
    );
    assert!(
        b.event().is_none(),
        "acks for another server are not the application's"
    );
    // The other client never answers: its ack ends at the requester's timeout, silently.
    b.take(cb2);
    b.advance(Duration::from_millis(2000));
    assert!(published(&mut b).is_empty());
    assert!(b.event().is_none());
}

#[test]
fn our_broadcast_with_ack_gathers_the_other_servers_acks() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    let (b1, _) = client(&mut b);
    let (b2, _) = client(&mut b);
    published(&mut a);
    published(&mut b);
    a.engine.set_cluster_server_count(2);
    let all = BroadcastTarget::namespace("/");
    let ack = a
        .engine
        .broadcast_with_ack(
            a.now,
            &all,
            "q",
            &args("[7]"),
            vec![],
            Duration::from_secs(2),
        )
        .unwrap();
    a.drive();
    // No local recipient: the local part settles at once, as without a cluster.
    assert!(
        matches!(a.event(), Some(Event::BroadcastAck { ack: x, replies, .. }) if x == ack && replies.is_empty())
    );
    let msgs = published(&mut a);
    assert_eq!(msgs[0].0, "socket.io-request#/#");
    relay(&msgs, &mut [&mut a, &mut b]);
    relay(&published(&mut b), &mut [&mut a]); // B's client count: 2
    // `2<ack id>["q",..]`
    let id = |frames: Vec<String>| -> String {
        frames[0][1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };
    let i1 = id(b.take(b1));
    let i2 = id(b.take(b2));
    b.send(b1, &format!(r#"3{i1}["from b1"]"#));
    relay(&published(&mut b), &mut [&mut a]);
    assert!(a.event().is_none(), "one of two acks");
    b.send(b2, &format!(r#"3{i2}[{{"n":2}}]"#));
    relay(&published(&mut b), &mut [&mut a]);
    let Some(Event::Cluster(ClusterEvent::BroadcastAcks {
        ack: x,
        responses,
        timeout,
    })) = a.event()
    else {
        panic!("no remote acks");
    };
    assert_eq!(x, ack);
    assert_eq!(
        responses,
        [serde_json::json!("from b1"), serde_json::json!({"n": 2})]
    );
    assert!(timeout.is_none());

    // One client of B never answers: the remote part ends at the broadcast's timeout.
    let ack = a
        .engine
        .broadcast_with_ack(
            a.now,
            &all,
            "q",
            &args("[8]"),
            vec![],
            Duration::from_secs(2),
        )
        .unwrap();
    a.drive();
    a.event();
    relay(&published(&mut a), &mut [&mut b]);
    relay(&published(&mut b), &mut [&mut a]);
    let i1 = id(b.take(b1));
    b.take(b2);
    b.send(b1, &format!(r#"3{i1}["late?"]"#));
    relay(&published(&mut b), &mut [&mut a]);
    a.advance(Duration::from_millis(1999));
    assert!(a.event().is_none());
    a.advance(Duration::from_millis(1));
    let Some(Event::Cluster(ClusterEvent::BroadcastAcks {
        ack: x,
        responses,
        timeout,
    })) = a.event()
    else {
        panic!("no end at the timeout");
    };
    assert_eq!((x, responses.len()), (ack, 1));
    assert_eq!(timeout.map(|t| (t.answered, t.expected)), Some((1, 1)));
}

#[test]
fn a_broadcast_with_ack_the_other_servers_cannot_be_sent_ends_their_part_at_once() {
    let mut a = server("AAAAAA", 2);
    published(&mut a);
    a.engine.set_cluster_server_count(2);
    let all = BroadcastTarget::namespace("/");
    // A placeholder without its attachment: local clients (none here) get the packet as
    // written, but there is no binary to put on the wire for the other servers.
    let ack = a
        .engine
        .broadcast_with_ack(
            a.now,
            &all,
            "q",
            &args(r#"[{"_placeholder":true,"num":0}]"#),
            vec![],
            Duration::from_secs(2),
        )
        .unwrap();
    a.drive();
    assert!(
        matches!(a.event(), Some(Event::BroadcastAck { ack: x, replies, .. }) if x == ack && replies.is_empty())
    );
    // Nothing went to Redis, and the other servers' part ended now, empty, not at the
    // timeout (nobody will answer a request that was never published).
    assert!(published(&mut a).is_empty());
    let Some(Event::Cluster(ClusterEvent::BroadcastAcks {
        ack: x,
        responses,
        timeout,
    })) = a.event()
    else {
        panic!("the other servers' part never ended");
    };
    assert_eq!((x, responses.len(), timeout), (ack, 0, None));
    a.advance(Duration::from_secs(3));
    assert!(a.event().is_none(), "it ends once");
}

#[test]
fn fetch_sockets_answers_carry_issued_time_and_auth_as_node() {
    let mut a = server("AAAAAA", 2);
    let mut b = server("BBBBBB", 3);
    // One socket told its wall-clock issue time and sending auth, one with neither.
    let c = b.open();
    b.send(c, r#"0{"token":"t✓"}"#);
    let p = b.connect_request();
    let told = b
        .engine
        .accept_connect_issued(b.now, p, 1_764_682_189_123)
        .unwrap();
    b.drive();
    let (_, bare) = client(&mut b);
    published(&mut a);
    published(&mut b);
    a.engine.set_cluster_server_count(2);
    a.engine
        .cluster_fetch_sockets(a.now, &BroadcastTarget::namespace("/"))
        .unwrap();
    a.drive();
    relay(&published(&mut a), &mut [&mut b]);
    relay(&published(&mut b), &mut [&mut a]);
    let Some(Event::Cluster(ClusterEvent::FetchSockets { result, .. })) = a.event() else {
        panic!("no fetch result");
    };
    let sockets = result.unwrap();
    let of = |id: SocketId| {
        let name = b.engine.socket_name(id).unwrap();
        let s = sockets.iter().find(|s| s.id == name.as_str()).unwrap();
        let mut hs = String::new();
        s.handshake.write_plain_json(&mut hs).unwrap();
        let mut data = String::new();
        s.data.write_plain_json(&mut data).unwrap();
        (
            serde_json::from_str::<serde_json::Value>(&hs).unwrap(),
            data,
        )
    };
    let (hs, data) = of(told);
    assert_eq!(hs["issued"], 1_764_682_189_123_u64);
    assert_eq!(
        hs["time"],
        "Tue Dec 02 2025 13:29:49 GMT+0000 (Coordinated Universal Time)"
    );
    assert_eq!(hs["auth"], serde_json::json!({"token": "t✓"}));
    assert_eq!(data, "{}", "node's default socket.data");
    let (hs, _) = of(bare);
    assert!(hs.get("issued").is_none() && hs.get("time").is_none());
    assert_eq!(hs["auth"], serde_json::json!({}));
}
