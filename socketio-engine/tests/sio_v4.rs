//! Socket.IO protocol v4 (`socket.io-client` 2.x over Engine.IO 3) connect semantics, as Node
//! applies them to `conn.protocol === 3`: the server connects `/` by itself when the session
//! opens, a namespace's query string is the request's auth object, a refusal is an ERROR
//! packet holding the error's data (or else its message), and CONNECT replies carry no sid.
#![cfg(feature = "testing")]

use std::time::Duration;

use serde_json::json;
use socketio_engine::EngineConfig;
use socketio_engine::testing::sio_client::{SioClient, SioHarness};
use socketio_proto::Str;

fn config() -> EngineConfig {
    let mut cfg = SioHarness::config();
    cfg.eio.allow_eio3 = true;
    cfg.sio.namespaces(["/", "/chat"].map(Str::from));
    cfg
}

/// A v4 session whose automatic `/` request the application accepted.
fn open_v4(h: &mut SioHarness) -> SioClient {
    let c = h.open_eio(3);
    let p = h.connect_request();
    assert_eq!(p.nsp(), "/");
    h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    assert_eq!(
        h.take(c),
        ["0"],
        "`/` connected with a bare CONNECT, no sid"
    );
    c
}

#[test]
fn the_default_namespace_is_connected_without_a_client_connect() {
    let mut h = SioHarness::new(config());
    let c = h.open_eio(3);
    // No CONNECT was sent: the request comes from the open itself, with no auth.
    let p = h.connect_request();
    assert_eq!(p.nsp(), "/");
    assert!(p.auth().is_none() && p.query().is_none());
    assert_eq!(p.session(), c.sid);
    let id = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    assert_eq!(h.take(c), ["0"]);
    assert_eq!(h.engine.socket_session(id), Some(c.sid));
    // connectTimeout (45 s) no longer applies: the session has a namespace. The v3 client
    // pings to keep the heartbeat alive meanwhile.
    for _ in 0..12 {
        h.advance(Duration::from_secs(10));
        h.send_raw(c, "2");
    }
    assert!(!h.is_closed(c));
    assert_eq!(
        h.take(c),
        vec!["eio:3"; 12].as_slice(),
        "every v3 ping answered with a pong"
    );
}

#[test]
fn a_v5_session_gets_no_automatic_connect() {
    let mut h = SioHarness::new(config());
    let _ = h.open();
    assert!(h.event().is_none());
}

#[test]
fn namespace_query_becomes_the_auth_object() {
    let mut h = SioHarness::new(config());
    let c = open_v4(&mut h);
    h.send(c, "0/chat?token=abc%20d&x=1&x=2,");
    let p = h.connect_request();
    assert_eq!(p.nsp(), "/chat");
    assert_eq!(p.query().map(Str::as_str), Some("token=abc%20d&x=1&x=2"));
    assert_eq!(p.query_param("token").as_deref(), Some("abc d"));
    let auth = p.auth().expect("query as auth").to_value().unwrap();
    assert_eq!(auth, json!({"token": "abc d", "x": ["1", "2"]}));
    h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    assert_eq!(h.take(c), ["0/chat,"], "a v4 CONNECT reply carries no sid");
}

#[test]
fn namespace_without_query_has_no_auth() {
    let mut h = SioHarness::new(config());
    let c = open_v4(&mut h);
    h.send(c, "0/chat,");
    let p = h.connect_request();
    assert!(p.auth().is_none() && p.query().is_none());
}

#[test]
fn refusal_carries_the_data_else_the_message() {
    let mut h = SioHarness::new(config());
    let c = h.open_eio(3);
    let p = h.connect_request();
    h.engine
        .reject_connect(
            h.now,
            p,
            "unauthorized",
            Some(json!({"reason": "bad token"})),
        )
        .unwrap();
    h.drive();
    assert_eq!(h.take(c), [r#"4{"reason":"bad token"}"#]);

    h.send(c, "0/chat,");
    let p = h.connect_request();
    h.engine
        .reject_connect(h.now, p, "unauthorized", None)
        .unwrap();
    h.drive();
    assert_eq!(h.take(c), [r#"4/chat,"unauthorized""#]);
}

#[test]
fn unknown_namespace_is_a_string_error() {
    let mut h = SioHarness::new(config());
    let c = open_v4(&mut h);
    h.send(c, "0/nope,");
    assert_eq!(h.take(c), [r#"4/nope,"Invalid namespace""#]);
    assert!(h.event().is_none());
}

#[test]
fn without_a_default_namespace_the_open_gets_invalid_namespace() {
    let mut cfg = config();
    cfg.sio.namespaces([Str::from("/chat")]);
    let mut h = SioHarness::new(cfg);
    let c = h.open_eio(3);
    assert_eq!(h.take(c), [r#"4"Invalid namespace""#]);
    // The client can still connect the namespaces that exist.
    h.send(c, "0/chat,");
    assert_eq!(h.connect_request().nsp(), "/chat");
}
