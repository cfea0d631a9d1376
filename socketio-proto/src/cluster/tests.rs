//! Unit tests of the cluster codec: each limit, the exact forms, the channel names, and the
//! typed errors of malformed input.

use bytes::Bytes;

use super::*;
use crate::Str;

fn b(data: &[u8]) -> Bytes {
    Bytes::copy_from_slice(data)
}

fn decode(data: &[u8]) -> Result<Value, DecodeError> {
    decode_value(&b(data), &ClusterLimits::default())
}

#[test]
fn message_bytes_limit() {
    let limits = ClusterLimits {
        max_message_bytes: 4,
        ..ClusterLimits::default()
    };
    assert!(decode_value(&b(&[0x93, 1, 2, 3]), &limits).is_ok());
    assert!(matches!(
        decode_value(&b(&[0x94, 1, 2, 3, 4]), &limits),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooLarge { len: 5, max: 4 }
        ))
    ));
    // The JSON path has the same bound.
    assert!(matches!(
        Request::decode(&b(b"{\"type\":1}"), &limits),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooLarge { .. }
        ))
    ));
}

#[test]
fn depth_limit() {
    let limits = ClusterLimits {
        max_depth: 3,
        ..ClusterLimits::default()
    };
    assert!(decode_value(&b(&[0x91, 0x91, 0x91, 0x01]), &limits).is_ok());
    assert!(matches!(
        decode_value(&b(&[0x91, 0x91, 0x91, 0x91, 0x01]), &limits),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooDeep { max: 3 }
        ))
    ));
    // The default bounds recursion on a message of nothing but nesting.
    let deep = vec![0x91; 10_000];
    assert!(matches!(
        decode(&deep),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooDeep { max: 100 }
        ))
    ));
}

#[test]
fn values_limit() {
    let limits = ClusterLimits {
        max_values: 4,
        ..ClusterLimits::default()
    };
    assert!(decode_value(&b(&[0x93, 1, 2, 3]), &limits).is_ok());
    assert!(matches!(
        decode_value(&b(&[0x94, 1, 2, 3, 4]), &limits),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooManyValues { max: 4 }
        ))
    ));
    // A map entry is two values.
    assert!(matches!(
        decode_value(&b(&[0x82, 1, 2, 3, 4]), &limits),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooManyValues { .. }
        ))
    ));
}

#[test]
fn claimed_lengths_beyond_the_input_fail_before_allocating() {
    // array 32 of 2^32-1 elements, str 32 and bin 32 of 4 GiB, in a few bytes.
    assert!(matches!(
        decode(&[0xdd, 0xff, 0xff, 0xff, 0xff]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooManyValues { .. }
        ))
    ));
    assert!(matches!(
        decode(&[0xdd, 0, 0, 0, 5, 1]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::Truncated
        ))
    ));
    assert!(matches!(
        decode(&[0xdb, 0xff, 0xff, 0xff, 0xff]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::Truncated
        ))
    ));
    assert!(matches!(
        decode(&[0xc6, 0xff, 0xff, 0xff, 0xff]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::Truncated
        ))
    ));
    assert!(matches!(
        decode(&[0xdf, 0, 0, 0, 1, 1]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::Truncated
        ))
    ));
}

#[test]
fn malformed_msgpack_is_a_typed_error() {
    assert!(matches!(
        decode(&[]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::Truncated
        ))
    ));
    assert!(matches!(
        decode(&[0xc1]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::InvalidType(0xc1)
        ))
    ));
    assert!(matches!(
        decode(&[1, 2]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TrailingBytes(1)
        ))
    ));
    assert!(matches!(
        decode(&[0xcb, 0, 0]),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::Truncated
        ))
    ));
    // Invalid UTF-8 is replaced, as node's Buffer#toString does.
    assert_eq!(
        decode(&[0xa2, 0xff, b'a']).unwrap(),
        Value::str("\u{fffd}a")
    );
}

