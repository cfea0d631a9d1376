//! JSONP long-polling (`j=<index>`), as engine.io serves browsers without CORS-capable XHR:
//! GETs answered as `___eio[j]("<payload>");`, POSTs as forms with the payload in `d`.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use socketio_engine::eio::{CloseReason, EioConfig, EioEvent, Message, Packet, ProtocolVersion};
use socketio_engine::testing::Harness;
use socketio_engine::{HttpBody, Sid};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

const PATH: &str = "/engine.io/";

fn harness() -> Harness {
    Harness::with_config(EioConfig {
        path: PATH.to_owned(),
        allow_eio3: true,
        ..EioConfig::default()
    })
}

fn get(h: &mut Harness, query: &str) -> http::Response<Bytes> {
    let req = h.http(
        Harness::meta(Method::GET, &format!("{PATH}?{query}"), &[]),
        HttpBody::Complete(Bytes::new()),
    );
    h.take_response(req).expect("answered at once")
}

/// A JSONP handshake with index `j`: the sid, and the script's body.
fn open(h: &mut Harness, eio: u8, j: &str) -> (Sid, String) {
    let res = get(h, &format!("EIO={eio}&transport=polling&j={j}"));
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=UTF-8"
    );
    let body = String::from_utf8(res.body().to_vec()).unwrap();
    let start = body
        .find("\\\"sid\\\":\\\"")
        .expect("sid in the open packet")
        + 10;
    let sid = body[start..start + 20].parse().unwrap();
    assert_eq!(h.take_events(), vec![EioEvent::Open { sid }]);
    (sid, body)
}

fn post_form(h: &mut Harness, sid: Sid, eio: u8, form: &str) -> http::Response<Bytes> {
    let uri = format!("{PATH}?EIO={eio}&transport=polling&j=0&sid={sid}");
    let meta = Harness::meta(
        Method::POST,
        &uri,
        &[("content-type", "application/x-www-form-urlencoded")],
    );
    let req = h.http(meta, HttpBody::Complete(Bytes::from(form.to_owned())));
    h.take_response(req).expect("answered at once")
}

fn assert_parse_error_closed(h: &mut Harness, sid: Sid) {
    let closed = EioEvent::Close {
        sid,
        reason: CloseReason::ParseError,
    };
    assert_eq!(h.take_events(), vec![closed]);
}

#[test]
fn v3_handshake_is_a_script_calling_the_index() {
    let mut h = harness();
    let (_, body) = open(&mut h, 3, "7");
    assert!(body.starts_with("___eio[7](\""), "{body}");
    assert!(body.ends_with("\");"), "{body}");
    // The v3 text payload `<length>:0{...}` as a JavaScript string literal.
    assert!(body.contains(":0{\\\"sid\\\":"), "{body}");
}

#[test]
fn v4_handshake_is_a_script_too() {
    let mut h = harness();
    let (_, body) = open(&mut h, 4, "0");
    assert!(body.starts_with("___eio[0](\"0{\\\"sid\\\":"), "{body}");
}

#[test]
fn get_delivers_text_and_base64_binary_in_the_script() {
    let mut h = harness();
    let (sid, _) = open(&mut h, 3, "1");
    h.server
        .send(h.now, sid, Frame::Text(Str::from("4h\u{e9}\"\u{2028}")))
        .unwrap();
    h.server
        .send(
            h.now,
            sid,
            Packet::Message(Message::Binary(Bytes::from_static(&[1, 2, 3])))
                .encode(ProtocolVersion::V3),
        )
        .unwrap();
    let res = get(&mut h, &format!("EIO=3&transport=polling&j=1&sid={sid}"));
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=UTF-8"
    );
    // Lengths in UTF-16 units; quote and U+2028 escaped; binary as `b4` base64 in text.
    assert_eq!(
        res.body(),
        "___eio[1](\"5:4h\u{e9}\\\"\\u2028|6:b4AQID\");"
            .replace('|', "")
            .as_str()
    );
}

#[test]
fn post_form_brings_packets_with_newlines_unescaped() {
    let mut h = harness();
    let (sid, _) = open(&mut h, 3, "2");
    // engine.io-client escapes newlines as `\n` before form-encoding; `\\n` is a literal
    // backslash-n.
    // The lengths count the packets before escaping, as the client computes them.
    let payload = "6:4a\\nb\\\\n4:4%C3%A9+x";
    let res = post_form(&mut h, sid, 3, &format!("d={payload}"));
    assert_eq!(res.status(), 200);
    assert_eq!(res.body(), "ok");
    assert_eq!(
        h.take_messages(),
        ["a\nb\\n", "\u{e9} x"],
        "form decoding, then the client's newline escapes undone"
    );
}

#[test]
fn v4_post_form_uses_the_v4_payload() {
    let mut h = harness();
    let (sid, _) = open(&mut h, 4, "3");
    let res = post_form(&mut h, sid, 4, "d=4one%1E4two");
    assert_eq!(res.status(), 200);
    assert_eq!(h.take_messages(), ["one", "two"]);
}

#[test]
fn a_form_without_d_is_a_parse_error_that_closes_the_session() {
    let mut h = harness();
    let (sid, _) = open(&mut h, 3, "4");
    let res = post_form(&mut h, sid, 3, "x=1");
    assert_eq!(res.status(), 400);
    assert_parse_error_closed(&mut h, sid);
}

#[test]
fn a_payload_whose_length_lies_is_a_parse_error() {
    let mut h = harness();
    let (sid, _) = open(&mut h, 3, "5");
    let res = post_form(&mut h, sid, 3, "d=9:4hi");
    assert_eq!(res.status(), 400);
    assert_parse_error_closed(&mut h, sid);
}

#[test]
fn an_index_that_is_not_a_number_is_refused_at_the_handshake() {
    let mut h = harness();
    for j in ["", "x", "1);alert(1", "01", "99999999999", "-1"] {
        let res = get(&mut h, &format!("EIO=3&transport=polling&j={j}"));
        assert_eq!(res.status(), 400, "j={j}");
        assert_eq!(res.body(), r#"{"code":3,"message":"Bad request"}"#, "j={j}");
    }
    assert!(h.take_events().is_empty(), "no session opened");
}

#[test]
fn the_parked_get_of_a_jsonp_session_is_released_as_a_script_on_close() {
    let mut h = harness();
    let (sid, _) = open(&mut h, 3, "6");
    let req = h.http(
        Harness::meta(
            Method::GET,
            &format!("{PATH}?EIO=3&transport=polling&j=6&sid={sid}"),
            &[],
        ),
        HttpBody::Complete(Bytes::new()),
    );
    assert!(!h.is_answered(req));
    // The v3 client pings; past ping interval + timeout without one, the session ends and
    // the parked GET gets the close packet, still wrapped for the script tag.
    h.advance(Duration::from_secs(60));
    assert_eq!(h.take_response(req).unwrap().body(), "___eio[6](\"1:1\");");
    assert!(h.take_events().contains(&EioEvent::Close {
        sid,
        reason: CloseReason::PingTimeout
    }));
}
