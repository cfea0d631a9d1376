//! Events and acks both ways through the full Engine, text and binary; ack at most once;
//! ack timeout; pending-ack limit.
#![cfg(feature = "testing")]

use std::time::Duration;

use bytes::Bytes;
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{Event, UsageError};

#[test]
fn client_event_with_args_and_ack() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/");
    h.send(c, r#"212["chat",{"text":"hi"},3,[true]]"#);
    let Some(Event::Message {
        socket,
        event,
        args: received,
        binary,
        ack,
    }) = h.event()
    else {
        panic!()
    };
    assert_eq!(socket, s);
    assert_eq!(event, "chat");
    assert!(binary.is_empty());
    assert_eq!(
        received.to_value().unwrap(),
        serde_json::json!([{"text":"hi"},3,[true]])
    );
    let token = ack.unwrap();
    assert_eq!(token.socket(), s);
    h.engine
        .ack(h.now, token, &args(r#"["got it",1]"#), vec![])
        .unwrap();
    h.drive();
    assert_eq!(h.take(c), [r#"312["got it",1]"#]);
}

#[test]
fn event_without_ack_has_no_token() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, _) = h.client("/");
    h.send(c, r#"2["ping"]"#);
    assert!(matches!(h.event(), Some(Event::Message { ack: None, .. })));
}

#[test]
fn binary_event_in_namespace_and_binary_emit_out() {
    let mut cfg = SioHarness::config();
    cfg.sio
        .namespaces(["/", "/files"].map(socketio_proto::Str::from));
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    let s = h.join_ns(c, "/files", "");
    h.send(
        c,
        r#"52-/files,["upload",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
    );
    h.send_binary(c, b"abc");
    assert!(h.event().is_none(), "one attachment still missing");
    h.send_binary(c, b"defg");
    let Some(Event::Message { socket, binary, .. }) = h.event() else {
        panic!()
    };
    assert_eq!(socket, s);
    assert_eq!(
        binary,
        [Bytes::from_static(b"abc"), Bytes::from_static(b"defg")]
    );

    h.engine
        .emit(
            h.now,
            s,
            "file",
            &args(r#"[{"_placeholder":true,"num":0}]"#),
            vec![Bytes::from_static(b"12345")],
        )
        .unwrap();
    h.drive();
    assert_eq!(
        h.take(c),
        [
            r#"51-/files,["file",{"_placeholder":true,"num":0}]"#,
            "<bin 5>"
        ]
    );
}

#[test]
fn server_emit_with_ack_gets_reply_once() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/");
    let ack = h
        .engine
        .emit_with_ack(
            h.now,
            s,
            "question",
            &args("[42]"),
            vec![],
            Duration::from_secs(5),
        )
        .unwrap();
    h.drive();
    assert_eq!(h.take(c), [format!(r#"2{}["question",42]"#, ack.get())]);
    h.send(c, &format!(r#"3{}["answer"]"#, ack.get()));
    let Some(Event::AckReply {
        ack: a,
        socket,
        args,
        binary,
    }) = h.event()
    else {
        panic!()
    };
    assert_eq!((a, socket, args.as_str()), (ack, s, r#"["answer"]"#));
    assert!(binary.is_empty());
    h.send(c, &format!(r#"3{}["twice"]"#, ack.get()));
    assert!(h.event().is_none(), "a second reply is ignored");
    h.advance(Duration::from_secs(10));
    assert!(
        !h.events
            .iter()
            .any(|e| matches!(e, Event::AckTimeout { .. })),
        "answered acks never time out"
    );
}

#[test]
fn binary_ack_reply() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/");
    let ack = h
        .engine
        .emit_with_ack(h.now, s, "q", &args("[]"), vec![], Duration::from_secs(5))
        .unwrap();
    h.drive();
    h.take(c);
    h.send(
        c,
        &format!(r#"61-{}[{{"_placeholder":true,"num":0}}]"#, ack.get()),
    );
    h.send_binary(c, b"zz");
    let Some(Event::AckReply { binary, .. }) = h.event() else {
        panic!()
    };
    assert_eq!(binary, [Bytes::from_static(b"zz")]);
}

#[test]
fn ack_timeout_on_virtual_clock() {
    let mut cfg = SioHarness::config();
    cfg.eio.ping_interval = Duration::from_secs(300);
    let mut h = SioHarness::new(cfg);
    let (_c, s) = h.client("/");
    let ack = h
        .engine
        .emit_with_ack(
            h.now,
            s,
            "q",
            &args("[]"),
            vec![],
            Duration::from_millis(1500),
        )
        .unwrap();
    h.drive();
    h.advance(Duration::from_millis(1499));
    assert!(h.event().is_none());
    h.advance(Duration::from_millis(1));
    assert!(
        matches!(h.event(), Some(Event::AckTimeout { ack: a, socket }) if a == ack && socket == s)
    );
}

#[test]
fn max_pending_acks_per_socket() {
    let mut cfg = SioHarness::config();
    cfg.sio.max_pending_acks(3);
    let mut h = SioHarness::new(cfg);
    let (_c, s) = h.client("/");
    let (_c2, s2) = h.client("/");
    let t = Duration::from_secs(5);
    for _ in 0..3 {
        h.engine
            .emit_with_ack(h.now, s, "q", &args("[]"), vec![], t)
            .unwrap();
    }
    assert_eq!(
        h.engine
            .emit_with_ack(h.now, s, "q", &args("[]"), vec![], t),
        Err(UsageError::TooManyPendingAcks)
    );
    assert!(
        h.engine
            .emit_with_ack(h.now, s2, "q", &args("[]"), vec![], t)
            .is_ok(),
        "the limit is per socket"
    );
}

#[test]
fn commands_on_a_gone_socket_are_usage_errors() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/");
    h.send(c, r#"21["x"]"#);
    let Some(Event::Message {
        ack: Some(token), ..
    }) = h.event()
    else {
        panic!()
    };
    h.send(c, "1");
    assert!(matches!(h.event(), Some(Event::Disconnect { .. })));
    assert_eq!(
        h.engine.ack(h.now, token, &args("[]"), vec![]),
        Err(UsageError::UnknownSocket)
    );
    assert_eq!(
        h.engine.emit(h.now, s, "x", &args("[]"), vec![]),
        Err(UsageError::UnknownSocket)
    );
    assert_eq!(h.engine.join(s, "r"), Err(UsageError::UnknownSocket));
}

#[test]
fn acks_owed_by_a_disconnected_socket_end_at_their_deadline_as_in_node() {
    // Node's Socket#_onclose leaves `acks` alone: a timed ack's timer still fires with
    // "operation has timed out". Here too: no early AckTimeout at the disconnect, exactly one
    // at the deadline, naming the socket that is gone; a reply after that is ignored.
    let mut cfg = SioHarness::config();
    cfg.eio.ping_interval = Duration::from_secs(300);
    let mut h = SioHarness::new(cfg);
    let (c, s) = h.client("/");
    let ack = h
        .engine
        .emit_with_ack(h.now, s, "q", &args("[]"), vec![], Duration::from_secs(5))
        .unwrap();
    h.drive();
    assert_eq!(h.take(c), [format!(r#"2{}["q"]"#, ack.get())]);
    h.send(c, "1");
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s));
    assert!(h.event().is_none(), "no AckTimeout at the disconnect");
    // The client reconnects and answers the old id: not its ack any more.
    let s2 = h.join_ns(c, "/", "");
    h.send(c, &format!("3{}[1]", ack.get()));
    h.advance(Duration::from_millis(4999));
    assert!(h.event().is_none());
    h.advance(Duration::from_millis(1));
    assert!(
        matches!(h.event(), Some(Event::AckTimeout { ack: a, socket }) if a == ack && socket == s)
    );
    assert!(h.event().is_none());
    assert!(h.engine.socket_name(s).is_none() && h.engine.socket_name(s2).is_some());
}
