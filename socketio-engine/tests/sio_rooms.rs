//! Rooms and broadcast through the full Engine: to rooms, except rooms and sockets, own-id
//! rooms, volatile, broadcast with acks, socket-set operations.
#![cfg(feature = "testing")]

use std::time::Duration;

use socketio_engine::testing::sio_client::{SioClient, SioHarness, args};
use socketio_engine::{BroadcastTarget, Event, SocketId, UsageError};

fn clients(h: &mut SioHarness, n: usize) -> Vec<(SioClient, SocketId)> {
    (0..n).map(|_| h.client("/")).collect()
}

/// Indexes of the clients that received exactly `["e",1]` since the last call.
fn got(h: &mut SioHarness, cs: &[(SioClient, SocketId)]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, (c, _)) in cs.iter().enumerate() {
        let frames = h.take(*c);
        if !frames.is_empty() {
            assert_eq!(frames, [r#"2["e",1]"#]);
            out.push(i);
        }
    }
    out
}

#[test]
fn broadcast_to_rooms_except_and_own_id() {
    let mut h = SioHarness::new(SioHarness::config());
    let cs = clients(&mut h, 5);
    let e = args("[1]");
    assert!(h.engine.join(cs[0].1, "red").unwrap());
    assert!(!h.engine.join(cs[0].1, "red").unwrap());
    h.engine.join(cs[1].1, "red").unwrap();
    h.engine.join(cs[1].1, "blue").unwrap();
    h.engine.join(cs[2].1, "blue").unwrap();
    let name0 = h.engine.socket_name(cs[0].1).unwrap();
    assert_eq!(
        h.engine.rooms(cs[0].1).unwrap(),
        [name0.as_str(), "red"].map(socketio_proto::Str::from)
    );

    let all = BroadcastTarget::namespace("/");
    assert_eq!(h.engine.broadcast(h.now, &all, "e", &e, vec![]).unwrap(), 5);
    h.drive();
    assert_eq!(got(&mut h, &cs), [0, 1, 2, 3, 4]);

    h.engine
        .broadcast(h.now, &all.clone().to("red").to("blue"), "e", &e, vec![])
        .unwrap();
    h.drive();
    assert_eq!(got(&mut h, &cs), [0, 1, 2], "union, each socket once");

    h.engine
        .broadcast(
            h.now,
            &all.clone().to("red").except("blue"),
            "e",
            &e,
            vec![],
        )
        .unwrap();
    h.drive();
    assert_eq!(got(&mut h, &cs), [0]);

    // Node's socket.broadcast: everyone but the sender.
    h.engine
        .broadcast(h.now, &all.clone().except_socket(cs[4].1), "e", &e, vec![])
        .unwrap();
    h.drive();
    assert_eq!(got(&mut h, &cs), [0, 1, 2, 3]);

    // Every socket is in the room named by its own id.
    h.engine
        .broadcast(h.now, &all.clone().to(name0.as_str()), "e", &e, vec![])
        .unwrap();
    h.drive();
    assert_eq!(got(&mut h, &cs), [0]);

    assert!(h.engine.leave(cs[0].1, "red").unwrap());
    assert_eq!(h.engine.leave_all(cs[1].1).unwrap(), 2);
    h.engine
        .broadcast(h.now, &all.clone().to("red").to("blue"), "e", &e, vec![])
        .unwrap();
    h.drive();
    assert_eq!(got(&mut h, &cs), [2]);
}

#[test]
fn broadcast_stays_in_its_namespace() {
    let mut cfg = SioHarness::config();
    cfg.sio
        .namespaces(["/", "/other"].map(socketio_proto::Str::from));
    let mut h = SioHarness::new(cfg);
    let (c1, s1) = h.client("/");
    let (c2, s2) = h.client("/other");
    h.engine.join(s1, "r").unwrap();
    h.engine.join(s2, "r").unwrap();
    h.engine
        .broadcast(
            h.now,
            &BroadcastTarget::namespace("/other").to("r"),
            "e",
            &args("[1]"),
            vec![],
        )
        .unwrap();
    h.drive();
    assert!(h.take(c1).is_empty());
    assert_eq!(h.take(c2), [r#"2/other,["e",1]"#]);
    assert_eq!(
        h.engine.broadcast(
            h.now,
            &BroadcastTarget::namespace("/x"),
            "e",
            &args("[]"),
            vec![]
        ),
        Err(UsageError::UnknownNamespace)
    );
}

#[test]
fn volatile_reaches_writable_websocket_sessions() {
    let mut h = SioHarness::new(SioHarness::config());
    let cs = clients(&mut h, 2);
    // WebSocket sessions are always writable: volatile reaches both.
    let t = BroadcastTarget::namespace("/").volatile();
    assert_eq!(
        h.engine
            .broadcast(h.now, &t, "e", &args("[1]"), vec![])
            .unwrap(),
        2
    );
    h.drive();
    assert_eq!(got(&mut h, &cs), [0, 1]);
    // Polling clients: `volatile_skips_a_polling_client_without_a_parked_get`.
}

#[test]
fn broadcast_with_ack_collects_replies_and_timeouts() {
    let mut cfg = SioHarness::config();
    cfg.eio.ping_interval = Duration::from_secs(300);
    let mut h = SioHarness::new(cfg);
    let cs = clients(&mut h, 3);
    let ack = h
        .engine
        .broadcast_with_ack(
            h.now,
            &BroadcastTarget::namespace("/"),
            "vote",
            &args("[]"),
            vec![],
            Duration::from_secs(3),
        )
        .unwrap();
    h.drive();
    for (c, _) in &cs {
        assert_eq!(h.take(*c), [format!(r#"2{}["vote"]"#, ack.get())]);
    }
    h.send(cs[0].0, &format!(r#"3{}["yes"]"#, ack.get()));
    h.send(cs[2].0, &format!(r#"3{}["no"]"#, ack.get()));
    assert!(h.event().is_none());
    h.advance(Duration::from_secs(3));
    let Some(Event::BroadcastAck {
        ack: a,
        replies,
        timed_out,
    }) = h.event()
    else {
        panic!()
    };
    assert_eq!(a, ack);
    let r: Vec<_> = replies
        .iter()
        .map(|r| (r.socket, r.args.as_str()))
        .collect();
    assert_eq!(r, [(cs[0].1, r#"["yes"]"#), (cs[2].1, r#"["no"]"#)]);
    assert_eq!(timed_out, [cs[1].1]);
}

#[test]
fn broadcast_with_ack_limit() {
    let mut cfg = SioHarness::config();
    cfg.sio.max_pending_broadcast_acks(1);
    let mut h = SioHarness::new(cfg);
    let (c, _) = h.client("/");
    let all = BroadcastTarget::namespace("/");
    let t = Duration::from_secs(3);
    let ack = h
        .engine
        .broadcast_with_ack(h.now, &all, "v", &args("[]"), vec![], t)
        .unwrap();
    assert_eq!(
        h.engine
            .broadcast_with_ack(h.now, &all, "v", &args("[]"), vec![], t),
        Err(UsageError::TooManyBroadcastAcks)
    );
    h.drive();
    h.send(c, &format!("3{}[]", ack.get()));
    assert!(
        matches!(h.event(), Some(Event::BroadcastAck { timed_out, .. }) if timed_out.is_empty())
    );
    assert!(
        h.engine
            .broadcast_with_ack(h.now, &all, "v", &args("[]"), vec![], t)
            .is_ok()
    );
}

#[test]
fn socket_set_operations() {
    let mut h = SioHarness::new(SioHarness::config());
    let cs = clients(&mut h, 4);
    let all = BroadcastTarget::namespace("/");
    h.engine.join(cs[0].1, "a").unwrap();
    assert_eq!(h.engine.sockets(&all).unwrap().len(), 4);
    assert_eq!(
        h.engine
            .sockets_join(&all.clone().except("a"), "b")
            .unwrap(),
        3
    );
    assert_eq!(h.engine.sockets(&all.clone().to("b")).unwrap().len(), 3);
    assert_eq!(
        h.engine.sockets_leave(&all.clone().to("b"), "b").unwrap(),
        3
    );
    assert_eq!(
        h.engine
            .disconnect_sockets(h.now, &all.clone().to("a"))
            .unwrap(),
        1
    );
    h.drive();
    assert_eq!(h.take(cs[0].0), ["1"]);
    assert_eq!(h.engine.sockets(&all).unwrap().len(), 3);
}

#[test]
fn broadcast_encodes_once_and_every_recipient_shares_the_buffer() {
    // Moved from the old timing test: the behaviour part (one frame per recipient, one
    // shared buffer); the speed is measured by `benches/engine.rs`.
    let mut h = SioHarness::new(SioHarness::config());
    let n = 200;
    for (_, s) in clients(&mut h, n) {
        assert!(h.engine.join(s, "big").unwrap());
    }
    let target = BroadcastTarget::namespace("/").to("big");
    let sent = h
        .engine
        .broadcast(h.now, &target, "news", &args(r#"[{"n":1}]"#), vec![])
        .unwrap();
    let mut bufs = Vec::new();
    while let Some(a) = h.engine.poll_action() {
        match a {
            socketio_engine::Action::SendWs {
                frame: socketio_proto::eio::Frame::Text(t),
                ..
            } => bufs.push(t),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((sent, bufs.len()), (n, n));
    assert_eq!(bufs[0], r#"42["news",{"n":1}]"#);
    let p = bufs[0].as_bytes().as_ptr();
    assert!(
        bufs.iter().all(|b| b.as_bytes().as_ptr() == p),
        "one buffer"
    );
}

#[test]
fn volatile_skips_a_polling_client_without_a_parked_get() {
    let mut h = SioHarness::new(SioHarness::config());
    let (ws, _) = h.client("/");
    let p = h.open_polling();
    let _ps = h.join_polling(p);
    let volatile = BroadcastTarget::namespace("/").volatile();
    // No GET parked: the polling client is not writable, the volatile packet is dropped.
    let n = h
        .engine
        .broadcast(h.now, &volatile, "e", &args("[1]"), vec![])
        .unwrap();
    assert_eq!(n, 1, "only the WebSocket client");
    h.drive();
    assert_eq!(h.take(ws), [r#"2["e",1]"#]);
    let parked = h.get(p);
    assert_eq!(
        h.polled_texts(parked),
        None,
        "nothing was queued: the GET parks"
    );
    // Now a GET is parked: the volatile packet is delivered at once.
    let n = h
        .engine
        .broadcast(h.now, &volatile, "e", &args("[2]"), vec![])
        .unwrap();
    assert_eq!(n, 2);
    h.drive();
    assert_eq!(h.polled_texts(parked).unwrap(), [r#"2["e",2]"#]);
    assert_eq!(h.take(ws), [r#"2["e",2]"#]);
    // A plain broadcast still queues for the (again unparked) polling client.
    let all = BroadcastTarget::namespace("/");
    h.engine
        .broadcast(h.now, &all, "e", &args("[3]"), vec![])
        .unwrap();
    h.drive();
    let req = h.get(p);
    assert_eq!(h.polled_texts(req).unwrap(), [r#"2["e",3]"#]);
}
