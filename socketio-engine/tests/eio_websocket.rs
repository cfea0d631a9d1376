//! WebSocket sessions: frames in, frames out, and how they end.

use bytes::Bytes;
use socketio_engine::WsMessage;
use socketio_engine::eio::{CloseReason, EioConfig, EioEvent, Message, Packet};
use socketio_engine::testing::{FakeClient, Harness, text};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

const PATH: &str = "/engine.io/";

fn setup() -> (Harness, FakeClient) {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    (h, c)
}

fn closed(sid: socketio_engine::Sid, reason: CloseReason) -> Vec<EioEvent> {
    vec![EioEvent::Close { sid, reason }]
}

#[test]
fn text_and_binary_both_ways() {
    let (mut h, c) = setup();
    c.ws_send(&mut h, &text("hi"));
    c.ws_send(
        &mut h,
        &Packet::Message(Message::Binary(Bytes::from_static(&[9, 8]))),
    );
    assert_eq!(
        h.take_events(),
        vec![
            EioEvent::Message {
                sid: c.sid,
                message: Message::Text(Str::from("hi"))
            },
            EioEvent::Message {
                sid: c.sid,
                message: Message::Binary(Bytes::from_static(&[9, 8]))
            },
        ]
    );
    let bin = Frame::Binary(Bytes::from_static(&[1]));
    h.server
        .send(h.now, c.sid, Frame::Text("4yo".into()))
        .unwrap();
    h.server.send(h.now, c.sid, bin.clone()).unwrap();
    h.drive();
    assert_eq!(
        h.take_ws(c.conn.unwrap()),
        vec![Frame::Text("4yo".into()), bin]
    );
    assert_eq!(
        h.server.queued_bytes(c.sid),
        0,
        "nothing waits in the outbox"
    );
}

#[test]
fn garbage_closes_with_parse_error() {
    let (mut h, c) = setup();
    let conn = c.conn.unwrap();
    h.ws_message(conn, WsMessage::Text(Str::from("")));
    assert_eq!(h.take_events(), closed(c.sid, CloseReason::ParseError));
    assert!(h.is_closed(conn));
    // Later traffic on the dead connection is ignored.
    h.server
        .handle_ws_message(h.now, conn, WsMessage::Text(Str::from("4x")));
    h.drive();
    assert!(h.take_events().is_empty());
}

#[test]
fn unknown_packet_type_is_a_parse_error() {
    let (mut h, c) = setup();
    h.ws_message(c.conn.unwrap(), WsMessage::Text(Str::from("9")));
    assert_eq!(h.take_events(), closed(c.sid, CloseReason::ParseError));
}

#[test]
fn transport_close_when_the_socket_goes_away() {
    let (mut h, c) = setup();
    let conn = c.conn.unwrap();
    h.ws_closed(conn);
    assert_eq!(h.take_events(), closed(c.sid, CloseReason::TransportClose));
    assert_eq!(h.server.poll_timeout(), None);
    assert_eq!(h.server.session_count(), 0);
}

#[test]
fn client_close_packet_closes_cleanly() {
    let (mut h, c) = setup();
    c.ws_send(&mut h, &Packet::Close);
    assert_eq!(h.take_events(), closed(c.sid, CloseReason::ClientClose));
    assert!(h.is_closed(c.conn.unwrap()));
}

#[test]
fn server_close_closes_the_socket() {
    let (mut h, c) = setup();
    h.server.close(h.now, c.sid);
    h.server.close(h.now, c.sid); // idempotent
    h.drive();
    assert_eq!(h.take_events(), closed(c.sid, CloseReason::ServerClose));
    assert!(h.is_closed(c.conn.unwrap()));
}

#[test]
fn limit_max_http_buffer_size_applies_to_websocket_messages() {
    let mut h = Harness::with_config(EioConfig {
        max_http_buffer_size: 4,
        ..EioConfig::default()
    });
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    c.ws_send(&mut h, &text("abc")); // "4abc": 4 bytes, fits
    c.ws_send(&mut h, &text("abcd"));
    let events = h.take_events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[1],
        EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::PayloadTooLarge
        }
    );
}
