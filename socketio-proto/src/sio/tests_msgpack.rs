//! The msgpack parser against bytes node's socket.io-msgpack-parser 3.0.2 wrote (captured
//! with its `Encoder`), and one test per rejection.

use bytes::Bytes;

use super::*;
use crate::Str;
use crate::msgpack::{MsgpackLimits, Value, encode_value};

use ProtocolVersion::{V4, V5};

fn hex(s: &str) -> Bytes {
    let b: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    Bytes::from(b)
}

fn dec(v: ProtocolVersion, b: &Bytes) -> Result<Packet, MsgpackDecodeError> {
    Packet::decode_msgpack(v, b, &MsgpackLimits::default())
}

fn args(text: &str) -> Args {
    Args::try_from_payload(p(text)).unwrap()
}

fn p(text: &str) -> Payload {
    Payload::from_json(Str::from(text)).unwrap()
}

/// A map from string keys, written as notepack.io would.
fn map(entries: Vec<(&str, Value)>) -> Bytes {
    encode_value(&Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect(),
    ))
}

#[test]
fn client_event_with_options_key() {
    // {type: 2, data: ["hello", 1, "two", {three: [3]}], nsp: "/", options: {compress: true}}
    let b = hex(concat!(
        "84a47479706502a46461746194a568656c6c6f01a374776f81a574687265659103",
        "a36e7370a12fa76f7074696f6e7381a8636f6d7072657373c3"
    ));
    let got = dec(V5, &b).unwrap();
    let PacketBody::Event {
        id,
        data,
        attachments,
    } = &got.body
    else {
        panic!("{got:?}")
    };
    assert_eq!(got.nsp, "/");
    assert_eq!(*id, None);
    assert_eq!(data.as_str(), r#"["hello",1,"two",{"three":[3]}]"#);
    assert!(attachments.is_empty());
}

#[test]
fn binary_event_with_ack_both_ways() {
    // {type: 2, data: ["bin", <01 02 03>, {nested: <04>}], nsp: "/chat", id: 7}
    let b = hex(concat!(
        "84a47479706502a46461746193a362696ec40301020381a66e6573746564c40104",
        "a36e7370a52f63686174a2696407"
    ));
    let want = Packet::event(
        "/chat",
        "bin",
        &args(r#"[{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}]"#),
        vec![Bytes::from_static(&[1, 2, 3]), Bytes::from_static(&[4])],
        Some(7),
    )
    .unwrap();
    assert_eq!(dec(V5, &b).unwrap(), want);
    // Node's key order (type, data, nsp, id), so the bytes are node's exactly.
    assert_eq!(want.encode_msgpack(V5).unwrap(), b);
}

#[test]
fn ack_both_ways() {
    let b = hex("84a47479706503a46461746191a26f6ba36e7370a12fa269640c");
    let want = Packet::ack("/", 12, args(r#"["ok"]"#), vec![]);
    assert_eq!(dec(V5, &b).unwrap(), want);
    assert_eq!(want.encode_msgpack(V5).unwrap(), b);
}

#[test]
fn connect_without_auth_is_undefined_data() {
    // data: undefined, written as fixext 1 of type 0.
    let b = hex("83a47479706500a464617461d40000a36e7370a12f");
    assert_eq!(dec(V5, &b).unwrap(), Packet::connect("/", None));
}

#[test]
fn connect_with_auth_and_server_replies() {
    let b = hex("83a47479706500a46461746181a5746f6b656ea3616263a36e7370a62f61646d696e");
    assert_eq!(
        dec(V5, &b).unwrap(),
        Packet::connect("/admin", Some(p(r#"{"token":"abc"}"#)))
    );
    let reply = Packet::connect("/", Some(p(r#"{"sid":"AAAAAAAAAAAAAAAAAAAA"}"#)));
    assert_eq!(
        reply.encode_msgpack(V5).unwrap(),
        hex(concat!(
            "83a47479706500a46461746181a3736964b44141414141414141414141414141414141414141",
            "a36e7370a12f"
        ))
    );
    let refusal = Packet::connect_error("/nope", V5, "Invalid namespace");
    assert_eq!(
        refusal.encode_msgpack(V5).unwrap(),
        hex(concat!(
            "83a47479706504a46461746181a76d657373616765b1496e76616c6964206e616d657370616365",
            "a36e7370a52f6e6f7065"
        ))
    );
    let leave = hex("82a47479706501a36e7370a52f63686174");
    assert_eq!(
        Packet::disconnect("/chat").encode_msgpack(V5).unwrap(),
        leave
    );
    assert_eq!(dec(V5, &leave).unwrap(), Packet::disconnect("/chat"));
}

#[test]
fn v4_connect_carries_its_query_in_the_namespace() {
    let b = map(vec![
        ("type", Value::UInt(0)),
        ("nsp", Value::from("/a?t=1")),
    ]);
    let got = dec(V4, &b).unwrap();
    assert_eq!(got.nsp, "/a");
    assert_eq!(
        got.body,
        PacketBody::Connect {
            auth: None,
            query: Some(Str::from("t=1"))
        }
    );
    assert_eq!(got.encode_msgpack(V4).unwrap(), b);
}

#[test]
fn key_order_and_integral_floats_do_not_matter() {
    let b = map(vec![
        ("id", Value::F64(3.0)),
        ("nsp", Value::from("/")),
        ("data", Value::Array(vec![Value::from("e")])),
        ("type", Value::F64(2.0)),
    ]);
    let got = dec(V5, &b).unwrap();
    assert!(matches!(got.body, PacketBody::Event { id: Some(3), .. }));
}

#[test]
fn rejections() {
    use MsgpackDecodeError as E;
    let ev = |data: Value| Value::Array(vec![Value::from("e"), data]);
    type Check = fn(&E) -> bool;
    let cases: Vec<(Bytes, Check)> = vec![
        (Bytes::from_static(&[0xc1]), |e| matches!(e, E::Msgpack(_))),
        (Bytes::from_static(&[0x93, 1, 2, 3]), |e| {
            matches!(e, E::NotAMap)
        }),
        (map(vec![("nsp", Value::from("/"))]), |e| {
            matches!(e, E::InvalidType)
        }),
        (
            map(vec![("type", Value::UInt(5)), ("nsp", Value::from("/"))]),
            |e| matches!(e, E::InvalidType),
        ),
        (
            map(vec![("type", Value::F64(1.5)), ("nsp", Value::from("/"))]),
            |e| matches!(e, E::InvalidType),
        ),
        (map(vec![("type", Value::UInt(1))]), |e| {
            matches!(e, E::InvalidNamespace)
        }),
        (
            map(vec![("type", Value::UInt(1)), ("nsp", Value::UInt(1))]),
            |e| matches!(e, E::InvalidNamespace),
        ),
        (
            map(vec![("type", Value::UInt(2)), ("nsp", Value::from("/"))]),
            |e| matches!(e, E::InvalidPayload(PacketType::Event)),
        ),
        (
            map(vec![
                ("type", Value::UInt(3)),
                ("nsp", Value::from("/")),
                ("data", Value::from("x")),
                ("id", Value::UInt(1)),
            ]),
            |e| matches!(e, E::InvalidPayload(PacketType::Ack)),
        ),
        (
            map(vec![
                ("type", Value::UInt(0)),
                ("nsp", Value::from("/")),
                ("data", Value::from("x")),
            ]),
            |e| matches!(e, E::InvalidPayload(PacketType::Connect)),
        ),
        (
            map(vec![
                ("type", Value::UInt(1)),
                ("nsp", Value::from("/")),
                ("data", Value::Nil),
            ]),
            |e| matches!(e, E::InvalidPayload(PacketType::Disconnect)),
        ),
        (
            map(vec![
                ("type", Value::UInt(4)),
                ("nsp", Value::from("/")),
                ("data", Value::Array(vec![])),
            ]),
            |e| matches!(e, E::InvalidPayload(PacketType::ConnectError)),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                ("data", ev(Value::Nil)),
                ("id", Value::from("1")),
            ]),
            |e| matches!(e, E::InvalidId),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                ("data", ev(Value::Nil)),
                ("id", Value::Int(-1)),
            ]),
            |e| matches!(e, E::AckIdOutOfRange),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                ("data", ev(Value::Nil)),
                ("id", Value::UInt(MAX_ACK_ID + 1)),
            ]),
            |e| matches!(e, E::AckIdOutOfRange),
        ),
        (
            map(vec![
                ("type", Value::UInt(3)),
                ("nsp", Value::from("/")),
                ("data", Value::Array(vec![])),
            ]),
            |e| matches!(e, E::MissingAckId),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                ("data", Value::Array(vec![])),
            ]),
            |e| matches!(e, E::EmptyEvent),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                ("data", Value::Array(vec![Value::Nil])),
            ]),
            |e| matches!(e, E::InvalidEventName),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                ("data", Value::Array(vec![Value::from("connect")])),
            ]),
            |e| matches!(e, E::ReservedEventName("connect")),
        ),
        (
            map(vec![
                ("type", Value::UInt(2)),
                ("nsp", Value::from("/")),
                (
                    "data",
                    ev(Value::Map(vec![(Value::Bin(Bytes::new()), Value::Nil)])),
                ),
            ]),
            |e| matches!(e, E::Msgpack(crate::msgpack::MsgpackError::UnsupportedKey)),
        ),
    ];
    for (bytes, check) in cases {
        let e = dec(V5, &bytes).unwrap_err();
        assert!(check(&e), "{bytes:02x?}: {e:?}");
    }
}

