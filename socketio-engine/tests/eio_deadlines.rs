//! Deadlines keep to their schedule whatever the driver's timer does (issue 9, item 2).
//!
//! A driver's timer wakes late by its latency; inputs may be handled before it fires. Two
//! rules, checked here on the virtual clock for every deadline of the Engine.IO layer:
//! - a timer fired 1, 10 or 50 ms late arms its follow-up from when it was due (a ping sent
//!   late keeps its pong deadline at handshake + interval + timeout);
//! - an input whose `now` is at or past a deadline finds it expired before it is processed,
//!   even if `handle_timeout` was never called; one 1 ms earlier is served. That is node's
//!   boundary: a timer is due when `now - start >= ms`, and its timers phase runs before the
//!   I/O callbacks of the same loop turn.
//!
//! The Socket.IO layer's deadlines (connect, acks) and Socket.IO 0.9 are in `sio_deadlines.rs`.

use std::time::{Duration, Instant};

use http::Method;
use socketio_engine::eio::{CloseReason, EioConfig, EioEvent, Packet};
use socketio_engine::testing::{FakeClient, Harness};
use socketio_engine::{HttpBody, RequestId, Sid, WsMessage};
use socketio_proto::Str;
use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
use socketio_proto::eio::{Frame, ProtocolVersion};

const PATH: &str = "/engine.io/";
const MS: Duration = Duration::from_millis(1);
/// The official suites' settings.
const INTERVAL: Duration = Duration::from_millis(300);
const TIMEOUT: Duration = Duration::from_millis(200);
/// How late the driver's timer wakes in the scenarios.
const LATENESS_MS: [u64; 3] = [1, 10, 50];

fn harness() -> Harness {
    Harness::with_config(EioConfig {
        ping_interval: INTERVAL,
        ping_timeout: TIMEOUT,
        allow_eio3: true,
        rng_seed: Some([9; 32]),
        ..EioConfig::default()
    })
}

fn ping() -> Packet {
    Packet::Ping(Str::new())
}

/// The driver's timer fires at `at` (late or not): `handle_timeout(at)`, then drive.
fn fire_at(h: &mut Harness, at: Instant) {
    h.now = at;
    h.server.handle_timeout(at);
    h.drive();
}