#[test]
fn integers_take_notepacks_smallest_forms() {
    let cases: &[(Value, &[u8])] = &[
        (Value::UInt(0), &[0x00]),
        (Value::UInt(127), &[0x7f]),
        (Value::UInt(128), &[0xcc, 0x80]),
        (Value::UInt(256), &[0xcd, 1, 0]),
        (Value::UInt(65536), &[0xce, 0, 1, 0, 0]),
        (Value::UInt(1 << 32), &[0xcf, 0, 0, 0, 1, 0, 0, 0, 0]),
        (Value::Int(-1), &[0xff]),
        (Value::Int(-32), &[0xe0]),
        (Value::Int(-33), &[0xd0, 0xdf]),
        (Value::Int(-129), &[0xd1, 0xff, 0x7f]),
        (Value::Int(-32769), &[0xd2, 0xff, 0xff, 0x7f, 0xff]),
        // A non-negative Int is written unsigned, as a JavaScript number would be.
        (Value::Int(5), &[0x05]),
        // Integral floats are integers (JavaScript has one number type); -0 is 0.
        (Value::F64(3.0), &[0x03]),
        (Value::F64(-0.0), &[0x00]),
        (Value::F64(-200.0), &[0xd1, 0xff, 0x38]),
        (Value::F64(1.5), &[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
    ];
    for (v, bytes) in cases {
        assert_eq!(encode_value(v).as_ref(), *bytes, "{v:?}");
    }
    // Where notepack.io wraps (1e300 becomes 0), the float stays a float.
    assert_eq!(encode_value(&Value::F64(1e300))[0], 0xcb);
    // Signed wire forms of non-negative numbers read as UInt.
    assert_eq!(decode(&[0xd0, 0x05]).unwrap(), Value::UInt(5));
}

#[test]
fn lengths_take_the_smallest_forms() {
    let s = |n: usize| encode_value(&Value::str("x".repeat(n)));
    assert_eq!(s(31)[0], 0xbf);
    assert_eq!(s(32)[..2], [0xd9, 32]);
    assert_eq!(s(256)[..3], [0xda, 1, 0]);
    assert_eq!(s(65536)[..5], [0xdb, 0, 1, 0, 0]);
    let a = |n: usize| encode_value(&Value::Array(vec![Value::Nil; n]));
    assert_eq!(a(15)[0], 0x9f);
    assert_eq!(a(16)[..3], [0xdc, 0, 16]);
    let bin = |n: usize| encode_value(&Value::Bin(Bytes::from(vec![0; n])));
    assert_eq!(bin(0)[..2], [0xc4, 0]);
    assert_eq!(bin(256)[..3], [0xc5, 1, 0]);
    let ext = |n: usize| encode_value(&Value::Ext(-1, Bytes::from(vec![0; n])));
    assert_eq!(ext(4)[..2], [0xd6, 0xff]);
    assert_eq!(ext(12)[..3], [0xc7, 12, 0xff]);
}

#[test]
fn json_towards_clients_follows_javascript() {
    let v = Value::Array(vec![
        Value::Ext(0, b(&[0])),
        Value::Map(vec![
            (Value::str("u"), Value::Ext(0, b(&[0]))),
            (Value::UInt(1), Value::F64(f64::NAN)),
            (Value::F64(1.5), Value::Bool(true)),
            (Value::str("t"), Value::Ext(-1, b(&[0, 0, 0, 1]))),
        ]),
        Value::Ext(7, b(&[1, 2])),
        Value::Bin(b(&[3])),
        Value::UInt(1 << 60),
    ]);
    let (json, bins) = v.to_json().unwrap();
    assert_eq!(
        json,
        r#"[null,{"1":null,"1.5":true,"t":"1970-01-01T00:00:01.000Z"},[7,{"_placeholder":true,"num":0}],{"_placeholder":true,"num":1},1.152921504606847e+18]"#
    );
    assert_eq!(bins, [b(&[1, 2]), b(&[3])]);
    assert!(matches!(
        Value::Map(vec![(Value::Array(vec![]), Value::Nil)]).to_json(),
        Err(crate::msgpack::MsgpackError::UnsupportedKey)
    ));
    let mut plain = String::new();
    Value::Bin(b(&[1, 2])).write_plain_json(&mut plain).unwrap();
    assert_eq!(plain, r#"{"type":"Buffer","data":[1,2]}"#);
}

#[test]
fn json_from_packets_resolves_placeholders() {
    let bins = [b(&[9])];
    let v = Value::from_json(r#"[{"_placeholder":true,"num":0},{"k":1.0}]"#, &bins).unwrap();
    assert_eq!(
        v,
        Value::Array(vec![
            Value::Bin(b(&[9])),
            Value::Map(vec![(Value::str("k"), Value::F64(1.0))])
        ])
    );
    assert!(matches!(
        Value::from_json(r#"[{"_placeholder":true,"num":1}]"#, &bins),
        Err(crate::msgpack::MsgpackError::BadPlaceholder {
            num: Some(1),
            count: 1
        })
    ));
    // Without attachments a placeholder is an ordinary object (JSON.parse).
    assert!(matches!(
        Value::from_plain_json(br#"{"_placeholder":true,"num":0}"#),
        Ok(Value::Map(_))
    ));
}

#[test]
fn channel_names() {
    let c = Channels::new(DEFAULT_PREFIX, "/", "abc123");
    assert_eq!(c.broadcast_to(&[]), "socket.io#/#");
    assert_eq!(c.broadcast_to(&[Str::from("r")]), "socket.io#/#r#");
    assert_eq!(
        c.broadcast_to(&[Str::from("r"), Str::from("s")]),
        "socket.io#/#"
    );
    assert_eq!(c.broadcast_pattern(), "socket.io#/#*");
    assert_eq!(
        c.subscriptions(),
        [
            "socket.io-request#/#",
            "socket.io-response#/#",
            "socket.io-response#/#abc123#"
        ]
    );
    assert_eq!(
        c.classify("socket.io#/#"),
        Some(ChannelKind::Broadcast { room: None })
    );
    assert_eq!(
        c.classify("socket.io#/#r1#"),
        Some(ChannelKind::Broadcast { room: Some("r1") })
    );
    assert_eq!(
        c.classify("socket.io-request#/#"),
        Some(ChannelKind::Request)
    );
    assert_eq!(
        c.classify("socket.io-response#/#x#"),
        Some(ChannelKind::Response)
    );
    assert_eq!(c.classify("socket.io#/chat#"), None);
    let chat = Channels::new("app", "/chat", "u");
    assert_eq!(chat.request(), "app-request#/chat#");
}

#[test]
fn broadcast_shapes_are_checked() {
    let l = ClusterLimits::default();
    let enc = |v: Value| encode_value(&v);
    assert!(matches!(
        BroadcastMessage::decode(&enc(Value::Array(vec![Value::Nil])), &l),
        Err(DecodeError::Shape(_))
    ));
    // A packet without nsp is in "/", as node assumes.
    let m = BroadcastMessage {
        uid: "emitter".into(),
        packet: ClusterPacket::event("/", "e", &crate::sio::Args::empty(), &[]).unwrap(),
        opts: BroadcastOpts::default(),
    };
    let mut v = decode_value(&m.encode(), &l).unwrap();
    if let Value::Array(items) = &mut v
        && let Some(Value::Map(entries)) = items.get_mut(1)
    {
        entries.retain(|(k, _)| k.as_str().is_none_or(|k| k != "nsp"));
    }
    assert_eq!(BroadcastMessage::decode(&enc(v), &l).unwrap(), m);
    // Reserved event names are refused before a client sees them.
    let bad = ClusterPacket {
        nsp: "/".into(),
        data: vec![Value::str("connect")],
        id: None,
    };
    assert!(matches!(
        bad.to_packet(),
        Err(DecodeError::Shape("event name"))
    ));
    // Unknown request types are typed errors, as node ignores them.
    assert!(matches!(
        Request::decode(&b(br#"{"type":42,"uid":"x"}"#), &l),
        Err(DecodeError::UnknownType(42))
    ));
    assert!(matches!(
        Request::decode(&b(b"{nope"), &l),
        Err(DecodeError::Msgpack(crate::msgpack::MsgpackError::Json(_)))
    ));
}

#[test]
fn event_round_trip_through_the_cluster_form() {
    let args = crate::sio::Args::new(&(1, "two", crate::sio::Placeholder(0))).unwrap();
    let p = ClusterPacket::event("/chat", "hello", &args, &[b(&[1, 2, 3])]).unwrap();
    let packet = p.to_packet().unwrap();
    let crate::sio::PacketBody::Event {
        data, attachments, ..
    } = packet.body
    else {
        panic!("not an event");
    };
    assert_eq!(
        data.as_str(),
        r#"["hello",1,"two",{"_placeholder":true,"num":0}]"#
    );
    assert_eq!(attachments, [b(&[1, 2, 3])]);
    let (args2, bins) = p.args_json().unwrap();
    assert_eq!(args2.as_str(), r#"[1,"two",{"_placeholder":true,"num":0}]"#);
    assert_eq!(bins, [b(&[1, 2, 3])]);
}
