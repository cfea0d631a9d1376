//! Several 0.9 packets in one polling body: `\u{fffd}<length>\u{fffd}<packet>` frames.
//!
//! The length is the packet's JavaScript `String.length` (UTF-16 code units) in ASCII
//! decimal. A body holding one packet is sent unframed, as the reference encoder does; a
//! body starting with U+FFFD is framed, anything else is one packet.
//!
//! Decoding walks the frames: U+FFFD, digits up to the next U+FFFD, then exactly that many
//! UTF-16 units of packet, then either the end or the next frame. Unlike the reference parser
//! (which reads whatever the lengths say), a length that is not digits, that runs past the
//! end or splits a surrogate pair, and anything between frames are errors.

use super::{DecodeError, Packet, PayloadError};
use crate::Str;
use crate::eio::utf16_len;

/// The frame delimiter, U+FFFD REPLACEMENT CHARACTER (three bytes in UTF-8).
const DELIMITER: char = '\u{fffd}';

/// Limits applied while decoding a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayloadLimits {
    /// Most packets accepted in one body; more is [`PayloadError::TooManyPackets`].
    /// Default [`PayloadLimits::DEFAULT_MAX_PACKETS`].
    pub max_packets: usize,
}

impl PayloadLimits {
    /// Default for [`PayloadLimits::max_packets`]: 4096, as for Engine.IO payloads. The body
    /// size is capped by the server's HTTP buffer limit; this caps the work and memory a body
    /// of tiny frames (`\u{fffd}3\u{fffd}2::`, seven bytes each) can cost.
    pub const DEFAULT_MAX_PACKETS: usize = 4096;
}

impl Default for PayloadLimits {
    fn default() -> Self {
        Self {
            max_packets: Self::DEFAULT_MAX_PACKETS,
        }
    }
}

/// Joins encoded packets (from [`Packet::encode`]) into one polling body: a single packet
/// as it is (sharing its storage), several as frames, none as the empty string.
#[must_use]
pub fn encode_payload(packets: &[Str]) -> Str {
    match packets {
        [] => Str::new(),
        [one] => one.clone(),
        many => {
            let capacity = many.iter().fold(0usize, |n, p| {
                n.saturating_add(p.len())
                    .saturating_add(2 * DELIMITER.len_utf8() + 20)
            });
            let mut out = String::with_capacity(capacity);
            for p in many {
                out.push(DELIMITER);
                out.push_str(&utf16_len(p).to_string());
                out.push(DELIMITER);
                out.push_str(p);
            }
            Str::from(out)
        }
    }
}

/// Splits a polling body into the texts of its packets (slices of `body`) without decoding
/// them.
///
/// # Errors
/// A [`PayloadError`] naming the first framing problem found.
pub fn split_payload(body: &Str, limits: &PayloadLimits) -> Result<Vec<Str>, PayloadError> {
    if body.is_empty() {
        return Err(PayloadError::Empty);
    }
    if !body.starts_with(DELIMITER) {
        return if limits.max_packets == 0 {
            Err(PayloadError::TooManyPackets { limit: 0 })
        } else {
            Ok(vec![body.clone()])
        };
    }
    let text = body.as_str();
    let mut packets = Vec::new();
    let mut offset = 0usize;
    while offset < text.len() {
        let rest = text.get(offset..).unwrap_or_default();
        let Some(after_mark) = rest.strip_prefix(DELIMITER) else {
            return Err(PayloadError::TrailingGarbage { offset });
        };
        let start_digits = offset.saturating_add(DELIMITER.len_utf8());
        let (units, start) = read_length(after_mark, start_digits, offset)?;
        let end = advance(text, start, units, offset)?;
        if packets.len() >= limits.max_packets {
            return Err(PayloadError::TooManyPackets {
                limit: limits.max_packets,
            });
        }
        packets.push(
            body.slice(start..end)
                .ok_or(PayloadError::TrailingGarbage { offset: start })?,
        );
        offset = end;
    }
    Ok(packets)
}

/// Splits a polling body and decodes each packet.
///
/// # Errors
/// A framing [`PayloadError`], or [`PayloadError::Packet`] for the first invalid packet.
pub fn decode_payload(body: &Str, limits: &PayloadLimits) -> Result<Vec<Packet>, PayloadError> {
    split_payload(body, limits)?
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            Packet::decode(text)
                .map_err(|source: DecodeError| PayloadError::Packet { index, source })
        })
        .collect()
}

/// Reads `<digits>\u{fffd}` from `s` (which starts at byte `at` of the body); returns the
/// length and the byte offset where the packet starts.
fn read_length(s: &str, at: usize, frame: usize) -> Result<(usize, usize), PayloadError> {
    let mut len = 0usize;
    for (i, c) in s.char_indices() {
        let pos = at.saturating_add(i);
        if c == DELIMITER {
            if i == 0 {
                return Err(PayloadError::MissingLength { offset: frame });
            }
            return Ok((len, pos.saturating_add(DELIMITER.len_utf8())));
        }
        let digit = c.to_digit(10).ok_or(PayloadError::InvalidLengthDigit {
            offset: pos,
            found: c,
        })?;
        len = len
            .checked_mul(10)
            .and_then(|n| n.checked_add(digit as usize))
            .ok_or(PayloadError::LengthOverflow { offset: frame })?;
    }
    Err(PayloadError::TrailingGarbage { offset: frame })
}

/// The byte offset reached by skipping `units` UTF-16 code units of `text` from byte `start`.
fn advance(text: &str, start: usize, units: usize, frame: usize) -> Result<usize, PayloadError> {
    let rest = text.get(start..).unwrap_or_default();
    // Fast path: an ASCII run has as many units as bytes.
    if let Some(run) = rest.as_bytes().get(..units)
        && run.is_ascii()
    {
        return Ok(start.saturating_add(units));
    }
    let mut counted = 0usize;
    for (i, c) in rest.char_indices() {
        if counted == units {
            return Ok(start.saturating_add(i));
        }
        counted = counted.saturating_add(c.len_utf16());
        if counted > units {
            return Err(PayloadError::LengthSplitsCharacter { offset: frame });
        }
    }
    if counted == units {
        Ok(text.len())
    } else {
        Err(PayloadError::LengthExceedsBody {
            offset: frame,
            declared: units,
            available: counted,
        })
    }
}
