//! Engine.IO v3 JSONP polling: the callback index, the response wrapping, and the form body,
//! including hostile input.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use socketio_proto::eio::jsonp::{
    CONTENT_TYPE, JsonpError, JsonpIndex, decode_form_body, wrap_response, write_js_string,
};

fn index(j: &str) -> Result<u32, JsonpError> {
    JsonpIndex::parse(j).map(JsonpIndex::get)
}

fn form(body: &str) -> Result<String, JsonpError> {
    decode_form_body(&Bytes::copy_from_slice(body.as_bytes())).map(|s| s.to_string())
}

/// What engine.io-client 3 does before posting: `\n` (backslash, n) becomes backslash +
/// newline, then every newline becomes `\n`; then the form encoding of a textarea.
fn client_form_body(payload: &str) -> String {
    let escaped = payload.replace("\\n", "\\\n").replace('\n', "\\n");
    let mut out = String::from("d=");
    for b in escaped.bytes() {
        match b {
            b' ' => out.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[test]
fn index_validation() {
    assert_eq!(index("0"), Ok(0));
    assert_eq!(index("7"), Ok(7));
    assert_eq!(index("123"), Ok(123));
    assert_eq!(index("999999999"), Ok(JsonpIndex::MAX));
    assert_eq!(index(""), Err(JsonpError::EmptyIndex));
    for bad in [
        "a",
        "1a",
        " 1",
        "1 ",
        "-1",
        "+1",
        "1.0",
        "0x1",
        "١",
        "1)",
        "0];alert(1);//",
    ] {
        assert_eq!(index(bad), Err(JsonpError::NonNumericIndex), "{bad:?}");
    }
    // `___eio[010]` would be octal (8) in sloppy-mode JavaScript.
    assert_eq!(index("010"), Err(JsonpError::IndexLeadingZero));
    assert_eq!(index("00"), Err(JsonpError::IndexLeadingZero));
    let too_large = Err(JsonpError::IndexTooLarge {
        max: JsonpIndex::MAX,
    });
    assert_eq!(index("1000000000"), too_large);
    assert_eq!(index("4294967296"), too_large);
    assert_eq!(index(&"9".repeat(10_000)), too_large);
    assert_eq!(JsonpIndex::new(JsonpIndex::MAX + 1), None);
    assert_eq!(JsonpIndex::new(5).unwrap().to_string(), "5");
}

#[test]
fn response_wrapping() {
    let j = JsonpIndex::parse("3").unwrap();
    assert_eq!(&wrap_response(j, "1:6")[..], b"___eio[3](\"1:6\");");
    assert_eq!(
        &wrap_response(j, "6:4\"a\\b\"\n")[..],
        br#"___eio[3]("6:4\"a\\b\"\n");"#
    );
    assert_eq!(
        std::str::from_utf8(&wrap_response(j, "4a\u{2028}b\u{2029}c€")).unwrap(),
        "___eio[3](\"4a\\u2028b\\u2029c€\");"
    );
    assert_eq!(
        &wrap_response(j, "\u{0}\u{8}\u{c}\r\t\u{1f}\u{7f}")[..],
        b"___eio[3](\"\\u0000\\b\\f\\r\\t\\u001f\x7f\");"
    );
    assert_eq!(CONTENT_TYPE, "text/javascript; charset=UTF-8");
}

#[test]
fn form_body_decoding() {
    assert_eq!(form("d=1:6").unwrap(), "1:6");
    assert_eq!(form("d=6%3A4hello").unwrap(), "6:4hello");
    assert_eq!(form("d=7:4a+b%2Bc").unwrap(), "7:4a b+c");
    assert_eq!(form("d=%E2%82%AC").unwrap(), "€");
    assert_eq!(form("d=€").unwrap(), "€", "raw UTF-8 passes");
    // Other fields are ignored, in any order; the key may be percent-encoded.
    assert_eq!(form("x=1&d=2:40&y").unwrap(), "2:40");
    assert_eq!(form("&&d=1:6&&").unwrap(), "1:6");
    assert_eq!(form("%64=1:6").unwrap(), "1:6");
    assert_eq!(
        form("d").unwrap(),
        "",
        "an empty d is the payload decoder's problem"
    );
    assert_eq!(form("d=").unwrap(), "");
    assert_eq!(form("d=a=b").unwrap(), "a=b");
}

#[test]
fn form_body_newline_escapes() {
    // `\n` is a newline; `\\n` is a literal backslash-n.
    assert_eq!(form("d=a%5Cnb").unwrap(), "a\nb");
    assert_eq!(form("d=a\\nb").unwrap(), "a\nb", "unencoded backslash");
    assert_eq!(form("d=a%5C%5Cnb").unwrap(), "a\\nb");
    assert_eq!(form("d=%5C%5C%5Cn").unwrap(), "\\\\n");
    assert_eq!(form("d=%5C").unwrap(), "\\");
    assert_eq!(form("d=%5Cx").unwrap(), "\\x");
    // What the client sends comes back exactly (payloads without a backslash before a
    // newline; see the next test for that case).
    for payload in ["12:4line1\nline2", "8:4a\\nb", "3:4\n\n", "7:4\\\\n\\"] {
        assert_eq!(
            form(&client_form_body(payload)).unwrap(),
            payload,
            "{payload:?}"
        );
    }
}

/// The escaping scheme cannot tell a backslash followed by a newline from an escaped `\n`:
/// engine.io 3 turns it into `\n`, and so does this decoder (faithful, not a fix).
#[test]
fn backslash_newline_is_ambiguous_as_in_engine_io() {
    assert_eq!(client_form_body("\\\n"), "d=%5C%5Cn");
    assert_eq!(form(&client_form_body("\\\n")).unwrap(), "\\n");
}

#[test]
fn form_body_errors() {
    assert_eq!(form(""), Err(JsonpError::MissingData));
    assert_eq!(form("x=1&dd=2&D=3"), Err(JsonpError::MissingData));
    assert_eq!(form("d=1&d=2"), Err(JsonpError::DuplicateData));
    assert_eq!(form("d=1&%64=2"), Err(JsonpError::DuplicateData));
    assert_eq!(
        form("d=%zz"),
        Err(JsonpError::InvalidPercentEncoding { offset: 2 })
    );
    assert_eq!(
        form("x=1&d=ab%4"),
        Err(JsonpError::InvalidPercentEncoding { offset: 8 })
    );
    assert_eq!(
        form("d=%"),
        Err(JsonpError::InvalidPercentEncoding { offset: 2 })
    );
    assert_eq!(form("d=%FF"), Err(JsonpError::InvalidUtf8));
    assert_eq!(
        form("d=%C3"),
        Err(JsonpError::InvalidUtf8),
        "truncated sequence"
    );
    assert_eq!(
        decode_form_body(&Bytes::from_static(b"d=\xff")).map(|s| s.to_string()),
        Err(JsonpError::InvalidUtf8)
    );
    // Malformed keys are simply not `d`.
    assert_eq!(form("%zz=1&d=2").unwrap(), "2");
}

#[test]
fn undecoded_data_shares_the_body() {
    let body = Bytes::from_static(b"x=1&d=3:4ab");
    let d = decode_form_body(&body).unwrap();
    assert_eq!(d, "3:4ab");
    assert_eq!(d.as_ptr(), body[6..].as_ptr());
}

#[test]
fn hostile_bodies_are_cheap() {
    let many_fields = "&".repeat(1_000_000) + "d=1:6";
    assert_eq!(form(&many_fields).unwrap(), "1:6");
    let many_keys = "a=1&".repeat(100_000) + "d=1:6";
    assert_eq!(form(&many_keys).unwrap(), "1:6");
    let backslashes = format!("d={}", "%5C".repeat(100_000));
    assert_eq!(form(&backslashes).unwrap().len(), 100_000);
}

proptest! {
    /// The literal is exactly `JSON.stringify` (which serde_json matches for strings) with the
    /// two line separators escaped, and it parses back to the payload.
    #[test]
    fn js_string_is_json_stringify_plus_line_separators(s in any::<String>()) {
        let mut out = BytesMut::new();
        write_js_string(&s, &mut out);
        let ours = std::str::from_utf8(&out).unwrap();
        let reference = serde_json::to_string(&s)
            .unwrap()
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
        prop_assert_eq!(ours, reference.as_str());
        prop_assert_eq!(serde_json::from_str::<String>(ours).unwrap(), s);
    }

    #[test]
    fn client_posts_round_trip(s in "[^\\\\]*") {
        prop_assert_eq!(form(&client_form_body(&s)).unwrap(), s);
    }

    #[test]
    fn arbitrary_bodies_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_form_body(&Bytes::from(data.clone()));
        let _ = JsonpIndex::parse(&String::from_utf8_lossy(&data));
    }

    #[test]
    fn form_shaped_bodies_never_panic(s in "[d=&%5Cn0-9a-fA-F+\\\\]{0,40}") {
        let _ = form(&s);
    }
}
