//! Handshakes, node's error answers, and the handshake-time limits and hooks.

use std::sync::Arc;

use http::Method;
use socketio_engine::eio::{CookieConfig, EioConfig, EioEvent, Generation, Packet, Transports};
use socketio_engine::testing::{FakeClient, Harness, decode_payload};
use socketio_engine::{HttpBody, Sid};

const PATH: &str = "/engine.io/";

fn get(h: &mut Harness, uri: &str, headers: &[(&str, &str)]) -> http::Response<bytes::Bytes> {
    let req = h.http(Harness::meta(Method::GET, uri, headers), HttpBody::empty());
    h.take_response(req).expect("answered at once")
}

fn ws(h: &mut Harness, uri: &str) -> http::Response<bytes::Bytes> {
    get(h, uri, &[("upgrade", "websocket")])
}

fn assert_error(res: &http::Response<bytes::Bytes>, status: u16, body: &str) {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.body(), body);
}

#[test]
fn polling_handshake_sends_the_open_packet_with_node_defaults() {
    let mut h = Harness::default_seeded();
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling&t=abc", &[]);
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=UTF-8");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no cookie by default"
    );
    let packets = decode_payload(res.body().clone());
    let [Packet::Open(json)] = packets.as_slice() else {
        panic!("{packets:?}")
    };
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let sid: Sid = v["sid"].as_str().unwrap().parse().unwrap();
    assert_eq!(v["upgrades"], serde_json::json!(["websocket"]));
    assert_eq!(v["pingInterval"], 25000);
    assert_eq!(v["pingTimeout"], 20000);
    assert_eq!(v["maxPayload"], 1_000_000);
    assert_eq!(h.take_events(), vec![EioEvent::Open { sid }]);
    assert_eq!(h.server.generation(sid), Some(Generation::Eio4));
    let info = h.server.handshake(sid).unwrap();
    assert_eq!(info.query_param("t").as_deref(), Some("abc"));
    assert_eq!(info.issued, h.now);
}

#[test]
fn websocket_handshake_accepts_then_sends_open_first() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    assert!(c.handshake.upgrades.is_empty(), "nothing to upgrade to");
    assert_eq!(h.take_events(), vec![EioEvent::Open { sid: c.sid }]);
    assert!(h.server.is_writable(c.sid));
    // Transcript: accept, open frame, then the event, in that order.
    assert!(
        h.transcript[0].starts_with("accept 1 as 2"),
        "{:?}",
        h.transcript
    );
    assert!(h.transcript[1].starts_with("ws 2 0{"), "{:?}", h.transcript);
    assert!(
        h.transcript[2].starts_with("event Open"),
        "{:?}",
        h.transcript
    );
}

#[test]
fn sids_are_unique_and_seeded_runs_repeat() {
    let mut a = Harness::default_seeded();
    let mut b = Harness::default_seeded();
    let a1 = FakeClient::connect_polling(&mut a, PATH).sid;
    let a2 = FakeClient::connect_polling(&mut a, PATH).sid;
    assert_ne!(a1, a2);
    assert_eq!(FakeClient::connect_polling(&mut b, PATH).sid, a1);
    let mut unseeded = Harness::with_config(EioConfig::default());
    assert_ne!(FakeClient::connect_polling(&mut unseeded, PATH).sid, a1);
}

