//! Property tests for the payload validator's quick scan: on JSON-shaped noise it must never
//! accept what the full validator refuses, and real encoder output must take the quick path
//! (otherwise the fast path would silently stop working while every test still passed).

use proptest::prelude::*;
use socketio_proto::Str;
use socketio_proto::sio::{
    Args, Decoded, Packet, PacketBody, ProtocolVersion, fuzz_quick_check, quick_scan_accepts,
};

/// Token soup close enough to JSON that the scan's every branch is reached.
fn jsonish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("\\u00e9".to_owned()),
        Just("\\uD800".to_owned()),
        Just("\\x".to_owned()),
        Just("\"ev\"".to_owned()),
        Just("\"connect\"".to_owned()),
        Just("\"long string with no specials\"".to_owned()),
        Just("null".to_owned()),
        Just("nul".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("-".to_owned()),
        Just("0".to_owned()),
        Just("01".to_owned()),
        Just("1.5e+3".to_owned()),
        Just(".".to_owned()),
        Just("e".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\u{1}".to_owned()),
        Just("é".to_owned()),
        "[0-9a-f]",
    ];
    (
        prop_oneof![Just(""), Just("[\"ev\","), Just("["), Just("[\"ev\"")],
        prop::collection::vec(token, 0..32),
    )
        .prop_map(|(head, parts)| format!("{head}{}", parts.concat()))
}

/// A real event payload with a few tokens inserted or characters deleted: mostly near-misses,
/// some still valid, so both answers of the scan are exercised.
fn mutated_payload() -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), jsonish(), 0usize..3);
    (
        prop::collection::vec(json_value(), 0..4),
        prop::collection::vec(edit, 0..3),
    )
        .prop_map(|(args, edits)| {
            let mut chars: Vec<char> = serde_json::to_string(&(("ev",), args))
                .unwrap_or_default()
                .replacen("[[\"ev\"],", "[\"ev\",", 1)
                .chars()
                .collect();
            for (at, insert, delete) in edits {
                let at = at.index(chars.len() + 1);
                let end = (at + delete).min(chars.len());
                chars.splice(at..end, insert.chars().take(3));
            }
            chars.into_iter().collect()
        })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn quick_scan_never_accepts_what_the_validator_refuses(text in jsonish()) {
        fuzz_quick_check(&text);
    }

    #[test]
    fn quick_scan_never_accepts_a_broken_payload(text in mutated_payload()) {
        fuzz_quick_check(&text);
    }

    #[test]
    fn encoder_output_takes_the_quick_path(
        name in "[a-z]{1,12}",
        args in prop::collection::vec(json_value(), 0..4),
    ) {
        prop_assume!(!socketio_proto::sio::RESERVED_EVENTS.contains(&name.as_str()));
        let args = Args::from_values(args);
        let packet = Packet::event(Str::from("/"), &name, &args, Vec::new(), Some(1)).unwrap();
        let PacketBody::Event { data, .. } = &packet.body else {
            unreachable!("an event")
        };
        prop_assert!(quick_scan_accepts(data.as_str(), true), "{}", data);
        prop_assert!(quick_scan_accepts(args.as_str(), false), "{}", args);
        let (text, _) = packet.encode(ProtocolVersion::V5);
        let decoded = Packet::decode(ProtocolVersion::V5, text);
        prop_assert!(matches!(decoded, Ok(Decoded::Complete(p)) if p == packet));
    }
}
