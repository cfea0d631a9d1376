//! Property tests: every Socket.IO 0.9 packet type, framed payloads and handshakes survive
//! encode-then-decode unchanged, with a stable encoding.

use proptest::prelude::*;
use serde_json::Value;
use socketio_proto::Str;
use socketio_proto::sio::Payload;
use socketio_proto::v09::{
    AckKind, ErrorAdvice, ErrorReason, Event, Handshake, MAX_ID, MessageId, Packet, PacketBody,
    PayloadLimits, decode_payload, encode_payload,
};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn payload_of(v: &Value) -> Payload {
    Payload::from_json(Str::from(v.to_string())).unwrap()
}

fn message_id() -> impl Strategy<Value = Option<MessageId>> {
    proptest::option::of(
        (0..=MAX_ID, any::<bool>()).prop_map(|(id, data)| MessageId {
            id,
            ack: if data {
                AckKind::WithData
            } else {
                AckKind::Automatic
            },
        }),
    )
}

fn body() -> impl Strategy<Value = PacketBody> {
    prop_oneof![
        Just(PacketBody::Disconnect),
        Just(PacketBody::Heartbeat),
        Just(PacketBody::Noop),
        (message_id(), any::<String>()).prop_map(|(id, data)| PacketBody::Message {
            id,
            data: Str::from(data)
        }),
        (message_id(), json_value()).prop_map(|(id, v)| PacketBody::Json {
            id,
            data: payload_of(&v)
        }),
        (
            message_id(),
            any::<String>(),
            proptest::collection::vec(json_value(), 0..4)
        )
            .prop_map(|(id, name, args)| PacketBody::Event {
                id,
                event: Event::new(&name, &args).unwrap(),
            }),
        (
            0..=MAX_ID,
            proptest::option::of(proptest::collection::vec(json_value(), 0..4))
        )
            .prop_map(|(ack_id, args)| PacketBody::Ack {
                ack_id,
                args: args.map(|a| payload_of(&Value::Array(a))),
            }),
        (
            proptest::option::of(0..=2u8),
            proptest::option::of(Just(ErrorAdvice::Reconnect))
        )
            .prop_map(|(reason, advice)| PacketBody::Error {
                reason: reason.and_then(ErrorReason::from_index),
                advice,
            }),
    ]
}

fn packet() -> impl Strategy<Value = Packet> {
    prop_oneof![
        ("[^:]{0,12}", body()).prop_map(|(e, body)| Packet::with_endpoint(e, body)),
        ("[^:?]{0,12}", proptest::option::of(any::<String>())).prop_map(|(e, q)| {
            Packet::with_endpoint(
                e,
                PacketBody::Connect {
                    query: q.map(Str::from),
                },
            )
        }),
    ]
}

proptest! {
    #[test]
    fn every_packet_round_trips(p in packet()) {
        let wire = p.encode().unwrap();
        let again = Packet::decode(wire.clone()).unwrap();
        prop_assert_eq!(&again, &p);
        prop_assert_eq!(again.encode().unwrap(), wire);
    }

    #[test]
    fn framed_payloads_round_trip(packets in proptest::collection::vec(packet(), 1..8)) {
        let encoded: Vec<Str> = packets.iter().map(|p| p.encode().unwrap()).collect();
        let body = encode_payload(&encoded);
        if let [one] = encoded.as_slice() {
            prop_assert_eq!(&body, one, "a single packet is sent unframed");
        }
        let decoded = decode_payload(&body, &PayloadLimits::default()).unwrap();
        prop_assert_eq!(decoded, packets);
    }

    /// Each frame's length is the packet's JavaScript `String.length`.
    #[test]
    fn frame_lengths_are_utf16_lengths(a in any::<String>(), b in any::<String>()) {
        let packets = [
            Packet::new(PacketBody::Message { id: None, data: Str::from(a.clone()) }),
            Packet::new(PacketBody::Message { id: None, data: Str::from(b) }),
        ];
        let encoded: Vec<Str> = packets.iter().map(|p| p.encode().unwrap()).collect();
        let body = encode_payload(&encoded);
        let first = encoded.first().unwrap();
        let header = format!("\u{fffd}{}\u{fffd}", first.encode_utf16().count());
        prop_assert!(body.starts_with(&header));
        prop_assert_eq!(first.encode_utf16().count(), if a.is_empty() { 3 } else { 4 + a.encode_utf16().count() });
    }

    #[test]
    fn handshakes_round_trip(
        sid in "[^:]{1,24}",
        heartbeat in proptest::option::of(any::<u64>()),
        close in proptest::option::of(any::<u64>()),
        transports in proptest::collection::vec("[^,:]{1,12}", 0..5),
    ) {
        let h = Handshake {
            sid: Str::from(sid),
            heartbeat_timeout: heartbeat,
            close_timeout: close,
            transports: transports.into_iter().map(Str::from).collect(),
        };
        let body = h.encode().unwrap();
        prop_assert_eq!(Handshake::parse(&body).unwrap(), h);
    }
}
