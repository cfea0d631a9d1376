//! The v3 text polling payload: `<length>:<packet>` records.
//!
//! The length is the packet's JavaScript `String.length` (UTF-16 code units), written in
//! ASCII decimal. Binary messages travel as `b4<base64>`, whose length is plain ASCII.
//!
//! Decoding walks the records: digits up to `:`, then exactly that many UTF-16 units of
//! packet. Matching the reference parser, a `0:` record is skipped (it is what an empty
//! payload encodes to). Unlike it, a length that is not plain digits, that runs past the end,
//! that cuts a surrogate pair, or digits left at the end without `:` are errors.

use bytes::Bytes;

use super::{PayloadLimits, digits, push_limited};
use crate::eio::decode::decode_text_in;
use crate::eio::utf16::{self, AdvanceError};
use crate::eio::{Frame, Packet, PayloadError, ProtocolVersion, base64};

/// Splits a v3 binary frame into its type byte and data; a frame with no type byte (which
/// no encoder makes) is written as an empty message.
fn split_binary(b: &[u8]) -> (u8, &[u8]) {
    b.split_first().map_or((4, &[][..]), |(&t, data)| (t, data))
}

/// Length of `b<type><base64>`, all ASCII, so bytes and UTF-16 units agree.
fn base64_record_len(t: u8, data: &[u8]) -> usize {
    digits::count(usize::from(t))
        .saturating_add(1)
        .saturating_add(base64::encoded_len(data.len()))
}

pub(super) fn encode(frames: &[Frame]) -> Bytes {
    if frames.is_empty() {
        return Bytes::from_static(b"0:");
    }
    // Upper bound: a UTF-16 length never exceeds the UTF-8 byte length, so sizing the prefix
    // by the byte length avoids counting UTF-16 units twice.
    let capacity = frames.iter().fold(0usize, |acc, frame| {
        let len = match frame {
            Frame::Text(s) => s.as_bytes().len(),
            Frame::Binary(b) => {
                let (t, data) = split_binary(b);
                base64_record_len(t, data)
            }
        };
        acc.saturating_add(digits::count(len).saturating_add(1).saturating_add(len))
    });
    // A `Vec` at its exact final size converts into `Bytes` without another allocation, and
    // its appends are cheaper than `BytesMut`'s.
    let mut out = Vec::with_capacity(capacity);
    for frame in frames {
        match frame {
            Frame::Text(s) => {
                digits::put_ascii(utf16::utf16_len_of_utf8(s.as_bytes()), &mut out);
                out.push(b':');
                out.extend_from_slice(s.as_bytes());
            }
            Frame::Binary(b) => {
                let (t, data) = split_binary(b);
                digits::put_ascii(base64_record_len(t, data), &mut out);
                out.extend_from_slice(b":b");
                digits::put_ascii(usize::from(t), &mut out);
                base64::encode_into(data, &mut out);
            }
        }
    }
    Bytes::from(out)
}

pub(super) fn decode(body: Bytes, limits: &PayloadLimits) -> Result<Vec<Packet>, PayloadError> {
    if body.is_empty() {
        return Err(PayloadError::Empty);
    }
    // Checked once here; packets are then cut from `body` by byte offsets that `advance`
    // puts on character boundaries.
    let text = std::str::from_utf8(&body).map_err(|_| PayloadError::InvalidUtf8)?;
    let bytes = text.as_bytes();
    let mut packets = Vec::new();
    let mut offset = 0usize;
    while offset < bytes.len() {
        let (units, start) = read_length(bytes, offset)?;
        let end = utf16::advance(text, start, units).map_err(|e| match e {
            AdvanceError::TooShort { available } => PayloadError::LengthExceedsBody {
                offset,
                declared: units,
                available,
            },
            AdvanceError::SplitsCharacter => PayloadError::LengthSplitsCharacter { offset },
        })?;
        if end > start {
            push_limited(
                &mut packets,
                limits,
                decode_text_in(ProtocolVersion::V3, &body, start, end),
            )?;
        }
        offset = end;
    }
    Ok(packets)
}

