//! Property tests of the cluster codec: values and messages survive encode-then-decode;
//! arbitrary bytes (and bytes shaped like MessagePack or the JSON requests) give a value or a
//! typed error, never a panic (the fuzz body checks the round trip of whatever decodes).

use bytes::Bytes;
use proptest::prelude::*;
use socketio_proto::Str;
use socketio_proto::cluster::{
    BroadcastFlags, BroadcastMessage, BroadcastOpts, ClusterLimits, ClusterPacket, Request,
    Response, ResponseBody, Selector, Value, decode_value, encode_value, fuzz::fuzz_decode_all,
};

/// Values in the codec's canonical model: non-negative integers are `UInt`, `Int` is
/// negative, floats are not integral (an integral float is written as an integer, as
/// JavaScript numbers are) and not NaN (which is not equal to itself).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::UInt),
        (i64::MIN..0).prop_map(Value::Int),
        any::<f64>()
            .prop_filter("canonical float", |f| !f.is_nan()
                && (f.fract() != 0.0 || f.abs() >= 1.9e19))
            .prop_map(Value::F64),
        ".{0,40}".prop_map(|s| Value::Str(Str::from(s))),
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(|b| Value::Bin(Bytes::from(b))),
        (any::<i8>(), proptest::collection::vec(any::<u8>(), 0..20))
            .prop_map(|(t, b)| Value::Ext(t, Bytes::from(b))),
    ];
    leaf.prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..20).prop_map(Value::Array),
            proptest::collection::vec((inner.clone(), inner), 0..20).prop_map(Value::Map),
        ]
    })
}

fn name() -> impl Strategy<Value = Str> {
    "[a-z0-9#/é]{0,8}".prop_map(Str::from)
}

fn names() -> impl Strategy<Value = Vec<Str>> {
    proptest::collection::vec(name(), 0..4)
}

fn packet() -> impl Strategy<Value = ClusterPacket> {
    (
        name(),
        proptest::collection::vec(value(), 0..5),
        proptest::option::of(0u64..1 << 53),
    )
        .prop_map(|(nsp, data, id)| ClusterPacket { nsp, data, id })
}

fn opts() -> impl Strategy<Value = BroadcastOpts> {
    (
        names(),
        names(),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(
            |(rooms, except, volatile, compress, local, timeout)| BroadcastOpts {
                rooms,
                except,
                flags: BroadcastFlags {
                    volatile,
                    compress,
                    local,
                    timeout,
                },
            },
        )
}

fn selector() -> impl Strategy<Value = Selector> {
    (names(), names()).prop_map(|(rooms, except)| Selector { rooms, except })
}

/// JSON-safe values (what a JSON request can carry back unchanged): no binaries, no
/// extensions, string keys, no floats (whose decimal text may not read back to the same
/// variant).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        (0u64..1 << 53).prop_map(Value::UInt),
        (-(1i64 << 53)..0).prop_map(Value::Int),
        ".{0,20}".prop_map(|s| Value::Str(Str::from(s))),
    ];
    leaf.prop_recursive(3, 32, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec((name().prop_map(Value::Str), inner), 0..8)
                .prop_map(Value::Map),
        ]
    })
}

