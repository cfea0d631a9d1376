//! Property tests of the sharded codec: every message survives encode-then-decode, as JSON
//! and (with a binary in it) as MessagePack; arbitrary bytes shaped like its JSON give a
//! message or a typed error (the shared fuzz body, which also runs the sharded decoder).

use bytes::Bytes;
use proptest::prelude::*;
use socketio_proto::Str;
use socketio_proto::cluster::{
    BroadcastFlags, BroadcastMessage, BroadcastOpts, ClusterLimits, ClusterPacket, Request,
    Response, ResponseBody, Selector, ShardedBody, ShardedMessage, Value, fuzz::fuzz_decode_all,
};

fn name() -> impl Strategy<Value = Str> {
    "[a-z0-9#/é]{0,8}".prop_map(Str::from)
}

fn arg() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u32>().prop_map(|n| Value::UInt(u64::from(n))),
        "[a-z\"\\\\]{0,6}".prop_map(Value::str),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(|b| Value::Bin(Bytes::from(b))),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn body(nsp: Str, uid: Str) -> impl Strategy<Value = ShardedBody> {
    let names = || proptest::collection::vec(name(), 0..3);
    let selector = || (names(), names()).prop_map(|(rooms, except)| Selector { rooms, except });
    let data = || {
        (name(), proptest::collection::vec(arg(), 0..4)).prop_map(|(ev, mut args)| {
            args.insert(0, Value::Str(ev));
            args
        })
    };
    let opts = || {
        (
            names(),
            names(),
            any::<bool>(),
            proptest::option::of(0u64..100_000),
        )
            .prop_map(|(rooms, except, volatile, timeout)| BroadcastOpts {
                rooms,
                except,
                flags: BroadcastFlags {
                    volatile,
                    timeout,
                    ..BroadcastFlags::default()
                },
            })
    };
    let id = || "[0-9a-f]{16}".prop_map(Str::from);
    let (u1, u2, u3, u4, n1, n2) = (
        uid.clone(),
        uid.clone(),
        uid.clone(),
        uid.clone(),
        nsp.clone(),
        nsp,
    );
    prop_oneof![
        (data(), opts()).prop_map(
            move |(data, opts)| ShardedBody::Broadcast(BroadcastMessage {
                uid: u1.clone(),
                packet: ClusterPacket {
                    nsp: n1.clone(),
                    data,
                    id: None
                },
                opts,
            })
        ),
        (data(), opts(), id()).prop_map(move |(data, opts, request_id)| {
            ShardedBody::Request(Request::BroadcastWithAck {
                uid: u2.clone(),
                request_id,
                packet: ClusterPacket {
                    nsp: n2.clone(),
                    data,
                    id: None,
                },
                opts,
            })
        }),
        (selector(), names()).prop_map(move |(selector, rooms)| ShardedBody::Request(
            Request::Join {
                uid: u3.clone(),
                selector,
                rooms
            }
        )),
        (selector(), id()).prop_map(move |(selector, request_id)| ShardedBody::Request(
            Request::Fetch {
                uid: u4.clone(),
                request_id,
                selector
            }
        )),
        (proptest::option::of(id()), data()).prop_map(move |(request_id, data)| {
            ShardedBody::Request(Request::ServerSideEmit {
                uid: uid.clone(),
                request_id,
                data,
            })
        }),
        (id(), arg()).prop_map(|(request_id, v)| ShardedBody::Response(Response {
            request_id,
            body: ResponseBody::BroadcastAck(v)
        })),
        (id(), any::<u32>()).prop_map(|(request_id, n)| ShardedBody::Response(Response {
            request_id,
            body: ResponseBody::ClientCount(u64::from(n))
        })),
    ]
}

fn message() -> impl Strategy<Value = ShardedMessage> {
    ("/[a-z]{0,5}", "[0-9a-f]{16}").prop_flat_map(|(nsp, uid)| {
        let (nsp, uid) = (Str::from(nsp), Str::from(uid));
        body(nsp.clone(), uid.clone()).prop_map(move |body| ShardedMessage {
            uid: uid.clone(),
            nsp: nsp.clone(),
            body,
        })
    })
}

proptest! {
    #[test]
    fn messages_survive_encode_then_decode(m in message()) {
        let bytes = m.encode().unwrap();
        let back = ShardedMessage::decode(&bytes, &ClusterLimits::default()).unwrap();
        prop_assert_eq!(back, m);
    }

    #[test]
    fn json_shaped_bytes_never_panic(
        ty in 0u64..16,
        data in "[{}\\[\\]\":,a-z0-9]{0,40}",
        uid in "[a-z\"]{0,4}",
    ) {
        let text = format!("{{\"type\":{ty},\"data\":{data},\"uid\":\"{uid}\",\"nsp\":\"/\"}}");
        fuzz_decode_all(text.as_bytes());
    }
}

#[test]
fn the_classic_only_operations_have_no_sharded_form() {
    let m = ShardedMessage {
        uid: Str::from("u"),
        nsp: Str::from("/"),
        body: ShardedBody::Request(Request::AllRooms {
            uid: Str::from("u"),
            request_id: Str::from("r"),
        }),
    };
    assert!(m.encode().is_err());
    let unknown = Bytes::from_static(br#"{"type":99,"data":{},"uid":"u","nsp":"/"}"#);
    assert!(ShardedMessage::decode(&unknown, &ClusterLimits::default()).is_err());
}

/// node's captured sharded messages, cut at every length and with every byte flipped: a
/// message or a typed error, and whatever decodes round-trips (the fuzz body's checks).
#[test]
fn captured_messages_cut_or_flipped_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cluster");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("sharded-") && name.ends_with(".bin")) {
            continue;
        }
        seen += 1;
        let data = std::fs::read(&path).unwrap();
        for cut in 0..data.len() {
            fuzz_decode_all(&data[..cut]);
        }
        for i in 0..data.len().min(400) {
            let mut flipped = data.clone();
            flipped[i] ^= 0x5a;
            fuzz_decode_all(&flipped);
        }
    }
    assert_eq!(seen, 15);
}
