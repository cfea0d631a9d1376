//! Packet decoding over byte ranges of a received buffer.
//!
//! `Str` checks UTF-8 whenever it is made or sliced, so the payload decoders hand these
//! functions the whole body and a range instead of a sliced `Str`: each byte is then checked
//! once, and each packet costs one reference-count increment on the body.

use bytes::Bytes;

use super::{DecodeError, Message, Packet, PacketType, ProtocolVersion, base64};
use crate::Str;

/// Decodes a text packet from bytes not yet known to be UTF-8. The payload decoders call
/// this on slices of the body so that every byte is UTF-8-checked exactly once: `Str` cannot
/// be sliced without checking again. The packet is `body[start..end]`; taking the range
/// rather than a sliced `Bytes` saves a reference-count round trip per packet.
pub(super) fn decode_text_in(
    v: ProtocolVersion,
    body: &Bytes,
    start: usize,
    end: usize,
) -> Result<Packet, DecodeError> {
    let bytes = body.get(start..end).unwrap_or_default();
    let Some(&first) = bytes.first() else {
        return Err(DecodeError::Empty);
    };
    if first == b'b' {
        return decode_base64(v, bytes.get(1..).unwrap_or_default());
    }
    let packet_type = PacketType::from_digit(first).ok_or(DecodeError::UnknownPacketType(first))?;
    let wrap: fn(Str) -> Packet = match packet_type {
        PacketType::Open => Packet::Open,
        PacketType::Ping => Packet::Ping,
        PacketType::Pong => Packet::Pong,
        PacketType::Message => |s| Packet::Message(Message::Text(s)),
        PacketType::Close | PacketType::Upgrade | PacketType::Noop => {
            return if bytes.len() > 1 {
                Err(DecodeError::TrailingData { packet_type })
            } else if packet_type == PacketType::Close {
                Ok(Packet::Close)
            } else if packet_type == PacketType::Upgrade {
                Ok(Packet::Upgrade)
            } else {
                Ok(Packet::Noop)
            };
        }
    };
    // `start < end` here (there is a first byte), so the data range is in bounds.
    let data = body.slice(start.saturating_add(1)..end);
    Ok(wrap(
        Str::from_utf8(data).map_err(|_| DecodeError::InvalidUtf8)?,
    ))
}

/// Decodes the v3 binary packet `body[start..end]`: type byte `0x04`, then the data.
pub(super) fn decode_binary_in(
    body: &Bytes,
    start: usize,
    end: usize,
) -> Result<Packet, DecodeError> {
    let Some(&first) = body.get(start..end).and_then(<[u8]>::first) else {
        return Err(DecodeError::Empty);
    };
    match PacketType::from_id(first) {
        // `start < end` here, so the data range is in bounds and not reversed.
        Some(PacketType::Message) => Ok(Packet::Message(Message::Binary(
            body.slice(start.saturating_add(1)..end),
        ))),
        Some(packet_type) => Err(DecodeError::BinaryNotAllowed { packet_type }),
        None => Err(DecodeError::UnknownPacketType(first)),
    }
}

/// Decodes the part after `b`: `<base64>` in v4, `<type digit><base64>` in v3.
fn decode_base64(v: ProtocolVersion, rest: &[u8]) -> Result<Packet, DecodeError> {
    let encoded = match v {
        ProtocolVersion::V4 => rest,
        ProtocolVersion::V3 => {
            let (&digit, encoded) = rest.split_first().ok_or(DecodeError::Empty)?;
            match PacketType::from_digit(digit) {
                Some(PacketType::Message) => encoded,
                Some(packet_type) => return Err(DecodeError::BinaryNotAllowed { packet_type }),
                None => return Err(DecodeError::UnknownPacketType(digit)),
            }
        }
    };
    let data = base64::decode(encoded).ok_or(DecodeError::InvalidBase64)?;
    Ok(Packet::Message(Message::Binary(data)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProtocolVersion::{V3, V4};

    #[test]
    fn raw_text_bytes_are_utf8_checked_once() {
        let decode = |b: &'static [u8]| decode_text_in(V4, &Bytes::from_static(b), 0, b.len());
        assert_eq!(decode(b"4\xff"), Err(DecodeError::InvalidUtf8));
        assert_eq!(decode(b"\xff4"), Err(DecodeError::UnknownPacketType(0xff)));
        assert_eq!(
            decode(b"1\xff"),
            Err(DecodeError::TrailingData {
                packet_type: PacketType::Close
            })
        );
        let body = Bytes::from_static(b"4ok");
        let Ok(Packet::Message(Message::Text(data))) = decode_text_in(V3, &body, 0, 3) else {
            panic!("not a text message")
        };
        assert_eq!(data, "ok");
        assert_eq!(data.as_bytes().as_ptr(), body[1..].as_ptr());
    }
}
