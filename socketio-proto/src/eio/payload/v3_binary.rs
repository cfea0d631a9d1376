//! The v3 binary polling payload (`application/octet-stream`).
//!
//! Each record: a marker byte (`0x00` text, `0x01` binary), the packet's byte length written
//! as one byte per decimal digit (each 0..=9), `0xff`, then the packet. A text packet is its
//! UTF-8 bytes; a binary packet is the v3 binary frame, type byte included.
//!
//! The reference decoder trusts the lengths (slicing short on a lie) and takes any non-zero
//! marker as binary; here a lie, a marker other than 0 or 1, a digit byte above 9 or a body
//! ending inside a header are errors. An empty body is zero packets, as the reference
//! encoder writes an empty packet list.

use bytes::Bytes;

use super::{PayloadLimits, digits, push_limited};
use crate::eio::decode::{decode_binary_in, decode_text_in};
use crate::eio::{Frame, Packet, PayloadError, ProtocolVersion};

const TEXT: u8 = 0;
const BINARY: u8 = 1;
const END_OF_LENGTH: u8 = 0xff;

pub(super) fn encode(frames: &[Frame]) -> Bytes {
    let capacity = frames.iter().fold(0usize, |acc, frame| {
        acc.saturating_add(frame.len())
            .saturating_add(digits::count(frame.len()))
            .saturating_add(2)
    });
    // Exact size: the `Vec` becomes `Bytes` without another allocation.
    let mut out = Vec::with_capacity(capacity);
    let mut buf = [0; 20];
    for frame in frames {
        let (marker, bytes) = match frame {
            Frame::Text(s) => (TEXT, s.as_bytes().as_ref()),
            Frame::Binary(b) => (BINARY, b.as_ref()),
        };
        out.push(marker);
        out.extend_from_slice(digits::decimal(bytes.len(), 0, &mut buf));
        out.push(END_OF_LENGTH);
        out.extend_from_slice(bytes);
    }
    Bytes::from(out)
}

pub(super) fn decode(body: Bytes, limits: &PayloadLimits) -> Result<Vec<Packet>, PayloadError> {
    let mut packets = Vec::new();
    let mut offset = 0usize;
    while let Some(&marker) = body.get(offset) {
        if marker != TEXT && marker != BINARY {
            return Err(PayloadError::InvalidMarker {
                offset,
                byte: marker,
            });
        }
        let (len, start) = read_length(&body, offset)?;
        let available = body.len().saturating_sub(start);
        if len > available {
            return Err(PayloadError::LengthExceedsBody {
                offset,
                declared: len,
                available,
            });
        }
        let end = start.saturating_add(len);
        let packet = if marker == TEXT {
            decode_text_in(ProtocolVersion::V3, &body, start, end)
        } else {
            decode_binary_in(&body, start, end)
        };
        push_limited(&mut packets, limits, packet)?;
        offset = end;
    }
    Ok(packets)
}

