//! Deadlines through the whole `Engine` (issue 9, item 2): an input at or past a deadline of
//! either layer finds it expired before it is processed, even if the driver's timer never
//! fired, and a timer fired late keeps the next deadline on schedule. Engine.IO 4 polling,
//! the Socket.IO connect and ack deadlines, and Socket.IO 0.9 heartbeats and close timeout.
//! (Engine.IO-only scenarios: `eio_deadlines.rs`.)
#![cfg(feature = "testing")]

use std::time::Duration;

use http::Method;
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{EngineConfig, Event};

const MS: Duration = Duration::from_millis(1);
const LATENESS_MS: [u64; 3] = [1, 10, 50];

fn config(interval: Duration, timeout: Duration) -> EngineConfig {
    let mut c = SioHarness::config();
    c.eio.ping_interval = interval;
    c.eio.ping_timeout = timeout;
    c.eio.allow_v09 = true;
    c
}

#[test]
fn a_get_at_the_pong_deadline_finds_the_session_gone() {
    let interval = Duration::from_millis(300);
    let timeout = Duration::from_millis(200);
    for (before, alive) in [(MS, true), (Duration::ZERO, false)] {
        let mut h = SioHarness::new(config(interval, timeout));
        let c = h.open_polling();
        h.now += interval + timeout - before;
        let req = h.get(c);
        let res = h.take_response(req).expect("answered at once");
        if alive {
            assert_eq!(res.status(), 200);
            assert_eq!(res.body().as_ref(), b"2", "the ping due before");
        } else {
            assert_eq!(
                (res.status().as_u16(), res.body().as_ref()),
                (400, &br#"{"code":1,"message":"Session ID unknown"}"#[..])
            );
        }
    }
}

#[test]
fn a_connect_at_the_connect_deadline_is_too_late() {
    // Node's `connectTimeout` timer closes a client that joined no namespace in time.
    for (before, connects) in [(MS, true), (Duration::ZERO, false)] {
        let mut cfg = config(Duration::from_secs(100), Duration::from_secs(100));
        cfg.sio.connect_timeout(Duration::from_secs(1));
        let mut h = SioHarness::new(cfg);
        let c = h.open();
        h.now += Duration::from_secs(1) - before;
        h.send(c, "0");
        if connects {
            assert!(matches!(h.event(), Some(Event::Connect(_))));
            assert!(!h.is_closed(c));
        } else {
            assert!(h.event().is_none(), "no connect request after the deadline");
            assert!(h.is_closed(c), "the session was closed at its deadline");
        }
    }
}

#[test]
fn an_ack_at_its_deadline_is_too_late() {
    for (before, answered) in [(MS, true), (Duration::ZERO, false)] {
        let mut h = SioHarness::new(config(Duration::from_secs(100), Duration::from_secs(100)));
        let (c, s) = h.client("/");
        let ack = h
            .engine
            .emit_with_ack(h.now, s, "q", &args("[]"), vec![], Duration::from_secs(1))
            .unwrap();
        h.drive();
        h.take(c);
        h.now += Duration::from_secs(1) - before;
        h.send(c, &format!(r#"3{}["late?"]"#, ack.get()));
        match (h.event(), answered) {
            (Some(Event::AckReply { ack: a, .. }), true)
            | (Some(Event::AckTimeout { ack: a, .. }), false) => assert_eq!(a, ack),
            (other, _) => panic!("answered {answered}: {other:?}"),
        }
        assert!(h.event().is_none(), "one outcome only");
    }
}

#[test]
fn v09_websocket_late_heartbeats_keep_the_deadline_on_schedule() {
    // 0.9 over WebSocket: the server's heartbeat `2::`, answered by the client's `2::`.
    let interval = Duration::from_secs(10);
    let timeout = Duration::from_secs(5);
    for late in LATENESS_MS.map(Duration::from_millis) {
        let mut h = SioHarness::new(config(interval, timeout));
        let (mut c, _) = h.v09_handshake("t=1");
        h.v09_websocket(&mut c);
        let _ = h.event();
        h.v09_ws_take(c);
        let due = h.now + interval;
        assert_eq!(h.engine.poll_timeout(), Some(due));
        h.now = due + late;
        h.engine.handle_timeout(h.now);
        h.drive();
        assert_eq!(h.v09_ws_take(c), ["2::"], "{late:?}");
        assert_eq!(
            h.engine.poll_timeout(),
            Some(due + timeout),
            "{late:?}: the heartbeat deadline from the schedule"
        );
        // A heartbeat answer exactly at that deadline is too late.
        h.now = due + timeout;
        h.v09_ws_send(c, "2::");
        assert!(
            h.is_conn_closed(c.conn.unwrap()),
            "{late:?}: closed at the deadline"
        );
    }
}

#[test]
fn v09_polling_a_request_at_the_close_timeout_finds_the_session_gone() {
    // 0.9 polling: each request keeps the session for the close timeout (interval +
    // timeout); a request at that instant is one too late, and 0.9 clients are told to
    // handshake again (`7:::1+0`, "client not handshaken").
    let interval = Duration::from_secs(10);
    let timeout = Duration::from_secs(5);
    for (before, alive) in [(MS, true), (Duration::ZERO, false)] {
        let mut h = SioHarness::new(config(interval, timeout));
        let (c, _) = h.v09_handshake("t=1");
        let _ = h.event();
        h.now += interval + timeout - before;
        let uri = format!("/socket.io/1/xhr-polling/{}?t=2", c.sid);
        let req = h.http_request(Method::POST, &uri, "8::");
        let body = h.response_text(req);
        if alive {
            assert_eq!(body, "ok", "POST answered");
        } else {
            assert_eq!(body, "7:::1+0", "the session is gone");
        }
    }
}
