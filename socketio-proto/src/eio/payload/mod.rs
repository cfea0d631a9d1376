//! Long-polling payloads: several encoded packets in one HTTP body.
//!
//! Three wire formats exist:
//!
//! | format | used by | layout |
//! |---|---|---|
//! | [`PayloadFormat::V4`] | v4, always | packets joined by `0x1e`; binary as `b<base64>` |
//! | [`PayloadFormat::V3Text`] | v3, text-only or `b64=1` | `<utf16 length>:<packet>` records; binary as `b4<base64>` |
//! | [`PayloadFormat::V3Binary`] | v3 with binary, XHR2 clients | `0x00`/`0x01`, length digits as bytes 0..=9, `0xff`, packet |
//!
//! Encoding takes [`Frame`]s as made by [`Packet::encode`](super::Packet::encode) for the
//! matching version, so the server can queue encoded frames and flush them as one payload
//! without encoding packets again. Each encoder sizes its buffer once up front.
//!
//! Decoding splits a body into packets that slice the body. It is strict where the
//! reference parser is lenient about malformed input (lengths that lie, non-digit lengths,
//! trailing bytes all fail), and matches it on well-formed input, including its quirks:
//! zero-length v3 text records (`0:`) are skipped, an empty v3 binary body is zero packets, and
//! an empty v4 or v3 text body is an error.

use bytes::Bytes;

use super::{Frame, Packet, PayloadError, ProtocolVersion};

mod digits;
mod v3_binary;
mod v3_text;
mod v4;

/// How a long-polling body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// Engine.IO v4: packets separated by `0x1e`, binary as `b<base64>`.
    V4,
    /// Engine.IO v3 text: `<length>:<packet>` records, the length in UTF-16 code units as
    /// JavaScript's `String.length`; binary as `b4<base64>`.
    V3Text,
    /// Engine.IO v3 binary (`application/octet-stream`): per record a `0x00` (text) or `0x01`
    /// (binary) marker, the byte length as one byte per decimal digit, `0xff`, the packet.
    V3Binary,
}

impl PayloadFormat {
    /// The protocol version whose frames this format carries.
    #[must_use]
    pub const fn version(self) -> ProtocolVersion {
        match self {
            Self::V4 => ProtocolVersion::V4,
            Self::V3Text | Self::V3Binary => ProtocolVersion::V3,
        }
    }

    /// The format a server uses to send `frames` in protocol `v`: v4 always uses
    /// [`Self::V4`]; v3 uses [`Self::V3Binary`] only when there is binary to send and the client
    /// supports it (it did not ask for `b64=1`), as the reference server does.
    #[must_use]
    pub fn for_sending(v: ProtocolVersion, client_supports_binary: bool, frames: &[Frame]) -> Self {
        match v {
            ProtocolVersion::V4 => Self::V4,
            ProtocolVersion::V3 => {
                if client_supports_binary && frames.iter().any(|f| !f.is_text()) {
                    Self::V3Binary
                } else {
                    Self::V3Text
                }
            }
        }
    }
}

/// The `Content-Type` of a body in `format`.
#[must_use]
pub const fn content_type(format: PayloadFormat) -> &'static str {
    match format {
        PayloadFormat::V4 | PayloadFormat::V3Text => "text/plain; charset=UTF-8",
        PayloadFormat::V3Binary => "application/octet-stream",
    }
}

/// Limits applied while decoding a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadLimits {
    /// Most packets accepted in one body; more is [`PayloadError::TooManyPackets`].
    /// Default [`PayloadLimits::DEFAULT_MAX_PACKETS`].
    pub max_packets: usize,
}

impl PayloadLimits {
    /// Default for [`PayloadLimits::max_packets`]: 4096. The body size is already capped by
    /// the server's HTTP buffer limit; this caps the work and memory a body of tiny packets
    /// (two bytes each in v4) can cost, while leaving room for a client that buffered many
    /// small messages during one round trip.
    pub const DEFAULT_MAX_PACKETS: usize = 4096;
}

impl Default for PayloadLimits {
    fn default() -> Self {
        Self {
            max_packets: Self::DEFAULT_MAX_PACKETS,
        }
    }
}

