//! `Action::SessionEnded`: every way a session ends announces it exactly once (the harness
//! panics on a second announcement), at the moment the engine forgets the sid, so a driver
//! can cut a request body of that session it is still reading.

use std::time::Duration;

use socketio_engine::eio::{EioConfig, Packet};
use socketio_engine::testing::{FakeClient, Harness};

const PATH: &str = "/engine.io/";
const SEC: Duration = Duration::from_secs(1);

#[test]
fn a_close_packet_ends_the_session() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    assert!(h.take_ended().is_empty(), "an open session has not ended");
    assert_eq!(c.post(&mut h, &[Packet::Close]).status(), 200);
    assert_eq!(h.take_ended(), vec![c.sid]);
    assert_eq!(h.server.session_count(), 0);
}

#[test]
fn a_heartbeat_timeout_ends_the_session_at_its_deadline() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    h.advance(25 * SEC);
    assert_eq!(c.poll_now(&mut h), vec![Packet::Ping(Default::default())]);
    h.advance(20 * SEC - Duration::from_millis(1));
    assert!(h.take_ended().is_empty(), "alive until the pong deadline");
    h.advance(Duration::from_millis(1));
    assert_eq!(h.take_ended(), vec![c.sid]);
}

#[test]
fn a_closed_websocket_ends_its_session() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    let conn = c.conn.expect("a WebSocket session has a connection");
    h.ws_closed(conn);
    assert_eq!(h.take_ended(), vec![c.sid]);
}

#[test]
fn a_server_close_ends_the_session_when_it_is_forgotten() {
    let mut h = Harness::with_config(EioConfig {
        rng_seed: Some([7; 32]),
        polling_close_timeout: 5 * SEC,
        ..EioConfig::default()
    });
    let c = FakeClient::connect_polling(&mut h, PATH);
    // No GET waits: the session lingers to hand the close packet to the next one.
    h.server.close(h.now, c.sid);
    h.drive();
    assert!(h.take_ended().is_empty(), "still there for the next GET");
    h.advance(5 * SEC);
    assert_eq!(h.take_ended(), vec![c.sid], "gone at the close deadline");
}

#[test]
fn every_session_of_close_all_ends_once() {
    let mut h = Harness::default_seeded();
    let a = FakeClient::connect_websocket(&mut h, PATH);
    let b = FakeClient::connect_websocket(&mut h, PATH);
    h.server.close_all(h.now);
    h.drive();
    let mut ended = h.take_ended();
    ended.sort_by_key(ToString::to_string);
    let mut want = vec![a.sid, b.sid];
    want.sort_by_key(ToString::to_string);
    assert_eq!(ended, want);
}