fn request() -> impl Strategy<Value = Request> {
    let id = "[A-Za-z0-9_-]{6}".prop_map(Str::from);
    prop_oneof![
        (id.clone(), id.clone(), names()).prop_map(|(uid, request_id, rooms)| Request::Sockets {
            uid,
            request_id,
            rooms
        }),
        (id.clone(), id.clone())
            .prop_map(|(uid, request_id)| Request::AllRooms { uid, request_id }),
        (id.clone(), selector(), names()).prop_map(|(uid, selector, rooms)| Request::Join {
            uid,
            selector,
            rooms
        }),
        (id.clone(), selector(), names()).prop_map(|(uid, selector, rooms)| Request::Leave {
            uid,
            selector,
            rooms
        }),
        (id.clone(), selector(), any::<bool>()).prop_map(|(uid, selector, close)| {
            Request::Disconnect {
                uid,
                selector,
                close,
            }
        }),
        (id.clone(), id.clone(), selector()).prop_map(|(uid, request_id, selector)| {
            Request::Fetch {
                uid,
                request_id,
                selector,
            }
        }),
        (
            id.clone(),
            proptest::option::of(id.clone()),
            proptest::collection::vec(json_value(), 1..4)
        )
            .prop_map(|(uid, request_id, data)| Request::ServerSideEmit {
                uid,
                request_id,
                data
            }),
        (id.clone(), id, packet(), opts()).prop_map(|(uid, request_id, packet, opts)| {
            Request::BroadcastWithAck {
                uid,
                request_id,
                packet,
                opts,
            }
        }),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    let body = prop_oneof![
        proptest::collection::vec(name(), 1..4).prop_map(ResponseBody::SocketIds),
        names().prop_map(ResponseBody::Rooms),
        json_value().prop_map(ResponseBody::ServerSideEmitAck),
        // JSON numbers are doubles: counts above 2^53 are not exact in node either.
        (0u64..1 << 53).prop_map(ResponseBody::ClientCount),
        value().prop_map(ResponseBody::BroadcastAck),
        Just(ResponseBody::Other),
    ];
    ("[A-Za-z0-9]{6}", body).prop_map(|(id, body)| Response {
        request_id: Str::from(id),
        body,
    })
}

/// Bytes that look like MessagePack or the JSON requests, so decoders get past their first
/// byte: type bytes, lengths, fragments of real messages.
fn shaped_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        (0x80u8..=0x9f).prop_map(|b| vec![b]),
        (0xa0u8..=0xbf).prop_map(|b| vec![b]),
        (0xc0u8..=0xdf).prop_map(|b| vec![b]),
        Just(vec![0x93, 0xa6]),
        Just(b"\xa4type\x02\xa4data".to_vec()),
        Just(b"\xa3nsp\xa1/".to_vec()),
        Just(b"\x83\xa5rooms\x90\xa6except\x90\xa5flags\x80".to_vec()),
        Just(b"{\"uid\":\"x\",\"type\":".to_vec()),
        Just(b"\"requestId\":\"r\",".to_vec()),
        Just(b"\"opts\":{\"rooms\":[],\"except\":[]}".to_vec()),
        Just(b"}".to_vec()),
        Just(vec![0xff, 0xff, 0xff, 0xff]),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn values_round_trip(v in value()) {
        let bytes = encode_value(&v);
        prop_assert_eq!(decode_value(&bytes, &ClusterLimits::default()).unwrap(), v);
    }

    #[test]
    fn broadcasts_round_trip(uid in name(), packet in packet(), opts in opts()) {
        let m = BroadcastMessage { uid, packet, opts };
        let again = BroadcastMessage::decode(&m.encode(), &ClusterLimits::default()).unwrap();
        prop_assert_eq!(again, m);
    }

    #[test]
    fn requests_round_trip(r in request()) {
        let again = Request::decode(&r.encode().unwrap(), &ClusterLimits::default()).unwrap();
        prop_assert_eq!(again, r);
    }

    #[test]
    fn responses_round_trip(r in response()) {
        let again = Response::decode(&r.encode().unwrap(), &ClusterLimits::default()).unwrap();
        prop_assert_eq!(again, r);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        fuzz_decode_all(&data);
    }

    #[test]
    fn shaped_bytes_never_panic(data in shaped_bytes()) {
        fuzz_decode_all(&data);
    }

    /// Any value converts to client JSON that serde_json reads back (or a typed error).
    #[test]
    fn client_json_is_well_formed(v in value()) {
        if let Ok((json, _)) = v.to_json() {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "{}", json);
        }
    }
}