/// Reads the digit bytes after the marker at `offset` up to `0xff`; returns the length and
/// where the packet starts.
fn read_length(body: &[u8], offset: usize) -> Result<(usize, usize), PayloadError> {
    let digits_start = offset.saturating_add(1);
    let rest = body.get(digits_start..).unwrap_or_default();
    let mut len = 0usize;
    for (i, &b) in rest.iter().enumerate() {
        let at = digits_start.saturating_add(i);
        if b == END_OF_LENGTH {
            if i == 0 {
                return Err(PayloadError::MissingLength { offset });
            }
            return Ok((len, at.saturating_add(1)));
        }
        if b > 9 {
            return Err(PayloadError::InvalidLengthDigit {
                offset: at,
                byte: b,
            });
        }
        len = digits::push_digit(len, b).ok_or(PayloadError::LengthOverflow { offset })?;
    }
    Err(PayloadError::TrailingGarbage { offset })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Str;
    use crate::eio::{DecodeError, Message, PacketType};

    fn dec(body: &[u8]) -> Result<Vec<Packet>, PayloadError> {
        decode(Bytes::copy_from_slice(body), &PayloadLimits::default())
    }

    fn enc(packets: &[Packet]) -> Vec<u8> {
        let frames: Vec<Frame> = packets
            .iter()
            .map(|p| p.encode(ProtocolVersion::V3))
            .collect();
        encode(&frames).to_vec()
    }

    #[test]
    fn records_both_directions() {
        let hello = Packet::Message(Message::Text(Str::from("hello")));
        let euro = Packet::Message(Message::Text(Str::from("€")));
        let bin = Packet::Message(Message::Binary(Bytes::from_static(&[0, 1, 2, 3, 4, 5])));
        let cases: Vec<(Vec<u8>, Vec<Packet>)> = vec![
            (
                vec![0, 6, 0xff, b'4', b'h', b'e', b'l', b'l', b'o'],
                vec![hello.clone()],
            ),
            // Text lengths count UTF-8 bytes here: "4€" is four bytes.
            (vec![0, 4, 0xff, b'4', 0xe2, 0x82, 0xac], vec![euro]),
            // The README's binary packet 4|0|1|2|3|4|5: seven bytes with the type.
            (vec![1, 7, 0xff, 4, 0, 1, 2, 3, 4, 5], vec![bin.clone()]),
            (
                vec![1, 7, 0xff, 4, 0, 1, 2, 3, 4, 5, 0, 1, 0xff, b'2'],
                vec![bin, Packet::Ping(Str::new())],
            ),
            (vec![], vec![]),
        ];
        for (wire, packets) in cases {
            assert_eq!(dec(&wire).unwrap(), packets, "{wire:?}");
            assert_eq!(enc(&packets), wire);
        }
    }

    #[test]
    fn multi_digit_lengths() {
        let long = Packet::Message(Message::Text(Str::from("x".repeat(120))));
        let wire = enc(std::slice::from_ref(&long));
        assert_eq!(
            &wire[..5],
            &[0, 1, 2, 1, 0xff],
            "121 as digit bytes 1, 2, 1"
        );
        assert_eq!(dec(&wire).unwrap(), vec![long]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            dec(&[2, 1, 0xff, b'2']),
            Err(PayloadError::InvalidMarker { offset: 0, byte: 2 })
        );
        assert_eq!(
            dec(&[0, 0xff, b'2']),
            Err(PayloadError::MissingLength { offset: 0 })
        );
        assert_eq!(
            dec(&[0, 1, 10, 0xff, b'2']),
            Err(PayloadError::InvalidLengthDigit {
                offset: 2,
                byte: 10
            })
        );
        assert_eq!(
            dec(&[0, 1]),
            Err(PayloadError::TrailingGarbage { offset: 0 })
        );
        assert_eq!(dec(&[0]), Err(PayloadError::TrailingGarbage { offset: 0 }));
        assert_eq!(
            dec(&[0, 5, 0xff, b'4']),
            Err(PayloadError::LengthExceedsBody {
                offset: 0,
                declared: 5,
                available: 1
            })
        );
        assert_eq!(
            dec(&[
                0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 0xff
            ]),
            Err(PayloadError::LengthOverflow { offset: 0 })
        );
        let packet_err = |source| Err(PayloadError::Packet { index: 0, source });
        assert_eq!(dec(&[0, 0, 0xff]), packet_err(DecodeError::Empty));
        assert_eq!(dec(&[1, 0, 0xff]), packet_err(DecodeError::Empty));
        assert_eq!(
            dec(&[0, 2, 0xff, b'4', 0xff]),
            packet_err(DecodeError::InvalidUtf8)
        );
        assert_eq!(
            dec(&[1, 2, 0xff, 2, 0]),
            packet_err(DecodeError::BinaryNotAllowed {
                packet_type: PacketType::Ping
            })
        );
        assert_eq!(
            dec(&[1, 2, 0xff, 9, 0]),
            packet_err(DecodeError::UnknownPacketType(9))
        );
    }
}
