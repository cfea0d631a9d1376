//! Property tests: every Engine.IO decoder returns `Ok` or a typed error on any input (never
//! panics), and v3 lengths are JavaScript's UTF-16 lengths.

use bytes::Bytes;
use proptest::prelude::*;
use socketio_proto::Str;
use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
use socketio_proto::eio::{
    Frame, Handshake, Message, Packet, ProtocolVersion, fuzz_decode_all, utf16_len,
};

/// Bytes drawn mostly from the protocol's own alphabet, so decoders get past their first
/// checks: type digits, `:`, `b`, base64 characters, the v4 separator, v3 binary markers and
/// digit bytes, `0xff`, and some UTF-8 (including a four-byte character).
fn protocol_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        (b'0'..=b'9').prop_map(|b| vec![b]),
        Just(b":".to_vec()),
        Just(b"b".to_vec()),
        Just(b"b4".to_vec()),
        Just(b"AQIDBA==".to_vec()),
        Just(vec![0x1e]),
        (0u8..=10).prop_map(|b| vec![b]),
        Just(vec![0xff]),
        Just("€".as_bytes().to_vec()),
        Just("😀".as_bytes().to_vec()),
        Just(b"{\"sid\":\"a\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":2}".to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn every_decoder(data: &[u8]) {
    // Each decoder on its own, to see that it returns rather than panics...
    let bytes = Bytes::copy_from_slice(data);
    for v in [ProtocolVersion::V3, ProtocolVersion::V4] {
        let _ = Packet::decode_binary(v, bytes.clone());
        if let Ok(text) = Str::from_utf8(bytes.clone()) {
            let _ = Packet::decode_text(v, text.clone());
            let _ = Handshake::parse(&text);
        }
    }
    for format in [
        PayloadFormat::V4,
        PayloadFormat::V3Text,
        PayloadFormat::V3Binary,
    ] {
        let _ = payload::decode(format, bytes.clone(), &PayloadLimits::default());
        let _ = payload::decode(format, bytes.clone(), &PayloadLimits { max_packets: 0 });
    }
    // ...and the fuzz body, which also checks round trips of whatever decodes.
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
    fn utf16_len_is_javascript_length(s in any::<String>()) {
        prop_assert_eq!(utf16_len(&s), s.encode_utf16().count());
    }

    /// The v3 text payload prefix is the packet's UTF-16 length.
    #[test]
    fn v3_text_prefix_is_utf16_length(s in any::<String>()) {
        let frame = Packet::Message(Message::Text(Str::from(s.clone()))).encode(ProtocolVersion::V3);
        let body = payload::encode(PayloadFormat::V3Text, std::slice::from_ref(&frame));
        let body = std::str::from_utf8(&body).unwrap();
        let (prefix, rest) = body.split_once(':').unwrap();
        prop_assert_eq!(prefix.parse::<usize>().unwrap(), format!("4{s}").encode_utf16().count());
        let Frame::Text(text) = frame else { panic!("not text") };
        prop_assert_eq!(rest, text.as_str());
    }
}

#[test]
fn non_bmp_characters_count_two() {
    assert_eq!(utf16_len("😀"), 2);
    assert_eq!(utf16_len("👩‍💻"), "👩‍💻".encode_utf16().count());
    let frame = Packet::Message(Message::Text(Str::from("😀😀"))).encode(ProtocolVersion::V3);
    assert_eq!(
        &payload::encode(PayloadFormat::V3Text, &[frame])[..],
        "5:4😀😀".as_bytes()
    );
}