#[test]
fn unknown_transport_is_code_0() {
    let mut h = Harness::default_seeded();
    for uri in [
        "/engine.io/?EIO=4&transport=carrier-pigeon",
        "/engine.io/?EIO=4",
        "/engine.io/?EIO=4&transport=webtransport",
    ] {
        let res = get(&mut h, uri, &[]);
        assert_error(&res, 400, r#"{"code":0,"message":"Transport unknown"}"#);
    }
    let mut h = Harness::with_config(EioConfig {
        transports: Transports {
            polling: false,
            websocket: true,
        },
        ..EioConfig::default()
    });
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    assert_error(&res, 400, r#"{"code":0,"message":"Transport unknown"}"#);
}

#[test]
fn unknown_sid_is_code_1() {
    let mut h = Harness::default_seeded();
    for sid in ["AAAAAAAAAAAAAAAAAAAA", "not-a-sid"] {
        let res = get(
            &mut h,
            &format!("/engine.io/?EIO=4&transport=polling&sid={sid}"),
            &[],
        );
        assert_error(&res, 400, r#"{"code":1,"message":"Session ID unknown"}"#);
    }
}

#[test]
fn bad_handshake_method_is_code_2() {
    let mut h = Harness::default_seeded();
    let req = h.http(
        Harness::meta(Method::POST, "/engine.io/?EIO=4&transport=polling", &[]),
        HttpBody::empty(),
    );
    let res = h.take_response(req).unwrap();
    assert_error(&res, 400, r#"{"code":2,"message":"Bad handshake method"}"#);
    // Without CORS an OPTIONS handshake is just a bad method too, as in node.
    let req = h.http(
        Harness::meta(Method::OPTIONS, "/engine.io/?EIO=4&transport=polling", &[]),
        HttpBody::empty(),
    );
    assert_eq!(h.take_response(req).unwrap().status(), 400);
}

#[test]
fn bad_requests_are_code_3() {
    let mut h = Harness::default_seeded();
    // transport=websocket without the upgrade header.
    let res = get(&mut h, "/engine.io/?EIO=4&transport=websocket", &[]);
    assert_error(&res, 400, r#"{"code":3,"message":"Bad request"}"#);
    // A polling request naming a WebSocket session (transport mismatch).
    let c = FakeClient::connect_websocket(&mut h, PATH);
    let res = get(&mut h, &c.uri("polling"), &[]);
    assert_error(&res, 400, r#"{"code":3,"message":"Bad request"}"#);
    assert_eq!(h.server.session_count(), 1, "the session is unaffected");
}

#[test]
fn eio3_is_code_5_unless_allowed() {
    let mut h = Harness::default_seeded();
    for uri in [
        "/engine.io/?EIO=3&transport=polling",
        "/engine.io/?transport=polling",
        "/engine.io/?EIO=5&transport=polling",
    ] {
        let res = get(&mut h, uri, &[]);
        assert_error(
            &res,
            400,
            r#"{"code":5,"message":"Unsupported protocol version"}"#,
        );
    }
    let mut h = Harness::with_config(EioConfig {
        allow_eio3: true,
        ..EioConfig::default()
    });
    let res = get(&mut h, "/engine.io/?EIO=3&transport=polling", &[]);
    assert_eq!(res.status(), 200);
    let Some(EioEvent::Open { sid }) = h.take_events().pop() else {
        panic!("no open")
    };
    assert_eq!(h.server.generation(sid), Some(Generation::Eio3));
    // v3 text payload: <length>:<packet>.
    let body = std::str::from_utf8(res.body()).unwrap();
    assert!(body.contains(":0{\"sid\""), "{body}");
}

#[test]
fn websocket_request_refusals_are_plain_400_as_node_abort_upgrade() {
    let mut h = Harness::default_seeded();
    let res = ws(&mut h, "/engine.io/?EIO=3&transport=websocket");
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "text/html");
    assert_eq!(res.body(), "Unsupported protocol version");
    let res = ws(
        &mut h,
        "/engine.io/?EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA",
    );
    assert_eq!(res.body(), "Session ID unknown");
}

#[test]
fn allow_request_hook_refuses_with_403_code_4() {
    let mut h = Harness::with_config(EioConfig {
        allow_request: Some(Arc::new(|meta| {
            if meta.headers.contains_key("x-token") {
                Ok(())
            } else {
                Err((403, String::new()))
            }
        })),
        ..EioConfig::default()
    });
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    assert_error(&res, 403, r#"{"code":4,"message":"Forbidden"}"#);
    let res = get(
        &mut h,
        "/engine.io/?EIO=4&transport=polling",
        &[("x-token", "1")],
    );
    assert_eq!(res.status(), 200);
}

#[test]
fn allow_request_message_is_passed_through() {
    let mut h = Harness::with_config(EioConfig {
        allow_request: Some(Arc::new(|_| Err((403, "no entry".to_owned())))),
        ..EioConfig::default()
    });
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    assert_error(&res, 403, r#"{"code":4,"message":"no entry"}"#);
}

#[test]
fn limit_max_sessions_answers_503() {
    let mut h = Harness::with_config(EioConfig {
        max_sessions: 2,
        ..EioConfig::default()
    });
    let a = FakeClient::connect_polling(&mut h, PATH);
    let _b = FakeClient::connect_polling(&mut h, PATH);
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    assert_error(&res, 503, r#"{"code":3,"message":"Too many sessions"}"#);
    h.server.close(h.now, a.sid);
    h.drive();
    // A closing polling session holds its slot until its last GET took the close packet.
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    assert_eq!(res.status(), 503);
    assert_eq!(a.poll_now(&mut h), vec![Packet::Close]);
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    assert_eq!(res.status(), 200, "room again once a session left");
}

#[test]
fn other_paths_are_404() {
    let mut h = Harness::default_seeded();
    let res = get(&mut h, "/socket.io/?EIO=4&transport=polling", &[]);
    assert_eq!(res.status(), 404);
    let mut h = Harness::with_config(EioConfig {
        path: "/socket.io/".to_owned(),
        ..EioConfig::default()
    });
    FakeClient::connect_polling(&mut h, "/socket.io/");
}

#[test]
fn cookie_is_set_on_the_polling_handshake_only() {
    let mut h = Harness::with_config(EioConfig {
        cookie: Some(CookieConfig::default()),
        ..EioConfig::default()
    });
    let res = get(&mut h, "/engine.io/?EIO=4&transport=polling", &[]);
    let Some(EioEvent::Open { sid }) = h.take_events().pop() else {
        panic!("no open")
    };
    assert_eq!(
        res.headers()["set-cookie"],
        format!("io={sid}; Path=/; HttpOnly; SameSite=Lax").as_str()
    );
    h.server
        .send(h.now, sid, socketio_proto::eio::Frame::Text("4x".into()))
        .unwrap();
    let req = h.http(
        Harness::meta(
            Method::GET,
            &format!("/engine.io/?EIO=4&transport=polling&sid={sid}"),
            &[],
        ),
        HttpBody::empty(),
    );
    let res = h.take_response(req).unwrap();
    assert_eq!(res.body(), "4x");
    assert!(res.headers().get("set-cookie").is_none());
}
