//! CORS: preflight answers and the headers on every polling response.

use http::Method;
use socketio_engine::HttpBody;
use socketio_engine::eio::{CorsConfig, CorsOrigin, EioConfig};
use socketio_engine::testing::{FakeClient, Harness};

const ORIGIN: &str = "https://app.example";

fn harness(origin: CorsOrigin, credentials: bool) -> Harness {
    Harness::with_config(EioConfig {
        cors: Some(CorsConfig {
            origin,
            credentials,
            max_age: Some(86400),
            ..CorsConfig::default()
        }),
        ..EioConfig::default()
    })
}

fn request(
    h: &mut Harness,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
) -> http::Response<bytes::Bytes> {
    let req = h.http(Harness::meta(method, uri, headers), HttpBody::empty());
    h.take_response(req).unwrap()
}

#[test]
fn preflight_is_answered_204_before_validation() {
    let mut h = harness(CorsOrigin::Mirror, true);
    let res = request(
        &mut h,
        Method::OPTIONS,
        "/engine.io/?EIO=4&transport=polling",
        &[
            ("origin", ORIGIN),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
    );
    assert_eq!(res.status(), 204);
    let hd = res.headers();
    assert_eq!(hd["access-control-allow-origin"], ORIGIN);
    assert_eq!(hd["access-control-allow-credentials"], "true");
    assert_eq!(
        hd["access-control-allow-methods"],
        "GET,HEAD,PUT,PATCH,POST,DELETE"
    );
    assert_eq!(hd["access-control-allow-headers"], "content-type");
    assert_eq!(hd["access-control-max-age"], "86400");
    assert_eq!(hd["content-length"], "0");
    assert!(res.body().is_empty());
    assert_eq!(h.server.session_count(), 0);
}

#[test]
fn every_polling_response_carries_cors_headers() {
    let mut h = harness(CorsOrigin::List(vec![ORIGIN.to_owned()]), true);
    let hs = [("origin", ORIGIN)];
    // Handshake.
    let res = request(
        &mut h,
        Method::GET,
        "/engine.io/?EIO=4&transport=polling",
        &hs,
    );
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(res.headers()["vary"], "Origin");
    // Errors too, as node's cors middleware runs first.
    let res = request(&mut h, Method::GET, "/engine.io/?EIO=4&transport=nope", &hs);
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    // A parked GET answered later still uses its own request's origin.
    let c = FakeClient::connect_polling(&mut h, "/engine.io/");
    let req = h.http(
        Harness::meta(Method::GET, &c.uri("polling"), &hs),
        HttpBody::empty(),
    );
    h.server
        .send(h.now, c.sid, socketio_proto::eio::Frame::Text("4x".into()))
        .unwrap();
    h.drive();
    let res = h.take_response(req).unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(res.headers()["access-control-allow-credentials"], "true");
    // POST "ok".
    let req = h.http(
        Harness::meta(Method::POST, &c.uri("polling"), &hs),
        HttpBody::Complete(bytes::Bytes::from_static(b"4hi")),
    );
    let res = h.take_response(req).unwrap();
    assert_eq!(res.body(), "ok");
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
}

#[test]
fn a_foreign_origin_gets_no_allow_origin() {
    let mut h = harness(CorsOrigin::List(vec![ORIGIN.to_owned()]), false);
    let res = request(
        &mut h,
        Method::GET,
        "/engine.io/?EIO=4&transport=polling",
        &[("origin", "https://evil.example")],
    );
    assert!(res.headers().get("access-control-allow-origin").is_none());
    assert!(
        res.headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
}

#[test]
fn any_origin_is_a_star() {
    let mut h = harness(CorsOrigin::Any, false);
    let res = request(
        &mut h,
        Method::GET,
        "/engine.io/?EIO=4&transport=polling",
        &[("origin", ORIGIN)],
    );
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}

#[test]
fn no_cors_config_means_no_cors_headers() {
    let mut h = Harness::default_seeded();
    let res = request(
        &mut h,
        Method::GET,
        "/engine.io/?EIO=4&transport=polling",
        &[("origin", ORIGIN)],
    );
    assert!(res.headers().get("access-control-allow-origin").is_none());
}
