//! Connecting through the full Engine with wire bytes: auth, accept, reject, invalid
//! namespace, connect timeout, namespace limit, multiplexing.
#![cfg(feature = "testing")]

use std::time::Duration;

use socketio_engine::testing::sio_client::SioHarness;
use socketio_engine::{Event, UsageError};
use socketio_proto::Str;

#[test]
fn accept_with_auth() {
    let mut h = SioHarness::new(SioHarness::config());
    let c = h.open();
    h.send(c, r#"0{"token":"t1"}"#);
    let Some(Event::Connect(p)) = h.event() else {
        panic!()
    };
    assert_eq!(p.nsp(), "/");
    assert_eq!(p.auth().unwrap().as_str(), r#"{"token":"t1"}"#);
    assert_eq!(p.session(), c.sid);
    assert!(h.engine.handshake(p.session()).is_some());
    let id = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let name = h.engine.socket_name(id).unwrap();
    assert_eq!(h.take(c), [format!(r#"0{{"sid":"{name}"}}"#)]);
    assert_eq!(h.engine.socket_by_name(name.as_str()), Some(id));
    assert_eq!(h.engine.socket_session(id), Some(c.sid));
}

#[test]
fn reject_with_message_and_data() {
    let mut h = SioHarness::new(SioHarness::config());
    let c = h.open();
    h.send(c, "0");
    let Some(Event::Connect(p)) = h.event() else {
        panic!()
    };
    h.engine
        .reject_connect(
            h.now,
            p,
            "not authorized",
            Some(serde_json::json!({"code": 7})),
        )
        .unwrap();
    h.drive();
    assert_eq!(
        h.take(c),
        [r#"4{"message":"not authorized","data":{"code":7}}"#]
    );
    assert_eq!(h.engine.socket_count(), 0);
    // The session stays: the client may retry.
    let s = h.join_ns(c, "/", "");
    assert_eq!(h.engine.socket_count(), 1);
    assert!(h.engine.socket_name(s).is_some());
}

#[test]
fn invalid_namespace() {
    let mut h = SioHarness::new(SioHarness::config());
    let c = h.open();
    h.send(c, "0/nope,");
    assert!(h.event().is_none());
    assert_eq!(h.take(c), [r#"4/nope,{"message":"Invalid namespace"}"#]);
    assert!(!h.is_closed(c));
}

#[test]
fn one_session_multiplexes_namespaces() {
    let mut cfg = SioHarness::config();
    cfg.sio.namespaces(["/", "/chat", "/admin"].map(Str::from));
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    let a = h.join_ns(c, "/", "");
    let b = h.join_ns(c, "/chat", "");
    let d = h.join_ns(c, "/admin", r#"{"k":1}"#);
    assert_eq!(h.engine.socket_count(), 3);
    for s in [a, b, d] {
        assert_eq!(h.engine.socket_session(s), Some(c.sid));
    }
    assert_eq!(h.engine.socket_nsp(b).unwrap(), "/chat");
}

#[test]
fn connect_timeout_closes_idle_session() {
    let mut cfg = SioHarness::config();
    cfg.sio.connect_timeout(Duration::from_millis(45_000));
    // Keep pings out of the way of the connect deadline.
    cfg.eio.ping_interval = Duration::from_secs(300);
    let mut h = SioHarness::new(cfg);
    let idle = h.open();
    let (busy, _) = h.client("/");
    h.advance(Duration::from_millis(44_999));
    assert!(!h.is_closed(idle));
    h.advance(Duration::from_millis(1));
    assert!(h.is_closed(idle), "no namespace after connect_timeout");
    assert!(!h.is_closed(busy));
}

#[test]
fn pending_connect_does_not_stop_connect_timeout() {
    let mut cfg = SioHarness::config();
    cfg.sio.connect_timeout(Duration::from_secs(1));
    cfg.eio.ping_interval = Duration::from_secs(300);
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    h.send(c, "0");
    let Some(Event::Connect(p)) = h.event() else {
        panic!()
    };
    h.advance(Duration::from_secs(1));
    assert!(h.is_closed(c));
    assert_eq!(
        h.engine.accept_connect(h.now, p).unwrap_err(),
        UsageError::ConnectNotPending
    );
}

#[test]
fn max_namespaces_per_session() {
    let mut cfg = SioHarness::config();
    cfg.sio
        .namespaces(["/", "/a", "/b"].map(Str::from))
        .max_namespaces_per_session(2);
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    h.join_ns(c, "/", "");
    h.join_ns(c, "/a", "");
    h.send(c, "0/b,");
    assert!(h.event().is_none());
    assert_eq!(h.take(c), [r#"4/b,{"message":"Too many namespaces"}"#]);
}

#[test]
fn dynamic_namespaces_and_their_cap() {
    let mut cfg = SioHarness::config();
    cfg.sio
        .dynamic_namespaces(|n| n.starts_with("/team-"))
        .max_dynamic_namespaces(1);
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    let s = h.join_ns(c, "/team-1", "");
    assert_eq!(h.engine.socket_nsp(s).unwrap(), "/team-1");
    h.send(c, "0/team-2,");
    assert_eq!(h.take(c), [r#"4/team-2,{"message":"Invalid namespace"}"#]);
}