/// Reads `<digits>:` at `offset`; returns the length and where the packet starts.
fn read_length(bytes: &[u8], offset: usize) -> Result<(usize, usize), PayloadError> {
    let mut len = 0usize;
    let rest = bytes.get(offset..).unwrap_or_default();
    for (i, &b) in rest.iter().enumerate() {
        let at = offset.saturating_add(i);
        if b == b':' {
            if i == 0 {
                return Err(PayloadError::MissingLength { offset });
            }
            return Ok((len, at.saturating_add(1)));
        }
        if !b.is_ascii_digit() {
            return Err(PayloadError::InvalidLengthDigit {
                offset: at,
                byte: b,
            });
        }
        len = digits::push_digit(len, b - b'0').ok_or(PayloadError::LengthOverflow { offset })?;
    }
    Err(PayloadError::TrailingGarbage { offset })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Str;
    use crate::eio::{DecodeError, Message, PacketType};

    fn msg(s: &str) -> Packet {
        Packet::Message(Message::Text(Str::from(s)))
    }

    fn dec(body: &str) -> Result<Vec<Packet>, PayloadError> {
        decode(
            Bytes::copy_from_slice(body.as_bytes()),
            &PayloadLimits::default(),
        )
    }

    fn enc(packets: &[Packet]) -> String {
        let frames: Vec<Frame> = packets
            .iter()
            .map(|p| p.encode(ProtocolVersion::V3))
            .collect();
        String::from_utf8(encode(&frames).to_vec()).unwrap()
    }

    #[test]
    fn text_records_both_directions() {
        let cases: Vec<(&str, Vec<Packet>)> = vec![
            ("6:4hello", vec![msg("hello")]),
            ("6:4hello1:2", vec![msg("hello"), Packet::Ping(Str::new())]),
            // "€" is three UTF-8 bytes but one UTF-16 unit (engine.io-protocol README).
            ("2:4€", vec![msg("€")]),
            // Outside the BMP: one character, two units.
            ("3:4😀", vec![msg("😀")]),
            ("5:4a😀b1:5", vec![msg("a😀b"), Packet::Upgrade]),
            ("6:2probe", vec![Packet::Ping(Str::from("probe"))]),
            ("1:6", vec![Packet::Noop]),
        ];
        for (wire, packets) in cases {
            assert_eq!(dec(wire).unwrap(), packets, "{wire}");
            assert_eq!(enc(&packets), wire);
        }
    }

    #[test]
    fn binary_as_base64_records() {
        let bin = Packet::Message(Message::Binary(Bytes::from_static(&[1, 2, 3, 4])));
        // The length counts the whole "b4AQIDBA==", prefix included.
        assert_eq!(enc(&[bin.clone(), msg("x")]), "10:b4AQIDBA==2:4x");
        assert_eq!(dec("10:b4AQIDBA==2:4x").unwrap(), vec![bin, msg("x")]);
    }

    #[test]
    fn empty_payload_is_zero_colon() {
        assert_eq!(enc(&[]), "0:");
        assert_eq!(dec("0:").unwrap(), vec![]);
        assert_eq!(
            dec("0:1:6").unwrap(),
            vec![Packet::Noop],
            "empty records are skipped"
        );
    }

    /// The error cases of the reference parser's tests, plus the lies it does not check.
    #[test]
    fn errors() {
        assert_eq!(dec(""), Err(PayloadError::Empty));
        assert_eq!(
            dec("1!"),
            Err(PayloadError::InvalidLengthDigit {
                offset: 1,
                byte: b'!'
            })
        );
        assert_eq!(
            dec("))"),
            Err(PayloadError::InvalidLengthDigit {
                offset: 0,
                byte: b')'
            })
        );
        assert_eq!(
            dec("1:"),
            Err(PayloadError::LengthExceedsBody {
                offset: 0,
                declared: 1,
                available: 0
            })
        );
        let bad_type = |index, byte| {
            Err(PayloadError::Packet {
                index,
                source: DecodeError::UnknownPacketType(byte),
            })
        };
        assert_eq!(dec("3:99:"), bad_type(0, b'9'));
        assert_eq!(dec("1:aa"), bad_type(0, b'a'));
        assert_eq!(dec("1:a2:b"), bad_type(0, b'a'));
        assert_eq!(dec(":4a"), Err(PayloadError::MissingLength { offset: 0 }));
        assert_eq!(
            dec("2:4a12"),
            Err(PayloadError::TrailingGarbage { offset: 4 })
        );
        assert_eq!(
            dec("2:4a1:2x"),
            Err(PayloadError::InvalidLengthDigit {
                offset: 7,
                byte: b'x'
            })
        );
        assert_eq!(
            dec("99999999999999999999999:4"),
            Err(PayloadError::LengthOverflow { offset: 0 })
        );
        assert_eq!(
            dec("2:4😀"),
            Err(PayloadError::LengthSplitsCharacter { offset: 0 })
        );
        assert_eq!(
            dec("4:4€"),
            Err(PayloadError::LengthExceedsBody {
                offset: 0,
                declared: 4,
                available: 2
            })
        );
        assert_eq!(
            dec("-1:4"),
            Err(PayloadError::InvalidLengthDigit {
                offset: 0,
                byte: b'-'
            })
        );
        assert_eq!(
            dec("2:1x"),
            Err(PayloadError::Packet {
                index: 0,
                source: DecodeError::TrailingData {
                    packet_type: PacketType::Close
                }
            })
        );
        assert_eq!(
            decode(Bytes::from_static(b"2:4\xff"), &PayloadLimits::default()),
            Err(PayloadError::InvalidUtf8)
        );
    }

    #[test]
    fn leading_zeros_are_digits() {
        // The reference parser compares `Number(length) == length` loosely, so "01" passes.
        assert_eq!(dec("02:4a").unwrap(), vec![msg("a")]);
    }
}
