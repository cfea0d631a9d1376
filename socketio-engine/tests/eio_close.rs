//! Server-side close: queued frames are delivered before the close packet.

use std::time::Duration;

use socketio_engine::eio::{CloseReason, EioEvent, Packet, SendError};
use socketio_engine::testing::{FakeClient, Harness, text};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

const PATH: &str = "/engine.io/";

fn closed(sid: socketio_engine::Sid) -> Vec<EioEvent> {
    vec![EioEvent::Close {
        sid,
        reason: CloseReason::ServerClose,
    }]
}

fn setup() -> (Harness, FakeClient) {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    h.take_events();
    (h, c)
}

#[test]
fn close_with_a_parked_get_sends_the_queue_then_close() {
    let (mut h, c) = setup();
    let req = c.get(&mut h);
    h.server
        .send(h.now, c.sid, Frame::Text(Str::from("4bye")))
        .unwrap();
    h.server.close(h.now, c.sid);
    h.drive();
    assert_eq!(
        FakeClient::packets_of(&mut h, req),
        Some(vec![text("bye"), Packet::Close])
    );
    assert_eq!(h.take_events(), closed(c.sid));
    assert_eq!(h.server.session_count(), 0);
    assert_eq!(h.server.poll_timeout(), None);
}

#[test]
fn close_without_a_get_waits_for_the_next_one() {
    let (mut h, c) = setup();
    h.server
        .send(h.now, c.sid, Frame::Text(Str::from("4bye")))
        .unwrap();
    h.server.close(h.now, c.sid);
    h.drive();
    assert_eq!(h.take_events(), closed(c.sid), "reported at once");
    assert_eq!(
        h.server.send(h.now, c.sid, Frame::Text(Str::from("4late"))),
        Err(SendError::Closing(c.sid))
    );
    assert!(!h.server.is_writable(c.sid));
    // A POST meanwhile is acknowledged and dropped, as node does.
    assert_eq!(c.post(&mut h, &[text("dropped")]).status(), 200);
    assert!(h.take_events().is_empty());
    assert_eq!(c.poll_now(&mut h), vec![text("bye"), Packet::Close]);
    assert_eq!(h.server.session_count(), 0);
    assert!(h.take_events().is_empty(), "Close is reported once");
}

#[test]
fn limit_polling_close_timeout_drops_a_closing_session() {
    let (mut h, c) = setup();
    h.server.close(h.now, c.sid);
    h.drive();
    h.take_events();
    h.advance(Duration::from_secs(30));
    assert_eq!(h.server.session_count(), 0);
    assert!(h.take_events().is_empty());
    let req = c.get(&mut h);
    assert_eq!(h.take_response(req).unwrap().status(), 400);
}

#[test]
fn close_all_closes_every_transport() {
    let mut h = Harness::default_seeded();
    let p = FakeClient::connect_polling(&mut h, PATH);
    let w = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    let parked = p.get(&mut h);
    h.server.close_all(h.now);
    h.drive();
    let mut events = h.take_events();
    events.sort_by_key(|e| format!("{e:?}"));
    let mut want = [closed(p.sid), closed(w.sid)].concat();
    want.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(events, want);
    assert_eq!(
        FakeClient::packets_of(&mut h, parked),
        Some(vec![Packet::Close])
    );
    assert!(h.is_closed(w.conn.unwrap()));
    assert_eq!(h.server.session_count(), 0);
}

#[test]
fn misuse_is_an_error_not_a_panic() {
    let (mut h, c) = setup();
    h.server.close(h.now, c.sid);
    let _ = c.poll_now(&mut h);
    assert_eq!(h.take_events(), closed(c.sid));
    let frame = Frame::Text(Str::from("4x"));
    assert_eq!(
        h.server.send(h.now, c.sid, frame),
        Err(SendError::UnknownSession(c.sid))
    );
    h.server.close(h.now, c.sid);
    h.server
        .handle_http_aborted(h.now, socketio_engine::RequestId::from_raw(999));
    h.server
        .handle_ws_closed(h.now, socketio_engine::ConnId::from_raw(999));
    h.drive();
    assert!(h.take_events().is_empty());
    assert!(h.server.handshake(c.sid).is_none());
    assert!(h.server.generation(c.sid).is_none());
}
