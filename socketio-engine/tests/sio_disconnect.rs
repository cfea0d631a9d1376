//! Disconnects from either side, per namespace or whole session, with typed reasons;
//! malformed packets close only their session; shutdown.
#![cfg(feature = "testing")]

use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{DisconnectReason, Event};
use socketio_proto::Str;

fn reason(h: &mut SioHarness) -> DisconnectReason {
    loop {
        match h.event() {
            Some(Event::Disconnect { reason, .. }) => return reason,
            Some(_) => {}
            None => panic!("no disconnect event"),
        }
    }
}

#[test]
fn client_namespace_disconnect_keeps_session() {
    let mut cfg = SioHarness::config();
    cfg.sio.namespaces(["/", "/a"].map(Str::from));
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    let root = h.join_ns(c, "/", "");
    let a = h.join_ns(c, "/a", "");
    h.engine.join(a, "room").unwrap();
    let name = h.engine.socket_name(a).unwrap();
    h.send(c, "1/a,");
    let Some(Event::Disconnect {
        socket,
        nsp,
        reason,
        rooms,
    }) = h.event()
    else {
        panic!()
    };
    assert_eq!((socket, nsp.as_str()), (a, "/a"));
    // The rooms it was in, own id first, for the application's last look.
    assert_eq!(rooms, [Str::from(name.as_str()), Str::from("room")]);
    assert!(h.engine.rooms(a).is_err(), "no longer in any room");
    assert_eq!(reason, DisconnectReason::ClientNamespaceDisconnect);
    assert_eq!(reason.as_str(), "client namespace disconnect");
    assert!(!h.is_closed(c));
    assert!(
        h.engine
            .emit(h.now, root, "still", &args("[]"), vec![])
            .is_ok()
    );
}

#[test]
fn server_namespace_disconnect() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/");
    h.engine.disconnect(h.now, s).unwrap();
    h.drive();
    assert_eq!(h.take(c), ["1"]);
    assert_eq!(reason(&mut h), DisconnectReason::ServerNamespaceDisconnect);
    assert!(!h.is_closed(c));
}

#[test]
fn server_session_disconnect_closes_transport() {
    let mut cfg = SioHarness::config();
    cfg.sio.namespaces(["/", "/a"].map(Str::from));
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    let s = h.join_ns(c, "/", "");
    h.join_ns(c, "/a", "");
    h.engine.disconnect_session(h.now, s).unwrap();
    h.drive();
    assert_eq!(reason(&mut h), DisconnectReason::ServerNamespaceDisconnect);
    assert_eq!(reason(&mut h), DisconnectReason::ServerNamespaceDisconnect);
    assert!(h.is_closed(c));
    assert_eq!(h.engine.socket_count(), 0);
}

#[test]
fn transport_close_reason() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, _) = h.client("/");
    h.close_ws(c);
    assert_eq!(reason(&mut h), DisconnectReason::TransportClose);
    assert_eq!(h.engine.socket_count(), 0);
}

#[test]
fn client_engine_close_packet_is_transport_close() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, _) = h.client("/");
    h.send_raw(c, "1");
    assert_eq!(reason(&mut h), DisconnectReason::TransportClose);
}

#[test]
fn ping_timeout_reason() {
    let mut h = SioHarness::new(SioHarness::config());
    let (_c, _) = h.client("/");
    // Never answer pings: ping_interval + ping_timeout later the session is gone.
    h.advance(std::time::Duration::from_secs(60));
    assert_eq!(reason(&mut h), DisconnectReason::PingTimeout);
}

#[test]
fn malformed_packet_closes_only_that_session() {
    let mut h = SioHarness::new(SioHarness::config());
    let (bad, _) = h.client("/");
    let (good, gs) = h.client("/");
    h.send(bad, r#"2["unterminated"#);
    assert_eq!(reason(&mut h), DisconnectReason::ParseError);
    assert!(h.is_closed(bad));
    assert!(!h.is_closed(good));
    h.send(good, r#"2["fine"]"#);
    assert!(matches!(h.event(), Some(Event::Message { socket, .. }) if socket == gs));
}

#[test]
fn unexpected_binary_is_a_parse_error() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, _) = h.client("/");
    h.send_binary(c, b"stray");
    assert_eq!(reason(&mut h), DisconnectReason::ParseError);
    assert!(h.is_closed(c));
}

#[test]
fn event_on_unconnected_namespace_is_a_protocol_violation() {
    let mut cfg = SioHarness::config();
    cfg.sio.namespaces(["/", "/a"].map(Str::from));
    let mut h = SioHarness::new(cfg);
    let (c, _) = h.client("/");
    h.send(c, r#"2/a,["x"]"#);
    assert_eq!(reason(&mut h), DisconnectReason::ProtocolViolation);
    assert!(h.is_closed(c));
}

#[test]
fn close_all_sends_disconnect_with_shutdown_reason() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c1, _) = h.client("/");
    let (c2, _) = h.client("/");
    h.engine.close_all(h.now);
    h.drive();
    assert_eq!(h.take(c1).first().map(String::as_str), Some("1"));
    assert_eq!(h.take(c2).first().map(String::as_str), Some("1"));
    assert_eq!(reason(&mut h), DisconnectReason::ServerShuttingDown);
    assert_eq!(reason(&mut h), DisconnectReason::ServerShuttingDown);
    assert!(h.is_closed(c1) && h.is_closed(c2));
}
