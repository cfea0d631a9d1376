//! Unit tests of the streams codec: offsets, the entry and pub/sub forms, sessions, and the
//! typed errors of malformed input (arbitrary input in proptests).

use bytes::Bytes;
use proptest::prelude::*;

use super::*;
use crate::Str;
use crate::cluster::{BroadcastOpts, ClusterLimits, ClusterPacket, DecodeError, Value};

fn fields(list: &[(&str, &str)]) -> Vec<(Bytes, Bytes)> {
    list.iter()
        .map(|(k, v)| {
            (
                Bytes::copy_from_slice(k.as_bytes()),
                Bytes::copy_from_slice(v.as_bytes()),
            )
        })
        .collect()
}

#[test]
fn offsets_parse_as_node_checks_them() {
    assert_eq!(
        StreamOffset::parse("1796217738954-0"),
        Some(StreamOffset {
            ms: 1_796_217_738_954,
            seq: 0
        })
    );
    for bad in [
        "",
        "-",
        "1-",
        "-1",
        "1",
        "1-2-3",
        "+1-2",
        "1 -2",
        "*",
        "1-x",
        "99999999999999999999-0",
    ] {
        assert_eq!(StreamOffset::parse(bad), None, "{bad:?}");
    }
    let o = StreamOffset::parse("5-9").unwrap();
    assert_eq!(o.next().unwrap().to_string(), "5-10");
    let top = StreamOffset {
        ms: 3,
        seq: u64::MAX,
    };
    assert_eq!(top.next(), Some(StreamOffset { ms: 4, seq: 0 }));
    assert_eq!(
        StreamOffset {
            ms: u64::MAX,
            seq: u64::MAX
        }
        .next(),
        None
    );
}

#[test]
fn entry_round_trip_json_and_binary() {
    let packet = ClusterPacket {
        nsp: Str::from("/chat"),
        data: vec![Value::str("ev"), Value::UInt(1)],
        id: None,
    };
    let m = StreamMessage {
        uid: Str::from("abc"),
        nsp: Str::from("/chat"),
        body: StreamBody::Broadcast {
            packet: packet.clone(),
            opts: BroadcastOpts::default(),
        },
    };
    let f = m.encode_entry();
    assert_eq!(f[2], ("type", "3".to_owned()));
    assert_eq!(
        f[3].1,
        r#"{"packet":{"type":2,"data":["ev",1]},"opts":{"rooms":[],"except":[],"flags":{}}}"#
    );
    let back: Vec<_> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        StreamMessage::decode_entry(&fields(&back), &ClusterLimits::default()).unwrap(),
        m
    );

    let mut bin = packet;
    bin.data.push(Value::Bin(Bytes::from_static(&[1, 2])));
    let m = StreamMessage {
        body: StreamBody::Broadcast {
            packet: bin,
            opts: BroadcastOpts::default(),
        },
        ..m
    };
    let f = m.encode_entry();
    assert!(
        !f[3].1.starts_with('{'),
        "binary data goes as base64 msgpack"
    );
    let back: Vec<_> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        StreamMessage::decode_entry(&fields(&back), &ClusterLimits::default()).unwrap(),
        m
    );
}

#[test]
fn malformed_entries_are_typed_errors() {
    let l = ClusterLimits::default();
    let ok = [
        ("uid", "u"),
        ("nsp", "/"),
        ("type", "4"),
        ("data", r#"{"opts":{},"rooms":["a"]}"#),
    ];
    assert!(StreamMessage::decode_entry(&fields(&ok), &l).is_ok());
    let cases: &[&[(&str, &str)]] = &[
        &[("nsp", "/"), ("type", "4")],
        &[("uid", "u"), ("type", "4")],
        &[("uid", "u"), ("nsp", ""), ("type", "4")],
        &[("uid", "u"), ("nsp", "/"), ("type", "-4")],
        &[("uid", "u"), ("nsp", "/"), ("type", "x")],
        &[("uid", "u"), ("nsp", "/"), ("type", "3"), ("data", "{")],
        &[("uid", "u"), ("nsp", "/"), ("type", "3"), ("data", "!!!")],
        &[
            ("uid", "u"),
            ("nsp", "/"),
            ("type", "3"),
            ("data", r#"{"packet":{"type":2,"data":"x"},"opts":{}}"#),
        ],
        &[("uid", "u"), ("nsp", "/"), ("type", "3")],
        &[
            ("uid", "u"),
            ("nsp", "/"),
            ("type", "4"),
            ("data", r#"{"opts":{},"rooms":[{}]}"#),
        ],
    ];
    for c in cases {
        assert!(
            StreamMessage::decode_entry(&fields(c), &l).is_err(),
            "{c:?}"
        );
    }
    let bad_utf8 = vec![(Bytes::from_static(b"uid"), Bytes::from_static(&[0xff]))];
    assert!(matches!(
        StreamMessage::decode_entry(&bad_utf8, &l),
        Err(DecodeError::Shape("uid"))
    ));
    let small = ClusterLimits {
        max_message_bytes: 10,
        ..l
    };
    assert!(matches!(
        StreamMessage::decode_entry(&fields(&ok), &small),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooLarge { .. }
        ))
    ));
}

#[test]
fn session_round_trip_and_errors() {
    let s = StoredSession {
        sid: Str::from("sid1"),
        pid: Str::from("pid1"),
        rooms: vec![Str::from("sid1"), Str::from("room1")],
        data: Value::Map(Vec::new()),
    };
    let text = s.encode();
    assert_eq!(
        StoredSession::decode(text.as_bytes(), &ClusterLimits::default()).unwrap(),
        s
    );
    for bad in [
        "", "!!", "kA==",     /* [] */
        "gaNzaWSh", /* {sid: truncated */
    ] {
        assert!(
            StoredSession::decode(bad.as_bytes(), &ClusterLimits::default()).is_err(),
            "{bad}"
        );
    }
    let small = ClusterLimits {
        max_message_bytes: 4,
        ..ClusterLimits::default()
    };
    assert!(matches!(
        StoredSession::decode(text.as_bytes(), &small),
        Err(DecodeError::Msgpack(
            crate::msgpack::MsgpackError::TooLarge { .. }
        ))
    ));
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        crate::cluster::fuzz::fuzz_decode_all(&data);
    }

    #[test]
    fn arbitrary_fields_never_panic(
        list in proptest::collection::vec(
            (prop_oneof![Just("uid".to_owned()), Just("nsp".to_owned()), Just("type".to_owned()),
                Just("data".to_owned()), ".{0,4}"],
             prop_oneof![".{0,40}", Just("3".to_owned()), Just("{\"packet\":{}}".to_owned())]),
            0..6)
    ) {
        let f: Vec<_> = list.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let _ = StreamMessage::decode_entry(&fields(&f), &ClusterLimits::default());
    }

    #[test]
    fn offsets_round_trip(ms in any::<u64>(), seq in any::<u64>()) {
        let o = StreamOffset { ms, seq };
        prop_assert_eq!(StreamOffset::parse(&o.to_string()), Some(o));
    }
}
