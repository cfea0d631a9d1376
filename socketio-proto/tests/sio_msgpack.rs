//! Property tests of the msgpack parser: every packet the text parser can carry survives
//! msgpack encode-then-decode with the same meaning (binaries at the same places, same
//! bytes); arbitrary and mutated input never panics and round-trips when it decodes.

mod sio_common;

use bytes::Bytes;
use proptest::prelude::*;
use sio_common::versioned_packet;
use socketio_proto::msgpack::{MsgpackLimits, Value};
use socketio_proto::sio::{Packet, PacketBody, fuzz_decode_msgpack};

/// The packet's data as one tree with each placeholder replaced by its binary: what a
/// JavaScript peer sees, whatever the parser.
fn meaning(p: &Packet) -> Option<Value> {
    match &p.body {
        PacketBody::Event {
            data, attachments, ..
        } => Value::from_json(data.as_str(), attachments).ok(),
        PacketBody::Ack {
            data, attachments, ..
        } => Value::from_json(data.as_str(), attachments).ok(),
        _ => None,
    }
}

/// Every number as the double JavaScript holds (so `1.0` is `1`, and integers beyond 2^53
/// are their nearest double on both sides).
fn normalize(v: Value) -> Value {
    match v {
        Value::UInt(n) => Value::F64(n as f64),
        Value::Int(n) => Value::F64(n as f64),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (normalize(k), normalize(v)))
                .collect(),
        ),
        other => other,
    }
}

proptest! {
    #[test]
    fn encode_then_decode_keeps_the_meaning((v, p) in versioned_packet()) {
        let bytes = p.encode_msgpack(v).unwrap();
        let back = Packet::decode_msgpack(v, &bytes, &MsgpackLimits::default()).unwrap();
        prop_assert_eq!(&back.nsp, &p.nsp);
        prop_assert_eq!(back.packet_type() as u8 % 5 == p.packet_type() as u8 % 5, true);
        prop_assert_eq!(meaning(&back).map(normalize), meaning(&p).map(normalize));
        match (&back.body, &p.body) {
            (PacketBody::Event { id: a, .. }, PacketBody::Event { id: b, .. }) => prop_assert_eq!(a, b),
            (PacketBody::Ack { id: a, .. }, PacketBody::Ack { id: b, .. }) => prop_assert_eq!(a, b),
            (PacketBody::Connect { query: a, .. }, PacketBody::Connect { query: b, .. }) => {
                prop_assert_eq!(a, b)
            }
            (PacketBody::Disconnect, PacketBody::Disconnect)
            | (PacketBody::ConnectError(_), PacketBody::ConnectError(_))
            | (PacketBody::Error(_), PacketBody::Error(_)) => {}
            (a, b) => prop_assert!(false, "{a:?} from {b:?}"),
        }
        // Beyond here the fuzz body: a decoded packet encodes, and decodes again to itself
        // with a stable encoding (integers past 2^53 become doubles once, as in JavaScript).
        let mut input = vec![u8::from(v == socketio_proto::sio::ProtocolVersion::V4)];
        input.extend_from_slice(&bytes);
        fuzz_decode_msgpack(&input);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..256)) {
        fuzz_decode_msgpack(&data);
    }

    #[test]
    fn mutated_packets_never_panic(
        (v, p) in versioned_packet(),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<usize>(),
    ) {
        let mut bytes = p.encode_msgpack(v).unwrap().to_vec();
        for (at, x) in flips {
            let i = at % bytes.len();
            bytes[i] ^= x;
        }
        bytes.truncate(cut % (bytes.len() + 1) + 1);
        let mut input = vec![0u8];
        input.extend_from_slice(&bytes);
        fuzz_decode_msgpack(&input);
        let _ = Packet::decode_msgpack(
            socketio_proto::sio::ProtocolVersion::V5,
            &Bytes::from(bytes),
            &MsgpackLimits::default(),
        );
    }
}
