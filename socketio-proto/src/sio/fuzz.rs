//! A fuzz target body shared by the cargo-fuzz crate and the proptests.
//!
//! Input layout (deterministic, so any byte string is a valid test case): the first byte's
//! low bit picks the protocol version; the rest is split on `0x1E` into frames. A frame that
//! starts with `0xFF` is binary (the remaining bytes), any other frame is text (lossily
//! converted to UTF-8). Frames go through one [`Reassembler`]; each text frame also through the
//! stateless decoder and each decoded payload through the lazy accessors. Every packet that
//! comes out is re-encoded and decoded again, and must come back equal, with a stable encoding.
//! Each text frame is also given to the payload validator's quick scan, which must never
//! accept what the full validator refuses ([`fuzz_quick_check`]).

use bytes::Bytes;

use super::packet::{Packet, PacketBody, PacketType, ProtocolVersion};
use super::quick_check::certainly_valid;
use super::reassembler::{Reassembler, ReassemblerLimits};
use super::validate::{Shape, validate};
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
            fuzz_quick_check(text.as_str());
            let _ = Packet::decode(v, text.clone());
            r.push_text(text)
        };
        if let Ok(Some(packet)) = out {
            exercise_payload(&packet);
            check_round_trip(v, &packet);
        }
    }
}

/// Checks that the quick scan of plain event and ack payloads accepts nothing the full
/// validator refuses, for `text` itself and for its tail from the first `[` (a packet's
/// payload after its header).
///
/// # Panics
/// When the quick scan accepts a payload the validator refuses: that is a codec bug.
#[doc(hidden)]
pub fn fuzz_quick_check(text: &str) {
    let tail = text.find('[').and_then(|i| text.get(i..));
    for candidate in std::iter::once(text).chain(tail) {
        for (event, shape, ty) in [
            (true, Shape::Event, PacketType::Event),
            (false, Shape::Array, PacketType::Ack),
        ] {
            if certainly_valid(candidate, event) {
                assert!(
                    validate(candidate, shape, ty, 0).is_ok(),
                    "quick scan accepted {candidate:?}, the validator refuses it"
                );
            }
        }
    }
}

/// Whether the quick scan alone accepts `text` as a plain event (`event`) or ack payload;
/// for tests that check the fast path is really taken.
#[doc(hidden)]
#[must_use]
pub fn quick_scan_accepts(text: &str, event: bool) -> bool {
    certainly_valid(text, event)
}

fn exercise_payload(p: &Packet) {
    let payload = match &p.body {
        PacketBody::Event { data, .. } => {
            // A decoded event always has a name; its arguments may still exceed what
            // serde_json's tree can hold (nesting, lone surrogates), which is a typed error.
            assert!(data.event_name().is_ok(), "event name of {data}");
            let _ = data.event_args_value();
            // What the decoder accepted, re-sent as arguments, is still an argument list.
            assert!(data.to_args().as_str().starts_with('['), "args of {data}");
            data.as_payload()
        }
        PacketBody::Ack { data, .. } => data.as_payload(),
        PacketBody::ConnectError(data)
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

/// The msgpack parser over arbitrary bytes: the first byte's low bit picks the protocol
/// version, the rest is one binary message. Whatever decodes must encode, and decode again
/// to the same packet with the same encoding.
///
/// # Panics
/// When a decoded packet does not encode, or does not survive encode-then-decode unchanged:
/// that is a codec bug.
#[doc(hidden)]
pub fn fuzz_decode_msgpack(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let v = if mode & 1 == 0 {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V4
    };
    let limits = crate::msgpack::MsgpackLimits::default();
    let Ok(p) = Packet::decode_msgpack(v, &Bytes::copy_from_slice(rest), &limits) else {
        return;
    };
    #[allow(clippy::expect_used)]
    let once = p
        .encode_msgpack(v)
        .expect("a decoded msgpack packet encodes");
    #[allow(clippy::expect_used)]
    let again = Packet::decode_msgpack(v, &once, &limits).expect("our encoding decodes");
    assert_eq!(again, p, "msgpack round trip changed the packet");
    assert_eq!(
        again.encode_msgpack(v).ok(),
        Some(once),
        "unstable encoding"
    );
}
