//! Property tests: every Socket.IO 0.9 decoder returns `Ok` or a typed error on any input
//! (never panics), and whatever decodes survives a round trip (checked by the fuzz body).

use bytes::Bytes;
use proptest::prelude::*;
use socketio_proto::Str;
use socketio_proto::v09::{
    Handshake, Packet, PayloadLimits, decode_payload, fuzz_decode_all, split_payload,
};

/// Bytes drawn mostly from the 0.9 alphabet so decoders get past their first checks: type
/// digits, separators, `+`, `?`, endpoints, the U+FFFD frame mark, JSON fragments, and some
/// multi-byte UTF-8 (including a four-byte character, two UTF-16 units).
fn protocol_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        (b'0'..=b'9').prop_map(|b| vec![b]),
        Just(b":".to_vec()),
        Just(b"::".to_vec()),
        Just(b"+".to_vec()),
        Just(b"?".to_vec()),
        Just(b",".to_vec()),
        Just(b"/chat".to_vec()),
        Just("\u{fffd}".as_bytes().to_vec()),
        Just(b"{\"name\":\"x\",\"args\":[1]}".to_vec()),
        Just(b"{\"name\":".to_vec()),
        Just(b"[\"A\"]".to_vec()),
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"websocket".to_vec()),
        Just("é".as_bytes().to_vec()),
        Just("😀".as_bytes().to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn every_decoder(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let _ = Packet::decode_bytes(bytes.clone());
    if let Ok(text) = Str::from_utf8(bytes) {
        let _ = Packet::decode(text.clone());
        let _ = Handshake::parse(&text);
        let _ = split_payload(&text, &PayloadLimits::default());
        let _ = decode_payload(&text, &PayloadLimits { max_packets: 0 });
        let _ = decode_payload(&text, &PayloadLimits { max_packets: 1 });
    }
    fuzz_decode_all(data);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        every_decoder(&data);
    }

    #[test]
    fn protocol_shaped_bytes_never_panic(data in protocol_bytes()) {
        every_decoder(&data);
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        every_decoder(s.as_bytes());
        every_decoder(format!("5:1+:{s}").as_bytes());
        every_decoder(format!("\u{fffd}{}\u{fffd}{s}", s.encode_utf16().count()).as_bytes());
    }
}

/// Framed bodies whose lengths are right for some prefix of the text: these reach the packet
/// decoder inside frames, which random bytes rarely do.
#[test]
fn truncated_frames_are_errors_not_panics() {
    let frames = ["3:::😀", "5:::{\"name\":\"é\",\"args\":[]}"]
        .map(|p| format!("\u{fffd}{}\u{fffd}{p}", p.encode_utf16().count()));
    let first_frame = frames[0].len();
    let body = frames.concat();
    for cut in 0..=body.len() {
        if let Some(prefix) = body.get(..cut) {
            every_decoder(prefix.as_bytes());
            let ok = decode_payload(&Str::from(prefix), &PayloadLimits::default()).is_ok();
            assert_eq!(
                ok,
                cut == first_frame || cut == body.len(),
                "cut at {cut}: {prefix:?}"
            );
        }
    }
    assert_eq!(
        decode_payload(&Str::from(body.as_str()), &PayloadLimits::default())
            .unwrap()
            .len(),
        2
    );
}
