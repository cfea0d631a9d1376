//! String lengths as JavaScript counts them: in UTF-16 code units.
//!
//! Engine.IO v3 text payloads prefix each packet with `String.length`, which counts UTF-16
//! code units: one per character in the Basic Multilingual Plane, two for anything above
//! (emoji and the like). In UTF-8 a character above the BMP is exactly the one that takes four
//! bytes, so the count can be taken from the bytes: every byte that starts a character counts
//! one, and every four-byte lead byte (`0xf0..`) counts one more.

/// The length of `s` in UTF-16 code units, which is JavaScript's `String.length`.
#[must_use]
pub fn utf16_len(s: &str) -> usize {
    utf16_len_of_utf8(s.as_bytes())
}

/// [`utf16_len`] of bytes already known to be UTF-8, without going through `&str` (a
/// [`Str`](crate::Str) checks its bytes again on every `&str` access).
pub(super) fn utf16_len_of_utf8(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    bytes
        .iter()
        .map(|&b| usize::from(!is_continuation(b)) + usize::from(b >= 0xf0))
        .sum()
}

const fn is_continuation(b: u8) -> bool {
    b & 0xc0 == 0x80
}

/// Why [`advance`] could not find the end of a run of UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AdvanceError {
    /// The string ends first; `available` units were there.
    TooShort { available: usize },
    /// The count ends between the two halves of a surrogate pair.
    SplitsCharacter,
}

/// The byte offset reached by skipping `units` UTF-16 code units of `s` from byte `start`
/// (which must be a character boundary).
pub(super) fn advance(s: &str, start: usize, units: usize) -> Result<usize, AdvanceError> {
    let rest = s.get(start..).unwrap_or_default();
    // Fast path: an ASCII run has as many units as bytes.
    if let Some(run) = rest.as_bytes().get(..units)
        && run.is_ascii()
    {
        return Ok(start.saturating_add(units));
    }
    let mut counted = 0usize;
    for (offset, c) in rest.char_indices() {
        if counted == units {
            return Ok(start.saturating_add(offset));
        }
        counted = counted.saturating_add(c.len_utf16());
        if counted > units {
            return Err(AdvanceError::SplitsCharacter);
        }
    }
    if counted == units {
        Ok(s.len())
    } else {
        Err(AdvanceError::TooShort { available: counted })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_javascript() {
        assert_eq!(utf16_len(""), 0);
        assert_eq!(utf16_len("hello"), 5);
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("€"), 1, "three UTF-8 bytes, one unit");
        assert_eq!(utf16_len("😀"), 2, "outside the BMP: a surrogate pair");
        assert_eq!(utf16_len("a😀b€"), 5);
    }

    #[test]
    fn advance_finds_byte_offsets() {
        let s = "4😀x";
        assert_eq!(advance(s, 0, 0), Ok(0));
        assert_eq!(advance(s, 0, 1), Ok(1));
        assert_eq!(advance(s, 0, 3), Ok(5));
        assert_eq!(advance(s, 0, 4), Ok(6));
        assert_eq!(advance(s, 0, 2), Err(AdvanceError::SplitsCharacter));
        assert_eq!(
            advance(s, 0, 5),
            Err(AdvanceError::TooShort { available: 4 })
        );
        assert_eq!(advance(s, 1, 2), Ok(5));
        assert_eq!(advance("abc", 1, 2), Ok(3), "ascii fast path");
        assert_eq!(
            advance("abc", 1, 3),
            Err(AdvanceError::TooShort { available: 2 })
        );
    }
}
