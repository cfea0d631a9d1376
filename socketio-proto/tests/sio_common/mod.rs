//! Shared proptest strategies for the Socket.IO codec tests (included with `mod`).

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Value, json};
use socketio_proto::Str;
use socketio_proto::sio::{
    Args, MAX_ACK_ID, Packet, PacketBody, Payload, ProtocolVersion, RESERVED_EVENTS,
};

pub(crate) fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![Just(ProtocolVersion::V4), Just(ProtocolVersion::V5)]
}

pub(crate) fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-z_]{0,8}", json_value(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// Namespaces: "/" or "/" followed by anything but ',' (and '?' when `no_query`).
pub(crate) fn nsp(no_query: bool) -> BoxedStrategy<Str> {
    let re = if no_query {
        "/[^,?]{0,10}"
    } else {
        "/[^,]{0,10}"
    };
    prop_oneof![Just("/".to_owned()), re.prop_map(|s: String| s)]
        .prop_map(Str::from)
        .boxed()
}

fn event_name() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("not reserved", |s| !RESERVED_EVENTS.contains(&s.as_str()))
}

/// An array of `args`, with one placeholder per attachment inserted at `slots` (some nested).
fn with_placeholders(mut args: Vec<Value>, n: usize, slots: &[(usize, bool)]) -> Vec<Value> {
    for (i, &(slot, nested)) in slots.iter().take(n).enumerate() {
        let ph = json!({"_placeholder": true, "num": i});
        let ph = if nested { json!({"file": [ph]}) } else { ph };
        let at = slot % (args.len() + 1);
        args.insert(at, ph);
    }
    args
}

fn attachments() -> impl Strategy<Value = Vec<Bytes>> {
    // No 0x1E byte, so the frames can also be fed to the fuzz body's frame splitter.
    prop::collection::vec(
        prop::collection::vec(
            any::<u8>().prop_filter("no separator", |b| *b != 0x1E),
            0..64,
        )
        .prop_map(Bytes::from),
        0..4,
    )
}

fn slots() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((any::<usize>(), any::<bool>()), 4)
}

/// Any packet valid for `v`, in the form decoding `v` produces.
pub(crate) fn packet(v: ProtocolVersion) -> BoxedStrategy<Packet> {
    let v4 = v == ProtocolVersion::V4;
    let connect = (
        nsp(v4),
        prop::option::of(object()),
        prop::option::of("[a-zA-Z0-9=&%.]{0,16}"),
    )
        .prop_map(move |(nsp, auth, query)| Packet {
            nsp,
            body: PacketBody::Connect {
                auth: if v4 {
                    None
                } else {
                    auth.map(|a| Payload::from_value(&a))
                },
                query: if v4 { query.map(Str::from) } else { None },
            },
        });
    let disconnect = nsp(false).prop_map(Packet::disconnect);
    let event = (
        nsp(false),
        event_name(),
        prop::collection::vec(json_value(), 0..4),
        attachments(),
        slots(),
    )
        .prop_map(|(nsp, name, args, atts, slots)| {
            let args = with_placeholders(args, atts.len(), &slots);
            Packet::event(nsp, &name, &Args::from_values(args), atts, None)
                .expect("event_name() filters out the reserved names")
        });
    let event = (event, prop::option::of(0..=MAX_ACK_ID)).prop_map(|(mut p, new_id)| {
        if let PacketBody::Event { id, .. } = &mut p.body {
            *id = new_id;
        }
        p
    });
    let ack = (
        nsp(false),
        0..=MAX_ACK_ID,
        prop::collection::vec(json_value(), 0..4),
        attachments(),
        slots(),
    )
        .prop_map(|(nsp, id, args, atts, slots)| {
            let args = with_placeholders(args, atts.len(), &slots);
            Packet::ack(nsp, id, Args::from_values(args), atts)
        });
    let error = (
        nsp(false),
        prop_oneof![any::<String>().prop_map(Value::String), object()],
    )
        .prop_map(move |(nsp, data)| Packet {
            nsp,
            body: if v4 {
                PacketBody::Error(Payload::from_value(&data))
            } else {
                PacketBody::ConnectError(Payload::from_value(&data))
            },
        });
    prop_oneof![connect, disconnect, event, ack, error].boxed()
}

pub(crate) fn versioned_packet() -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    version().prop_flat_map(|v| (Just(v), packet(v)))
}