#[test]
fn an_id_on_other_types_is_ignored_as_node_does() {
    let b = map(vec![
        ("type", Value::UInt(1)),
        ("nsp", Value::from("/")),
        ("id", Value::Int(-4)),
    ]);
    assert_eq!(dec(V5, &b).unwrap(), Packet::disconnect("/"));
}

#[test]
fn limits_hold() {
    let limits = MsgpackLimits {
        max_depth: 2,
        ..MsgpackLimits::default()
    };
    let deep = map(vec![
        ("type", Value::UInt(2)),
        ("nsp", Value::from("/")),
        (
            "data",
            Value::Array(vec![Value::from("e"), Value::Array(vec![])]),
        ),
    ]);
    assert!(matches!(
        Packet::decode_msgpack(V5, &deep, &limits),
        Err(MsgpackDecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooDeep { max: 2 }
        ))
    ));
    let small = MsgpackLimits {
        max_message_bytes: 4,
        ..MsgpackLimits::default()
    };
    assert!(matches!(
        Packet::decode_msgpack(V5, &deep, &small),
        Err(MsgpackDecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooLarge { .. }
        ))
    ));
}

#[test]
fn unencodable_payloads_are_typed_errors() {
    let deep = "[".repeat(200) + &"]".repeat(200);
    let args = args(&deep);
    let ev = Packet::event("/", "e", &args, vec![], None).unwrap();
    assert!(matches!(
        ev.encode_msgpack(V5),
        Err(crate::msgpack::MsgpackError::Json(_))
    ));
}
