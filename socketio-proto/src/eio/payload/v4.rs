//! The v4 polling payload: packets joined by the record separator `0x1e`.
//!
//! Text frames go in as they are; a binary frame (the raw message in v4) goes in as `b` and
//! its standard base64. Decoding counts separators first (with `memchr`), so the packet limit is checked
//! before any packet is decoded and the packet vector is allocated once at its exact size.

use bytes::Bytes;

use super::{PayloadLimits, push_limited};
use crate::eio::decode::decode_text_in;
use crate::eio::{Frame, Packet, PayloadError, ProtocolVersion, base64};

const SEPARATOR: u8 = 0x1e;

pub(super) fn encode(frames: &[Frame]) -> Bytes {
    // Exact size (one separator between frames): a full buffer freezes into `Bytes` without
    // a second allocation.
    let capacity = frames
        .iter()
        .fold(frames.len().saturating_sub(1), |acc, frame| {
            acc.saturating_add(match frame {
                Frame::Text(s) => s.as_bytes().len(),
                Frame::Binary(b) => base64::encoded_len(b.len()).saturating_add(1),
            })
        });
    // A `Vec` at its exact final size converts into `Bytes` without another allocation, and
    // its appends are cheaper than `BytesMut`'s.
    let mut out = Vec::with_capacity(capacity);
    let mut first = true;
    for frame in frames {
        if !first {
            out.push(SEPARATOR);
        }
        first = false;
        match frame {
            Frame::Text(s) => out.extend_from_slice(s.as_bytes()),
            Frame::Binary(b) => {
                out.push(b'b');
                base64::encode_into(b, &mut out);
            }
        }
    }
    Bytes::from(out)
}

pub(super) fn decode(body: Bytes, limits: &PayloadLimits) -> Result<Vec<Packet>, PayloadError> {
    if body.is_empty() {
        return Err(PayloadError::Empty);
    }
    // A plain filter-count compiles to a vectorized loop; faster here than a search.
    let count = body
        .iter()
        .filter(|&&b| b == SEPARATOR)
        .count()
        .saturating_add(1);
    if count > limits.max_packets {
        return Err(PayloadError::TooManyPackets {
            limit: limits.max_packets,
        });
    }
    // The separator is ASCII, so splitting raw bytes never cuts a character; each segment is
    // UTF-8-checked once, by the packet decoder.
    let mut packets = Vec::with_capacity(count);
    let mut start = 0;
    loop {
        let rest = body.get(start..).unwrap_or_default();
        let end = memchr::memchr(SEPARATOR, rest).map_or(body.len(), |i| start.saturating_add(i));
        push_limited(
            &mut packets,
            limits,
            decode_text_in(ProtocolVersion::V4, &body, start, end),
        )?;
        if end >= body.len() {
            return Ok(packets);
        }
        start = end.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Str;
    use crate::eio::{DecodeError, Message};

    fn msg(s: &str) -> Packet {
        Packet::Message(Message::Text(Str::from(s)))
    }

    fn dec(body: &'static [u8]) -> Result<Vec<Packet>, PayloadError> {
        decode(Bytes::from_static(body), &PayloadLimits::default())
    }

    /// README (v4) example: `4hello\x1e2\x1e4world`.
    #[test]
    fn readme_text_payload() {
        let packets = vec![msg("hello"), Packet::Ping(Str::new()), msg("world")];
        assert_eq!(dec(b"4hello\x1e2\x1e4world").unwrap(), packets);
        let frames: Vec<Frame> = packets
            .iter()
            .map(|p| p.encode(ProtocolVersion::V4))
            .collect();
        assert_eq!(&encode(&frames)[..], b"4hello\x1e2\x1e4world");
    }

    /// README (v4) example: `4hello\x1ebAQIDBA==`.
    #[test]
    fn readme_binary_payload() {
        let packets = vec![
            msg("hello"),
            Packet::Message(Message::Binary(Bytes::from_static(&[1, 2, 3, 4]))),
        ];
        assert_eq!(dec(b"4hello\x1ebAQIDBA==").unwrap(), packets);
        let frames: Vec<Frame> = packets
            .iter()
            .map(|p| p.encode(ProtocolVersion::V4))
            .collect();
        assert_eq!(&encode(&frames)[..], b"4hello\x1ebAQIDBA==");
    }

    #[test]
    fn single_packet_and_empty_list() {
        assert_eq!(dec(b"6").unwrap(), vec![Packet::Noop]);
        assert_eq!(encode(&[]), Bytes::new());
    }

    #[test]
    fn packets_slice_the_body() {
        let body = Bytes::from_static(b"4abc\x1e4def");
        let packets = decode(body.clone(), &PayloadLimits::default()).unwrap();
        let Some(Packet::Message(Message::Text(second))) = packets.get(1) else {
            panic!()
        };
        assert_eq!(second.as_ptr(), body[6..].as_ptr());
    }

    #[test]
    fn errors() {
        assert_eq!(dec(b""), Err(PayloadError::Empty));
        assert_eq!(
            dec(b"4a\x1e4\xff"),
            Err(PayloadError::Packet {
                index: 1,
                source: DecodeError::InvalidUtf8
            })
        );
        let empty_at = |index| {
            Err(PayloadError::Packet {
                index,
                source: DecodeError::Empty,
            })
        };
        assert_eq!(dec(b"4a\x1e\x1e4b"), empty_at(1));
        assert_eq!(dec(b"4a\x1e"), empty_at(1), "trailing separator");
        assert_eq!(dec(b"\x1e4a"), empty_at(0));
        assert_eq!(
            dec(b"4a\x1e9"),
            Err(PayloadError::Packet {
                index: 1,
                source: DecodeError::UnknownPacketType(b'9')
            })
        );
        assert_eq!(
            dec(b"bAQ"),
            Err(PayloadError::Packet {
                index: 0,
                source: DecodeError::InvalidBase64
            })
        );
    }
}