fn unknown_sid(h: &mut Harness, req: RequestId) {
    let res = h.take_response(req).expect("answered at once");
    assert_eq!(
        (res.status().as_u16(), res.body().as_ref()),
        (400, &br#"{"code":1,"message":"Session ID unknown"}"#[..])
    );
}

fn closed_by_ping_timeout(h: &mut Harness, sid: Sid) {
    assert_eq!(
        h.take_events(),
        [EioEvent::Close {
            sid,
            reason: CloseReason::PingTimeout
        }]
    );
}

#[test]
fn late_timers_keep_the_next_deadlines_on_schedule_v4() {
    for late in LATENESS_MS.map(Duration::from_millis) {
        let mut h = harness();
        let c = FakeClient::connect_websocket(&mut h, PATH);
        h.take_events();
        // Each round: the ping timer fires `late`, the pong deadline stays one timeout after
        // the ping was due; a pong halfway re-arms the ping one interval after the pong.
        let mut ping_due = h.now + INTERVAL;
        for round in 0..4 {
            assert_eq!(
                h.server.poll_timeout(),
                Some(ping_due),
                "{late:?} round {round}"
            );
            fire_at(&mut h, ping_due + late);
            assert_eq!(c.ws_recv(&mut h), [ping()], "{late:?} round {round}");
            assert_eq!(
                h.server.poll_timeout(),
                Some(ping_due + TIMEOUT),
                "{late:?} round {round}: pong deadline from the schedule, not from the late fire"
            );
            h.now = ping_due + TIMEOUT / 2;
            c.ws_send(&mut h, &Packet::Pong(Str::new()));
            ping_due = h.now + INTERVAL;
        }
        // The last ping goes unanswered: the session ends at its scheduled deadline.
        fire_at(&mut h, ping_due + late);
        assert_eq!(c.ws_recv(&mut h), [ping()]);
        fire_at(&mut h, ping_due + TIMEOUT - MS);
        assert!(
            h.take_events().is_empty(),
            "{late:?}: alive before the deadline"
        );
        fire_at(&mut h, ping_due + TIMEOUT);
        closed_by_ping_timeout(&mut h, c.sid);
    }
}

#[test]
fn a_get_at_the_pong_deadline_finds_the_session_gone_whatever_the_timer_did() {
    // The official suites' "closes the session upon ping timeout": a GET pingInterval +
    // pingTimeout after the handshake. Node answers 400; the driver's timer may not have
    // fired at all, or fired the ping late.
    for fired in [None, Some(0), Some(1), Some(10), Some(50)] {
        let mut h = harness();
        let c = FakeClient::connect_polling(&mut h, PATH);
        h.take_events();
        let t0 = h.now;
        if let Some(late) = fired {
            fire_at(&mut h, t0 + INTERVAL + Duration::from_millis(late));
        }
        h.now = t0 + INTERVAL + TIMEOUT;
        let req = c.get(&mut h);
        unknown_sid(&mut h, req);
        closed_by_ping_timeout(&mut h, c.sid);
    }
}

#[test]
fn a_get_just_before_the_pong_deadline_is_served() {
    for fired in [None, Some(1), Some(50)] {
        let mut h = harness();
        let c = FakeClient::connect_polling(&mut h, PATH);
        h.take_events();
        let t0 = h.now;
        if let Some(late) = fired {
            fire_at(&mut h, t0 + INTERVAL + Duration::from_millis(late));
        }
        h.now = t0 + INTERVAL + TIMEOUT - MS;
        // The ping, due before this GET, is in its answer.
        assert_eq!(c.poll_now(&mut h), [ping()], "{fired:?}");
        assert!(h.take_events().is_empty(), "{fired:?}");
        assert_eq!(c.post(&mut h, &[Packet::Pong(Str::new())]).status(), 200);
        assert_eq!(h.server.poll_timeout(), Some(h.now + INTERVAL));
    }
}

#[test]
fn a_pong_at_its_deadline_is_too_late_and_one_just_before_is_not() {
    for (at, alive) in [(TIMEOUT - MS, true), (TIMEOUT, false)] {
        let mut h = harness();
        let c = FakeClient::connect_websocket(&mut h, PATH);
        h.take_events();
        let ping_due = h.now + INTERVAL;
        // The driver's timer has not fired at all: the pong's own `now` decides.
        h.now = ping_due + at;
        c.ws_send(&mut h, &Packet::Pong(Str::new()));
        let conn = c.conn.unwrap();
        if alive {
            assert!(h.take_events().is_empty());
            assert!(!h.is_closed(conn));
            assert_eq!(c.ws_recv(&mut h), [ping()], "the ping went out first");
            assert_eq!(h.server.poll_timeout(), Some(h.now + INTERVAL));
        } else {
            closed_by_ping_timeout(&mut h, c.sid);
            assert!(h.is_closed(conn));
        }
    }
}

/// An Engine.IO 3 polling session (`b64=1` text payloads); its sid.
fn v3_session(h: &mut Harness) -> Sid {
    let req = h.http(
        Harness::meta(
            Method::GET,
            "/engine.io/?EIO=3&transport=polling&b64=1",
            &[],
        ),
        HttpBody::empty(),
    );
    assert_eq!(h.take_response(req).unwrap().status(), 200);
    let Some(EioEvent::Open { sid }) = h.take_events().pop() else {
        panic!("no open")
    };
    sid
}

/// A v3 client ping POSTed on `sid`; the request.
fn v3_ping(h: &mut Harness, sid: Sid) -> RequestId {
    let ping: Frame = ping().encode(ProtocolVersion::V3);
    let body = payload::encode(PayloadFormat::V3Text, &[ping]);
    let uri = format!("/engine.io/?EIO=3&transport=polling&b64=1&sid={sid}");
    h.http(
        Harness::meta(Method::POST, &uri, &[]),
        HttpBody::Complete(body),
    )
}

#[test]
fn v3_a_ping_at_the_deadline_is_too_late_and_one_just_before_is_not() {
    // v3: the client pings; the session ends interval + timeout after the handshake or the
    // last client ping (node's `resetPingTimeout` for protocol 3).
    let limit = INTERVAL + TIMEOUT;
    let mut h = harness();
    let sid = v3_session(&mut h);
    let mut deadline = h.now + limit;
    for late in LATENESS_MS.map(Duration::from_millis) {
        // A spurious early fire changes nothing; the ping just before the deadline is served
        // and re-arms the deadline from its own arrival.
        fire_at(&mut h, deadline - late);
        h.now = deadline - MS;
        let req = v3_ping(&mut h, sid);
        assert_eq!(h.take_response(req).unwrap().body(), "ok");
        deadline = h.now + limit;
        assert_eq!(h.server.poll_timeout(), Some(deadline));
        let uri = format!("/engine.io/?EIO=3&transport=polling&b64=1&sid={sid}");
        let req = h.http(Harness::meta(Method::GET, &uri, &[]), HttpBody::empty());
        let body = h.take_response(req).unwrap().into_body();
        let packets =
            payload::decode(PayloadFormat::V3Text, body, &PayloadLimits::default()).unwrap();
        assert_eq!(packets, [Packet::Pong(Str::new())]);
    }
    assert!(h.take_events().is_empty());
    h.now = deadline;
    let req = v3_ping(&mut h, sid);
    unknown_sid(&mut h, req);
    closed_by_ping_timeout(&mut h, sid);
}

#[test]
fn a_probe_message_at_the_upgrade_deadline_is_too_late() {
    // node's `upgradeTimeoutTimer` closes the probe transport; the session keeps polling.
    for (at, upgraded) in [(MS, true), (Duration::ZERO, false)] {
        let mut h = Harness::default_seeded();
        let mut c = FakeClient::connect_polling(&mut h, PATH);
        h.take_events();
        let req = c.open_probe(&mut h);
        let conn = h.accepted(req).unwrap();
        let deadline = h.now + h.server.config().upgrade_timeout;
        h.now = deadline - at;
        c.ws_send(&mut h, &Packet::Ping(Str::from_static("probe")));
        if upgraded {
            assert_eq!(c.ws_recv(&mut h), [Packet::Pong(Str::from_static("probe"))]);
            c.ws_send(&mut h, &Packet::Upgrade);
            assert!(!h.is_closed(conn));
            assert!(h.server.is_writable(c.sid), "on the WebSocket now");
        } else {
            assert!(h.take_ws(conn).is_empty(), "no 3probe after the deadline");
            assert!(h.is_closed(conn), "the probe is closed");
            assert!(h.take_events().is_empty(), "the session keeps polling");
            h.server
                .send(h.now, c.sid, Frame::Text(Str::from("4still")))
                .unwrap();
            assert_eq!(
                c.poll_now(&mut h),
                [Packet::Message(socketio_proto::eio::Message::Text(
                    Str::from_static("still")
                ))]
            );
        }
    }
}

#[test]
fn a_get_at_the_close_deadline_of_a_closing_session_finds_it_gone() {
    // A server close with no GET parked waits `polling_close_timeout` for one last GET
    // (node's polling `closeTimeout`, then "forced close").
    for (at, gets_close) in [(MS, true), (Duration::ZERO, false)] {
        let mut h = Harness::default_seeded();
        let c = FakeClient::connect_polling(&mut h, PATH);
        h.server.close(h.now, c.sid);
        h.drive();
        h.take_events();
        let deadline = h.now + h.server.config().polling_close_timeout;
        h.now = deadline - at;
        let req = c.get(&mut h);
        if gets_close {
            assert_eq!(
                FakeClient::packets_of(&mut h, req),
                Some(vec![Packet::Close])
            );
        } else {
            unknown_sid(&mut h, req);
        }
        assert_eq!(h.server.session_count(), 0);
    }
}

#[test]
fn a_message_on_a_dead_session_is_not_delivered() {
    // Every input checks the clock first, WebSocket messages too: a message stamped at the
    // pong deadline finds the session closed and is dropped, never dispatched.
    let mut h = harness();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    h.now += INTERVAL + TIMEOUT;
    h.server.handle_ws_message(
        h.now,
        c.conn.unwrap(),
        WsMessage::Text(Str::from_static("4late")),
    );
    h.drive();
    closed_by_ping_timeout(&mut h, c.sid);
}
