//! Unit tests of the payload accessors and builders.

use super::*;
use crate::Str;

fn p(text: &str) -> Payload {
    Payload::from_json(Str::from(text)).unwrap()
}

fn a(text: &str) -> Args {
    Args::try_from_payload(p(text)).unwrap()
}

#[test]
fn event_name_borrows_unless_escaped_and_accepts_numbers() {
    let pl = p(r#"["hello",1,2]"#);
    let name = pl.event_name().unwrap();
    assert!(matches!(name, std::borrow::Cow::Borrowed("hello")));
    assert_eq!(p(r#"["h\u00e9"]"#).event_name().unwrap(), "hé");
    assert_eq!(p("[42]").event_name().unwrap(), "42");
    assert!(p("[]").event_name().is_err());
    assert!(p("{}").event_name().is_err());
    assert!(p("[null]").event_name().is_err());
}

#[test]
fn event_args_skip_the_name_and_ignore_extra_args() {
    let pl = p(r#"["ev",1,"two",{"x":3}]"#);
    assert_eq!(
        pl.event_args_value().unwrap(),
        serde_json::json!([1, "two", {"x": 3}])
    );
    let (a, b): (u32, String) = pl.event_args().unwrap();
    assert_eq!((a, b.as_str()), (1, "two"));
    let none: Vec<u8> = p(r#"["ev"]"#).event_args().unwrap();
    assert!(none.is_empty());
    assert!(pl.event_args::<(String,)>().is_err(), "1 is not a string");
}

#[test]
fn typed_and_tree_access() {
    let pl = p(r#"{"token":"abc"}"#);
    #[derive(serde::Deserialize)]
    struct Auth<'a> {
        token: &'a str,
    }
    assert_eq!(pl.deserialize_borrowed::<Auth<'_>>().unwrap().token, "abc");
    assert_eq!(pl.to_value().unwrap(), serde_json::json!({"token": "abc"}));
    let m: std::collections::HashMap<String, String> = pl.deserialize().unwrap();
    assert_eq!(m["token"], "abc");
}

#[test]
fn builders() {
    assert!(Payload::from_json(Str::from("[1,")).is_err());
    assert!(Payload::from_json(Str::from("[1] x")).is_err());
    let v = serde_json::json!([1, {"a": null}]);
    assert_eq!(Payload::from_value(&v).as_str(), r#"[1,{"a":null}]"#);
    assert_eq!(
        Payload::from_serialize(&("x", Placeholder(3)))
            .unwrap()
            .as_str(),
        r#"["x",{"_placeholder":true,"num":3}]"#
    );
    let args = Args::new(&(1, "a\"b\n")).unwrap();
    let ev = Packet::event("/", "na\"me\u{1}", &args, Vec::new(), Some(7)).unwrap();
    let (text, _) = ev.encode(ProtocolVersion::V5);
    assert_eq!(text, r#"27["na\"me\u0001",1,"a\"b\n"]"#);
    let decoded = Packet::decode(ProtocolVersion::V5, text).unwrap();
    assert_eq!(decoded, Decoded::Complete(ev));
    // No arguments, and a single non-tuple argument.
    let ev = Packet::event("/x", "e", &Args::new(&()).unwrap(), vec![], None).unwrap();
    assert_eq!(ev.encode(ProtocolVersion::V5).0, r#"2/x,["e"]"#);
    let ev = Packet::event("/x", "e", &Args::new(&5).unwrap(), vec![], None).unwrap();
    assert_eq!(ev.encode(ProtocolVersion::V5).0, r#"2/x,["e",5]"#);
    let ev = Packet::event("/", "e", &a(" [ ] "), vec![], None).unwrap();
    assert_eq!(ev.encode(ProtocolVersion::V5).0, r#"2["e"]"#);
}

#[test]
fn encode_into_appends_after_a_prefix() {
    let mut buf = bytes::BytesMut::from(&b"4"[..]);
    let bin = bytes::Bytes::from_static(b"\x01");
    let args = Args::new(&(Placeholder(0),)).unwrap();
    let ev = Packet::event("/a", "up", &args, vec![bin.clone()], Some(3)).unwrap();
    let atts = ev.encode_into(ProtocolVersion::V5, &mut buf);
    assert_eq!(&buf[..], br#"451-/a,3["up",{"_placeholder":true,"num":0}]"#);
    assert_eq!(atts, &[bin]);
}

#[test]
fn event_name_reads_only_the_first_element_of_valid_json() {
    // Whitespace before the bracket and around the name is JSON whitespace.
    assert_eq!(p(" \t\r\n[ \"ev\" , 1]").event_name().unwrap(), "ev");
    assert_eq!(p("[-1.5, {}]").event_name().unwrap(), "-1.5");
    // Non-arrays and arrays led by anything else than a string or number are refused.
    for bad in [
        "\"ev\"",
        "1",
        "null",
        "[[\"ev\"]]",
        "[{\"a\":1}]",
        "[true]",
        " [ ] ",
    ] {
        assert!(p(bad).event_name().is_err(), "{bad}");
    }
    // A name that would be a lone surrogate cannot be read as a Rust string.
    assert!(p(r#"["\ud800", 1]"#).event_name().is_err());
}

#[test]
fn json_str_len_matches_what_is_written() {
    use super::encode::{json_str_len, write_json_str};
    for s in [
        "",
        "ev",
        "a\"b\\c",
        "\n\r\t\u{8}\u{c}",
        "\u{1}\u{1f}x",
        "hé€😀",
        "\u{7f}",
    ] {
        let mut out = String::new();
        write_json_str(&mut out, s);
        assert_eq!(json_str_len(s), out.len(), "{s:?}");
    }
}

#[test]
fn encoded_len_is_exact_for_every_kind() {
    use ProtocolVersion::{V4, V5};
    let bin = bytes::Bytes::from_static(b"\x01");
    let args = Args::new(&(Placeholder(0),)).unwrap();
    let packets = [
        Packet::connect("/", None),
        Packet::connect("/admin", Some(p(r#"{"token":"x"}"#))),
        Packet {
            nsp: Str::from("/q"),
            body: PacketBody::Connect {
                auth: None,
                query: Some(Str::from("a=1&b=2")),
            },
        },
        Packet::disconnect("/n"),
        Packet::event("/", "e", &a("[1]"), vec![], None).unwrap(),
        Packet::event("/x", "e", &a("[1]"), vec![], Some(9_007_199_254_740_991)).unwrap(),
        Packet::event("/", "up", &args, vec![bin.clone(); 12], Some(0)).unwrap(),
        Packet::ack("/", 10, a("[]"), vec![]),
        Packet::ack("/b", 7, args.clone(), vec![bin]),
        Packet::connect_error("/", V5, "no"),
        Packet::connect_error("/e", V4, "no"),
    ];
    for packet in &packets {
        for v in [V4, V5] {
            let (text, _) = packet.encode(v);
            assert_eq!(packet.encoded_len(v), text.len(), "{packet:?} {v:?}");
            let mut buf = bytes::BytesMut::new();
            packet.encode_into(v, &mut buf);
            assert_eq!(&buf[..], text.as_bytes().as_ref());
            let mut s = String::from("4");
            let atts = packet.encode_into_string(v, &mut s);
            assert_eq!(s.strip_prefix('4'), Some(text.as_str()));
            assert_eq!(atts, packet.attachments());
            let crate::eio::Frame::Text(frame) = packet.encode_message_frame(v) else {
                panic!("a text frame")
            };
            assert_eq!(frame.as_str(), s);
            // Exactly sized: the buffer became the frame without a second allocation.
            assert_eq!(frame.as_bytes().len(), packet.encoded_len(v) + 1);
        }
    }
}
