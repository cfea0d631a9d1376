//! Polling → WebSocket upgrades, including traffic racing the upgrade both ways.

use std::time::Duration;

use http::Method;
use socketio_engine::eio::{CloseReason, EioConfig, EioEvent, Packet};
use socketio_engine::testing::{FakeClient, Harness, text};
use socketio_engine::{HttpBody, Sid, WsMessage};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

const PATH: &str = "/engine.io/";

fn setup() -> (Harness, FakeClient) {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    h.take_events();
    (h, c)
}

fn send(h: &mut Harness, sid: Sid, s: &str) {
    h.server
        .send(h.now, sid, Frame::Text(Str::from(format!("4{s}"))))
        .unwrap();
}

fn probe(s: &'static str) -> Str {
    Str::from_static(s)
}

#[test]
fn full_upgrade_as_engine_io_client_does_it() {
    let (mut h, mut c) = setup();
    let parked = c.get(&mut h);
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).expect("probe accepted");
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    assert_eq!(c.ws_recv(&mut h), vec![Packet::Pong(probe("probe"))]);
    assert_eq!(
        FakeClient::packets_of(&mut h, parked),
        Some(vec![Packet::Noop]),
        "the parked GET is released so the client can pause polling"
    );
    c.ws_send(&mut h, &Packet::Upgrade);
    send(&mut h, c.sid, "after");
    h.drive();
    assert_eq!(c.ws_recv(&mut h), vec![text("after")]);
    assert!(h.server.is_writable(c.sid));
    assert!(!h.is_closed(conn));
    // Heartbeat continues on the WebSocket.
    h.advance(Duration::from_secs(25));
    assert_eq!(c.ws_recv(&mut h), vec![Packet::Ping(Str::new())]);
}

#[test]
fn traffic_racing_the_upgrade_arrives_exactly_once_in_order() {
    let (mut h, mut c) = setup();
    let get1 = c.get(&mut h);
    c.open_probe(&mut h);
    // Server → client while the probe is open: first on polling ...
    send(&mut h, c.sid, "m1");
    h.drive();
    assert_eq!(FakeClient::packets_of(&mut h, get1), Some(vec![text("m1")]));
    let get2 = c.get(&mut h);
    // ... client → server over polling during the upgrade ...
    assert_eq!(c.post(&mut h, &[text("c1")]).status(), 200);
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    assert_eq!(c.ws_recv(&mut h), vec![Packet::Pong(probe("probe"))]);
    assert_eq!(
        FakeClient::packets_of(&mut h, get2),
        Some(vec![Packet::Noop])
    );
    // ... the client paused polling; the server keeps sending ...
    send(&mut h, c.sid, "m2");
    send(&mut h, c.sid, "m3");
    assert_eq!(c.post(&mut h, &[text("c2")]).status(), 200);
    // ... and the switch flushes the queue on the WebSocket, in order, before new frames.
    c.ws_send(&mut h, &Packet::Upgrade);
    send(&mut h, c.sid, "m4");
    c.ws_send(&mut h, &text("c3"));
    h.drive();
    assert_eq!(c.ws_recv(&mut h), vec![text("m2"), text("m3"), text("m4")]);
    assert_eq!(h.take_messages(), vec!["c1", "c2", "c3"]);
}

#[test]
fn a_get_during_a_probed_upgrade_takes_queued_frames_or_a_noop() {
    let (mut h, mut c) = setup();
    c.open_probe(&mut h);
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    let _ = c.ws_recv(&mut h);
    assert_eq!(c.poll_now(&mut h), vec![Packet::Noop]);
    send(&mut h, c.sid, "q");
    assert_eq!(c.poll_now(&mut h), vec![text("q")]);
}

#[test]
fn polling_after_the_upgrade_is_refused() {
    let (mut h, mut c) = setup();
    c.open_probe(&mut h);
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    c.ws_send(&mut h, &Packet::Upgrade);
    let req = c.get(&mut h);
    let res = h.take_response(req).unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.body(), r#"{"code":3,"message":"Bad request"}"#);
    let res = c.post(&mut h, &[text("x")]);
    assert_eq!(res.status(), 400);
    assert!(h.take_events().is_empty(), "the session is unaffected");
}

#[test]
fn a_second_websocket_for_the_same_sid_is_refused() {
    let (mut h, mut c) = setup();
    let first = c.open_probe(&mut h);
    let conn = h.accepted(first).unwrap();
    let mut again = c.clone();
    let second = again.open_probe(&mut h);
    assert!(h.accepted(second).is_none());
    let res = h.take_response(second).unwrap();
    assert_eq!(
        (res.status().as_u16(), res.body().as_ref()),
        (400, &b"Bad request"[..])
    );
    c.ws_send(&mut h, &Packet::Upgrade);
    let third = again.open_probe(&mut h);
    assert_eq!(h.take_response(third).unwrap().status(), 400);
    assert!(!h.is_closed(conn));
}

#[test]
fn limit_upgrade_timeout_closes_the_probe_and_keeps_polling() {
    let (mut h, mut c) = setup();
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).unwrap();
    h.advance(Duration::from_secs(10));
    assert!(h.is_closed(conn));
    assert!(h.take_events().is_empty());
    send(&mut h, c.sid, "still polling");
    assert_eq!(c.poll_now(&mut h), vec![text("still polling")]);
    // And a new upgrade may start.
    let again = c.open_probe(&mut h);
    assert!(h.accepted(again).is_some());
}

#[test]
fn garbage_or_a_wrong_packet_on_the_probe_aborts_only_the_upgrade() {
    for bad in [
        WsMessage::Text(Str::from("zzz")),
        WsMessage::Text(Str::from("4early")),
    ] {
        let (mut h, mut c) = setup();
        let req = c.open_probe(&mut h);
        let conn = h.accepted(req).unwrap();
        h.ws_message(conn, bad);
        assert!(h.is_closed(conn));
        assert!(h.take_events().is_empty(), "session survives");
        assert_eq!(c.post(&mut h, &[text("x")]).status(), 200);
    }
}

#[test]
fn probe_closed_by_the_client_keeps_polling() {
    let (mut h, mut c) = setup();
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).unwrap();
    h.ws_closed(conn);
    assert!(h.take_events().is_empty());
    assert_eq!(
        h.server.poll_timeout(),
        Some(h.now + Duration::from_secs(25))
    );
    send(&mut h, c.sid, "x");
    assert_eq!(c.poll_now(&mut h), vec![text("x")]);
}

#[test]
fn upgrades_can_be_disabled() {
    let mut h = Harness::with_config(EioConfig {
        allow_upgrades: false,
        ..EioConfig::default()
    });
    let mut c = FakeClient::connect_polling(&mut h, PATH);
    assert!(c.handshake.upgrades.is_empty());
    let req = c.open_probe(&mut h);
    assert_eq!(h.take_response(req).unwrap().status(), 400);
}

#[test]
fn a_polling_transport_cannot_be_an_upgrade_target() {
    let (mut h, c) = setup();
    let req = h.http(
        Harness::meta(Method::GET, &c.uri("polling"), &[("upgrade", "websocket")]),
        HttpBody::empty(),
    );
    assert_eq!(h.take_response(req).unwrap().status(), 400);
}

#[test]
fn session_close_during_the_upgrade_closes_the_probe() {
    let (mut h, mut c) = setup();
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).unwrap();
    assert_eq!(c.post(&mut h, &[Packet::Close]).status(), 200);
    assert!(h.is_closed(conn));
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::ClientClose
        }]
    );
    assert_eq!(h.server.poll_timeout(), None);
}