/// Joins already-encoded `frames` into one body in `format`. The frames must come from
/// [`Packet::encode`](super::Packet::encode) (or the message frame builders) for
/// `format.version()`; a frame that could not have come from there is still written without
/// panicking, as faithfully as the format allows.
///
/// An empty list gives an empty body, except in [`PayloadFormat::V3Text`] where it is `0:`, as
/// the reference encoder writes (v3 clients reject an empty text body).
///
/// In v4 a text frame must not contain `0x1e`, which separates packets: the protocol has no
/// escape for it (Socket.IO's JSON never contains a raw `0x1e`).
#[must_use]
pub fn encode(format: PayloadFormat, frames: &[Frame]) -> Bytes {
    match format {
        PayloadFormat::V4 => v4::encode(frames),
        PayloadFormat::V3Text => v3_text::encode(frames),
        PayloadFormat::V3Binary => v3_binary::encode(frames),
    }
}

/// Splits a body in `format` into packets, which slice `body` where they can.
///
/// # Errors
/// A [`PayloadError`] naming the first problem found; nothing is returned on error.
pub fn decode(
    format: PayloadFormat,
    body: Bytes,
    limits: &PayloadLimits,
) -> Result<Vec<Packet>, PayloadError> {
    match format {
        PayloadFormat::V4 => v4::decode(body, limits),
        PayloadFormat::V3Text => v3_text::decode(body, limits),
        PayloadFormat::V3Binary => v3_binary::decode(body, limits),
    }
}

/// Pushes `packet` unless the limit is reached; shared by the decoders.
fn push_limited(
    packets: &mut Vec<Packet>,
    limits: &PayloadLimits,
    packet: Result<Packet, super::DecodeError>,
) -> Result<(), PayloadError> {
    let index = packets.len();
    if index >= limits.max_packets {
        return Err(PayloadError::TooManyPackets {
            limit: limits.max_packets,
        });
    }
    packets.push(packet.map_err(|source| PayloadError::Packet { index, source })?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Str;
    use crate::eio::Message;

    #[test]
    fn content_types() {
        assert_eq!(content_type(PayloadFormat::V4), "text/plain; charset=UTF-8");
        assert_eq!(
            content_type(PayloadFormat::V3Text),
            "text/plain; charset=UTF-8"
        );
        assert_eq!(
            content_type(PayloadFormat::V3Binary),
            "application/octet-stream"
        );
    }

    #[test]
    fn format_choice() {
        let text = [Frame::Text(Str::from("4a"))];
        let mixed = [
            Frame::Text(Str::from("4a")),
            Frame::Binary(Bytes::from_static(&[4])),
        ];
        use ProtocolVersion::{V3, V4};
        assert_eq!(
            PayloadFormat::for_sending(V4, true, &mixed),
            PayloadFormat::V4
        );
        assert_eq!(
            PayloadFormat::for_sending(V3, true, &mixed),
            PayloadFormat::V3Binary
        );
        assert_eq!(
            PayloadFormat::for_sending(V3, false, &mixed),
            PayloadFormat::V3Text
        );
        assert_eq!(
            PayloadFormat::for_sending(V3, true, &text),
            PayloadFormat::V3Text
        );
        assert_eq!(PayloadFormat::V3Binary.version(), V3);
        assert_eq!(PayloadFormat::V4.version(), V4);
    }

    #[test]
    fn max_packets_limit_applies_to_every_format() {
        assert_eq!(PayloadLimits::default().max_packets, 4096);
        let limits = PayloadLimits { max_packets: 2 };
        let packet = Packet::Message(Message::Text(Str::from("x")));
        for format in [
            PayloadFormat::V4,
            PayloadFormat::V3Text,
            PayloadFormat::V3Binary,
        ] {
            let v = format.version();
            let two = vec![packet.encode(v); 2];
            let body = encode(format, &two);
            assert_eq!(
                decode(format, body, &limits).unwrap().len(),
                2,
                "{format:?}"
            );
            let three = vec![packet.encode(v); 3];
            assert_eq!(
                decode(format, encode(format, &three), &limits),
                Err(PayloadError::TooManyPackets { limit: 2 }),
                "{format:?}"
            );
        }
        let many = vec![packet.encode(ProtocolVersion::V4); 4097];
        assert_eq!(
            decode(
                PayloadFormat::V4,
                encode(PayloadFormat::V4, &many),
                &PayloadLimits::default()
            ),
            Err(PayloadError::TooManyPackets { limit: 4096 })
        );
    }
}
