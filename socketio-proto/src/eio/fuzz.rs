//! Fuzz body for every Engine.IO decoder (used by the fuzz targets and the proptests).
//!
//! Panicking is deliberate here: it is how a fuzzer reports a bug. The decoders themselves
//! never panic; this harness panics only when a decoded value does not survive
//! encode-then-decode unchanged.
#![allow(clippy::panic)]

use bytes::Bytes;

use super::payload::{self, PayloadFormat, PayloadLimits};
use super::{Frame, Handshake, Packet, ProtocolVersion};
use crate::Str;

/// Runs every Engine.IO decoder over `data`: text and binary frames for both versions, all
/// three payload formats, and the handshake parser. Whatever decodes is encoded again and
/// must decode to the same value, or this panics.
#[doc(hidden)]
pub fn fuzz_decode_all(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let text = Str::from_utf8(bytes.clone()).ok();
    for v in [ProtocolVersion::V3, ProtocolVersion::V4] {
        if let Some(text) = &text
            && let Ok(packet) = Packet::decode_text(v, text.clone())
        {
            check_packet(v, &packet);
        }
        if let Ok(packet) = Packet::decode_binary(v, bytes.clone()) {
            check_packet(v, &packet);
        }
    }
    let limits = PayloadLimits::default();
    for format in [
        PayloadFormat::V4,
        PayloadFormat::V3Text,
        PayloadFormat::V3Binary,
    ] {
        if let Ok(packets) = payload::decode(format, bytes.clone(), &limits) {
            let frames: Vec<Frame> = packets.iter().map(|p| p.encode(format.version())).collect();
            let again = payload::decode(format, payload::encode(format, &frames), &limits);
            if again.as_ref() != Ok(&packets) {
                panic!("{format:?} payload round trip changed {packets:?} into {again:?}");
            }
        }
    }
    if let Some(text) = &text
        && let Ok(handshake) = Handshake::parse(text)
    {
        let Packet::Open(json) = handshake.to_packet() else {
            panic!("handshake did not make an open packet");
        };
        let again = Handshake::parse(&json);
        if again.as_ref() != Ok(&handshake) {
            panic!("handshake round trip changed {handshake:?} into {again:?}");
        }
    }
}

fn check_packet(v: ProtocolVersion, packet: &Packet) {
    let again = Packet::decode_frame(v, packet.encode(v));
    if again.as_ref() != Ok(packet) {
        panic!("{v:?} packet round trip changed {packet:?} into {again:?}");
    }
}
