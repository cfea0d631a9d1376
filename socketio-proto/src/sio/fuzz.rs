//! A fuzz target body shared by the cargo-fuzz crate and the proptests.
//!
//! Input layout (deterministic, so any byte string is a valid test case): the first byte's
//! low bit picks the protocol version; the rest is split on `0x1E` into frames. A frame that
//! starts with `0xFF` is binary (the remaining bytes), any other frame is text (lossily
//! converted to UTF-8). Frames go through one [`Reassembler`]; each text frame also through the
//! stateless decoder and each decoded payload through the lazy accessors. Every packet that
//! comes out is re-encoded and decoded again, and must come back equal, with a stable encoding.

use bytes::Bytes;

use super::packet::{Packet, PacketBody, ProtocolVersion};
use super::reassembler::{Reassembler, ReassemblerLimits};
use crate::Str;

/// Runs every decoder over `data` and checks the round trip of whatever decodes.
///
/// # Panics
/// When a decoded packet does not survive encode-then-decode unchanged: that is a codec bug.
#[doc(hidden)]
pub fn fuzz_decode_all(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let v = if mode & 1 == 0 {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V4
    };
    let mut r = Reassembler::new(v, ReassemblerLimits::default());
    for frame in rest.split(|&b| b == 0x1E) {
        let out = if let Some(bin) = frame.strip_prefix(&[0xFF]) {
            r.push_binary(Bytes::copy_from_slice(bin))
        } else {
            let text = Str::from(String::from_utf8_lossy(frame).into_owned());
            let _ = Packet::decode(v, text.clone());
            r.push_text(text)
        };
        if let Ok(Some(packet)) = out {
            exercise_payload(&packet);
            check_round_trip(v, &packet);
        }
    }
}

fn exercise_payload(p: &Packet) {
    let payload = match &p.body {
        PacketBody::Event { data, .. } => {
            // A decoded event always has a name; its arguments may still exceed what
            // serde_json's tree can hold (nesting, lone surrogates), which is a typed error.
            assert!(data.event_name().is_ok(), "event name of {data}");
            let _ = data.event_args_value();
            data
        }
        PacketBody::Ack { data, .. }
        | PacketBody::ConnectError(data)
        | PacketBody::Error(data)
        | PacketBody::Connect {
            auth: Some(data), ..
        } => data,
        _ => return,
    };
    let _ = payload.to_value();
    let _ = payload.deserialize::<serde_json::Value>();
}

fn check_round_trip(v: ProtocolVersion, packet: &Packet) {
    let (text, attachments) = packet.encode(v);
    let again = decode_frames(v, text.clone(), &attachments);
    assert_eq!(again.as_ref(), Some(packet), "round trip of {text:?}");
    if let Some(again) = again {
        let (text2, _) = again.encode(v);
        assert_eq!(text, text2, "encoding is not stable");
    }
}

/// Decodes one packet's frames with a fresh, unlimited reassembler.
fn decode_frames(v: ProtocolVersion, text: Str, attachments: &[Bytes]) -> Option<Packet> {
    let limits = ReassemblerLimits {
        max_attachments: usize::MAX,
        max_bytes: usize::MAX,
    };
    let mut r = Reassembler::new(v, limits);
    let mut out = r.push_text(text).ok()?;
    for a in attachments {
        if out.is_some() {
            return None;
        }
        out = r.push_binary(a.clone()).ok()?;
    }
    out
}
