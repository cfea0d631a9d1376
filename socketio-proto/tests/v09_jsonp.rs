//! Socket.IO 0.9 `jsonp-polling`: `io.j[<i>](...)` responses and JSON-string POST bodies.

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::eio::jsonp::{JsonpError, JsonpIndex, decode_form_data};
use socketio_proto::v09::jsonp::{decode_post_body, wrap_response};
use socketio_proto::v09::{Handshake, Packet, PayloadLimits, decode_payload};

fn post(body: &str) -> Result<String, JsonpError> {
    decode_post_body(&Bytes::copy_from_slice(body.as_bytes())).map(|s| s.to_string())
}

#[test]
fn handshake_and_payload_responses() {
    let hs = Handshake::parse(&Str::from("4d4f185e96a7b:15:25:jsonp-polling")).unwrap();
    let j = JsonpIndex::parse("0").unwrap();
    assert_eq!(
        &wrap_response(j, &hs.encode().unwrap())[..],
        b"io.j[0](\"4d4f185e96a7b:15:25:jsonp-polling\");"
    );
    let j = JsonpIndex::parse("12").unwrap();
    assert_eq!(
        std::str::from_utf8(&wrap_response(
            j,
            "\u{fffd}3\u{fffd}2::\u{fffd}9\u{fffd}3:::a\"\n\u{2028}"
        ))
        .unwrap(),
        "io.j[12](\"\u{fffd}3\u{fffd}2::\u{fffd}9\u{fffd}3:::a\\\"\\n\\u2028\");"
    );
}

#[test]
fn post_bodies() {
    // The client posts `d=JSON.stringify(payload)`, form-encoded.
    assert_eq!(post("d=%222%3A%3A%22").unwrap(), "2::");
    assert_eq!(post("d=\"3:::a\\nb\"").unwrap(), "3:::a\nb");
    assert_eq!(post("d=%223%3A%3A%3A%5Cu00e9%22").unwrap(), "3:::é");
    let payload = post("d=%22%EF%BF%BD3%EF%BF%BD2%3A%3A%EF%BF%BD3%EF%BF%BD8%3A%3A%22").unwrap();
    assert_eq!(
        decode_payload(&Str::from(payload), &PayloadLimits::default()).unwrap(),
        [Packet::heartbeat(), Packet::noop()]
    );
    // No newline unescaping here: that is Engine.IO 3's scheme, not 0.9's.
    assert_eq!(post("d=\"a\\\\nb\"").unwrap(), "a\\nb");
    assert_eq!(
        decode_form_data(&Bytes::from_static(b"d=a%5Cnb")).unwrap(),
        "a\\nb"
    );
}

#[test]
fn post_body_errors() {
    assert_eq!(post("d=2::"), Err(JsonpError::DataNotJsonString));
    assert_eq!(
        post("d=%5B%5D"),
        Err(JsonpError::DataNotJsonString),
        "an array"
    );
    assert_eq!(post("d=\"unterminated"), Err(JsonpError::DataNotJsonString));
    assert_eq!(post("d=\"a\"x"), Err(JsonpError::DataNotJsonString));
    assert_eq!(post("e=\"a\""), Err(JsonpError::MissingData));
    assert_eq!(
        post("d=%2"),
        Err(JsonpError::InvalidPercentEncoding { offset: 2 })
    );
}
