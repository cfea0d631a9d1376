//! Connection state recovery on the virtual clock, the wire and the window: the CONNECT
//! answer's pid, offsets on recoverable events only, the 120 s window, expiry on the timer
//! table, and which disconnect reasons keep a session. Replay, rooms, data and the limits are
//! in `sio_recovery_replay.rs`.
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::time::Duration;

use socketio_engine::testing::recovery::{
    Conn, connect, connect_answer, cut_after_one_event, harness, reconnect, recovered,
};
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{BroadcastTarget, DisconnectReason};

#[test]
fn off_by_default_no_pid_no_offset() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/"); // asserts the answer is exactly {"sid"}
    h.engine.emit(h.now, s, "ev", &args("[1]"), vec![]).unwrap();
    h.drive();
    assert_eq!(h.take(c), [r#"2["ev",1]"#]);
    assert_eq!(h.engine.recovery_store().packets, 0);
}

#[test]
fn connect_answer_has_sid_and_pid() {
    let mut h = harness();
    let a = connect(&mut h);
    let b = connect(&mut h);
    assert_eq!(a.sid, h.engine.socket_name(a.socket).unwrap().as_str());
    assert_eq!(a.pid.len(), 20, "a random id like the sid");
    assert_ne!(a.pid, a.sid);
    assert_ne!(a.pid, b.pid);
}

#[test]
fn offsets_on_recoverable_events_only() {
    let mut h = harness();
    let a = connect(&mut h);
    let b = connect(&mut h);
    let now = h.now;
    h.engine
        .emit(now, a.socket, "direct", &args("[]"), vec![])
        .unwrap();
    let all = BroadcastTarget::namespace("/");
    h.engine
        .broadcast(now, &all, "all", &args(r#"[{"x":1}]"#), vec![])
        .unwrap();
    // With an ack id, or volatile: neither logged nor given an offset (node's rule).
    h.engine
        .emit_with_ack(
            now,
            a.socket,
            "ask",
            &args("[]"),
            vec![],
            Duration::from_secs(5),
        )
        .unwrap();
    h.engine
        .broadcast(now, &all.clone().volatile(), "vol", &args("[2]"), vec![])
        .unwrap();
    h.engine
        .broadcast_with_ack(
            now,
            &all,
            "bask",
            &args("[]"),
            vec![],
            Duration::from_secs(5),
        )
        .unwrap();
    h.drive();
    // The offset is the event's number, engine-wide, in decimal; a broadcast's is the same
    // for every recipient (one packet, encoded once).
    assert_eq!(
        h.take(a.c),
        [
            r#"2["direct","0"]"#,
            r#"2["all",{"x":1},"1"]"#,
            r#"20["ask"]"#,
            r#"2["vol",2]"#,
            r#"21["bask"]"#
        ]
    );
    assert_eq!(
        h.take(b.c),
        [r#"2["all",{"x":1},"1"]"#, r#"2["vol",2]"#, r#"21["bask"]"#]
    );
    assert_eq!(h.engine.recovery_store().packets, 2);
}

#[test]
fn a_cut_of_119_s_recovers_and_121_s_does_not() {
    for (secs, recovers) in [(119, true), (120, true), (121, false)] {
        let mut h = harness();
        let (conn, offset) = cut_after_one_event(&mut h);
        h.advance(Duration::from_secs(secs));
        let (c2, out) = reconnect(&mut h, &conn.pid, &offset);
        match recovered(&mut h) {
            Some(r) => {
                assert!(recovers, "{secs} s must not recover");
                assert_eq!(h.engine.socket_name(r.socket).unwrap().as_str(), conn.sid);
                let v = connect_answer(&out[0]);
                assert_eq!(
                    (v["sid"].as_str(), v["pid"].as_str()),
                    (Some(&*conn.sid), Some(&*conn.pid))
                );
                assert!(r.auth.is_some());
            }
            None => {
                assert!(!recovers, "{secs} s must recover");
                assert!(out.is_empty(), "a fresh request waits for the application");
                let _ = c2;
            }
        }
    }
}

#[test]
fn the_store_expires_on_the_timer_table() {
    let mut h = harness();
    let (_conn, _) = cut_after_one_event(&mut h);
    let store = h.engine.recovery_store();
    assert_eq!((store.sessions, store.packets), (1, 1));
    let deadline = h.engine.poll_timeout().unwrap();
    assert!(deadline > h.now + Duration::from_secs(119));
    h.advance(Duration::from_secs(121));
    let store = h.engine.recovery_store();
    assert_eq!((store.sessions, store.packets, store.bytes), (0, 0, 0));
    assert_eq!(
        h.engine.poll_timeout(),
        None,
        "nothing left to expire, no timer"
    );
}

/// Cuts a socket with `cut`; whether its session was kept.
fn kept_after(cut: impl FnOnce(&mut SioHarness, &Conn)) -> bool {
    let mut h = harness();
    let conn = connect(&mut h);
    cut(&mut h, &conn);
    h.drive();
    h.engine.recovery_store().sessions == 1
}

#[test]
fn transport_reasons_keep_the_session() {
    // transport close
    assert!(kept_after(|h, c| h.close_ws(c.c)));
    // forced close (the server closes the connection)
    assert!(kept_after(|h, c| h
        .engine
        .close_transport(h.now, c.socket)
        .unwrap()));
    // ping timeout
    assert!(kept_after(|h, _| h.advance(Duration::from_secs(60))));
    // server shutting down
    assert!(kept_after(|h, _| h.engine.close_all(h.now)));
    // forced server close (a protocol violation: an event for a namespace not joined)
    assert!(kept_after(|h, c| h.send(c.c, r#"2/b,["x"]"#)));
    // transport error, and the same list by name
    for r in [
        DisconnectReason::TransportError,
        DisconnectReason::TransportClose,
        DisconnectReason::ForcedClose,
        DisconnectReason::PingTimeout,
        DisconnectReason::ServerShuttingDown,
        DisconnectReason::ProtocolViolation,
    ] {
        assert!(r.is_recoverable(), "{}", r.as_str());
    }
}

#[test]
fn namespace_disconnects_and_bad_input_do_not() {
    // client namespace disconnect
    assert!(!kept_after(|h, c| h.send(c.c, "1")));
    // server namespace disconnect, alone or with the session
    assert!(!kept_after(|h, c| h
        .engine
        .disconnect(h.now, c.socket)
        .unwrap()));
    assert!(!kept_after(|h, c| h
        .engine
        .disconnect_session(h.now, c.socket)
        .unwrap()));
    // parse error
    assert!(!kept_after(|h, c| h.send(c.c, "9")));
    for r in [
        DisconnectReason::ClientNamespaceDisconnect,
        DisconnectReason::ServerNamespaceDisconnect,
        DisconnectReason::ParseError,
        DisconnectReason::BufferFull,
    ] {
        assert!(!r.is_recoverable(), "{}", r.as_str());
    }
}
