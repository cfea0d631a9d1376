//! Property tests: decoding arbitrary input never panics and returns a typed result.

use proptest::prelude::*;
use socketio_proto::Str;
use socketio_proto::sio::{self, Packet, ProtocolVersion, Reassembler, ReassemblerLimits};

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![Just(ProtocolVersion::V4), Just(ProtocolVersion::V5)]
}

/// Strings made of the characters the header grammar cares about, so the decoder's paths
/// are reached far more often than by uniformly random text.
fn headerish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[0-9]",
            Just("-".to_owned()),
            Just("/".to_owned()),
            Just(",".to_owned()),
            Just("?".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("\"".to_owned()),
            Just(":".to_owned()),
            Just("\"_placeholder\":true".to_owned()),
            Just("\"num\":".to_owned()),
            Just("\"a\"".to_owned()),
            Just("true".to_owned()),
            Just(" ".to_owned()),
            ".",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn decode_arbitrary_text_is_ok_or_typed_err(v in version(), s in any::<String>()) {
        let r = Packet::decode(v, Str::from(s.as_str()));
        if let Err(e) = r {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn decode_headerish_text_round_trips_when_ok(v in version(), s in headerish()) {
        let mut r = Reassembler::new(v, ReassemblerLimits::default());
        if let Ok(Some(p)) = r.push_text(Str::from(s.as_str())) {
            let (text, atts) = p.encode(v);
            prop_assert!(atts.is_empty());
            let again = Packet::decode(v, text).unwrap();
            prop_assert_eq!(again, sio::Decoded::Complete(p));
        }
    }

    #[test]
    fn fuzz_body_never_fails_on_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        sio::fuzz_decode_all(&data);
    }

    #[test]
    fn fuzz_body_on_headerish_frames(mode in any::<u8>(), frames in prop::collection::vec(
        prop_oneof![headerish().prop_map(String::into_bytes),
                    prop::collection::vec(any::<u8>(), 0..8).prop_map(|mut b| { b.insert(0, 0xFF); b })],
        0..6)) {
        let mut data = vec![mode];
        for f in frames {
            data.extend(f.into_iter().filter(|&b| b != 0x1E));
            data.push(0x1E);
        }
        sio::fuzz_decode_all(&data);
    }
}
