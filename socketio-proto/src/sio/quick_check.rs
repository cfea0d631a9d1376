//! A fast, allocation-free acceptance check for the payloads of plain (attachment-free)
//! EVENT and ACK packets: the JSON of nearly every packet a server receives.
//!
//! It answers one question, "is this payload certainly valid?", with a hand-written scan of
//! the JSON grammar that moves eight bytes at a time through string contents. It never
//! decides a rejection: when it says no, or meets anything it does not handle (an event name
//! with escapes or a numeric one, nesting deeper than [`MAX_DEPTH`], any syntax error), the
//! caller runs the serde-based validator in `validate.rs`, which is the authority and gives
//! the typed error. So this check may be stricter than that validator but never more
//! lenient: whatever it accepts, the validator accepts too. Unit tests, a property test and
//! the Socket.IO fuzz target check that implication on every input they make.
//!
//! The grammar is the one serde_json's `IgnoredAny` path checks (which `validate.rs` uses
//! for these values): `null`/`true`/`false`; numbers `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
//! of any length; strings without raw control characters, whose escapes are `\" \\ \/ \b \f
//! \n \r \t` or `\u` and four hex digits (a lone surrogate passes, as with `JSON.parse`);
//! whitespace is space, tab, CR and LF.

use super::validate::RESERVED_EVENTS;

/// More containers than this nested inside the top-level array are left to the serde-based
/// validator: the scan tracks open containers in the bits of one `u64` (bit 0 is the
/// top-level array).
pub(crate) const MAX_DEPTH: u32 = 63;

/// Whether `text` is certainly a valid payload of a plain EVENT (`event`: an array led by a
/// non-reserved event name) or ACK (any array). `false` means "ask the full validator".
pub(crate) fn certainly_valid(text: &str, event: bool) -> bool {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    c.skip_whitespace();
    if !c.eat(b'[') {
        return false;
    }
    c.skip_whitespace();
    if event {
        if !c.eat(b'"') || !c.event_name() {
            return false;
        }
        c.skip_whitespace();
        if c.eat(b']') {
            return c.only_whitespace_left();
        }
        if !c.eat(b',') {
            return false;
        }
    } else if c.eat(b']') {
        return c.only_whitespace_left();
    }
    c.elements_then_close() && c.only_whitespace_left()
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn eat(&mut self, want: u8) -> bool {
        let hit = self.peek() == Some(want);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn only_whitespace_left(&mut self) -> bool {
        self.skip_whitespace();
        self.at == self.bytes.len()
    }

    fn skip_digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    /// Eats at least one digit.
    fn digits(&mut self) -> bool {
        let start = self.at;
        self.skip_digits();
        self.at > start
    }

    fn literal(&mut self, rest: &[u8]) -> bool {
        let end = self.at.saturating_add(rest.len());
        let hit = self.bytes.get(self.at..end) == Some(rest);
        if hit {
            self.at = end;
        }
        hit
    }

    /// A number whose first byte (`-` or a digit) was just eaten.
    fn number(&mut self, first: u8) -> bool {
        let lead = if first == b'-' {
            self.next()
        } else {
            Some(first)
        };
        match lead {
            // Only one leading zero: `01` is not JSON.
            Some(b'0') => {
                if let Some(b'0'..=b'9') = self.peek() {
                    return false;
                }
            }
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return false,
        }
        if self.eat(b'.') && !self.digits() {
            return false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !self.digits() {
                return false;
            }
        }
        true
    }

    /// Moves to the next `"`, `\` or control character (or the end).
    fn skip_to_special(&mut self) {
        self.at = find_special(self.bytes, self.at);
    }

    /// The rest of a string whose opening quote was just eaten, through the closing quote.
    fn string(&mut self) -> bool {
        loop {
            self.skip_to_special();
            match self.next() {
                Some(b'"') => return true,
                Some(b'\\') => {
                    if !self.escape() {
                        return false;
                    }
                }
                // A raw control character, or the text ended inside the string.
                _ => return false,
            }
        }
    }

    /// An escape whose backslash was just eaten.
    fn escape(&mut self) -> bool {
        match self.next() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => true,
            Some(b'u') => {
                let end = self.at.saturating_add(4);
                let hex = self
                    .bytes
                    .get(self.at..end)
                    .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                self.at = end;
                hex
            }
            _ => false,
        }
    }

    /// An event name whose opening quote was just eaten: plain text (no escapes, so it reads
    /// as it is written) and not a reserved name.
    fn event_name(&mut self) -> bool {
        let start = self.at;
        self.skip_to_special();
        let name = self.bytes.get(start..self.at).unwrap_or_default();
        self.eat(b'"') && !RESERVED_EVENTS.iter().any(|r| r.as_bytes() == name)
    }

    /// An object key and its colon, after the `{` or `,` that precedes it.
    fn key_and_colon(&mut self) -> bool {
        self.skip_whitespace();
        if !(self.eat(b'"') && self.string()) {
            return false;
        }
        self.skip_whitespace();
        self.eat(b':')
    }

    /// The elements of the top-level array after its first one (or after `[` in an ACK),
    /// through its closing `]`. Iterative: nested containers are bits in `objects`.
    fn elements_then_close(&mut self) -> bool {
        // Bit `d` is set when the container at depth `d` is an object; depth 0 is the
        // top-level array.
        let mut objects: u64 = 0;
        let mut depth: u32 = 0;
        'value: loop {
            self.skip_whitespace();
            let Some(b) = self.next() else {
                return false;
            };
            let scalar = match b {
                b'"' => self.string(),
                b'-' | b'0'..=b'9' => self.number(b),
                b'n' => self.literal(b"ull"),
                b't' => self.literal(b"rue"),
                b'f' => self.literal(b"alse"),
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return false;
                    }
                    let object = b == b'{';
                    if object {
                        objects |= 1 << depth;
                    } else {
                        objects &= !(1 << depth);
                    }
                    self.skip_whitespace();
                    let close = if object { b'}' } else { b']' };
                    if self.eat(close) {
                        depth -= 1;
                        true
                    } else if object && !self.key_and_colon() {
                        return false;
                    } else {
                        continue 'value;
                    }
                }
                _ => false,
            };
            if !scalar {
                return false;
            }
            // After a value: a comma (then a value, or a key first in an object) or the
            // close of the current container (then again "after a value", one level up).
            loop {
                self.skip_whitespace();
                let in_object = objects & (1 << depth) != 0;
                match (self.next(), in_object) {
                    (Some(b','), false) => continue 'value,
                    (Some(b','), true) => {
                        if !self.key_and_colon() {
                            return false;
                        }
                        continue 'value;
                    }
                    (Some(b']'), false) if depth == 0 => return true,
                    (Some(b']'), false) | (Some(b'}'), true) => depth -= 1,
                    _ => return false,
                }
            }
        }
    }
}

/// The index of the first `"`, `\` or control character (below 0x20) in `bytes` at or after
/// `from`, or `bytes.len()`: eight bytes at a time, landing on the first such byte of a word,
/// then byte by byte for the last few.
fn find_special(bytes: &[u8], mut from: usize) -> usize {
    while let Some(word) = bytes
        .get(from..from.saturating_add(8))
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
    {
        let mask = special_bytes(u64::from_le_bytes(word));
        if mask != 0 {
            // Lane 0 is the first byte (little-endian), and the lowest flagged lane is
            // always a real hit.
            return from + (mask.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while let Some(&b) = bytes.get(from) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return from;
        }
        from += 1;
    }
    bytes.len()
}

/// The high bit of every byte lane of `word` that may hold `"`, `\` or a byte below 0x20.
/// Never misses one; the lowest flagged lane is always a real one (a false flag can only
/// sit above a real one, where a borrow spilled over).
const fn special_bytes(word: u64) -> u64 {
    let quote = below(word ^ (ONES * b'"' as u64), 1);
    let backslash = below(word ^ (ONES * b'\\' as u64), 1);
    quote | backslash | below(word, 0x20)
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of every lane of `word` that may be below `n` (`n` at most 0x80), by the
/// classic "has less" word trick.
const fn below(word: u64, n: u64) -> u64 {
    word.wrapping_sub(ONES * n) & !word & (ONES * 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sio::packet::PacketType;
    use crate::sio::validate::{Shape, validate};

    fn full(text: &str, event: bool) -> bool {
        let (shape, ty) = if event {
            (Shape::Event, PacketType::Event)
        } else {
            (Shape::Array, PacketType::Ack)
        };
        validate(text, shape, ty, 0).is_ok()
    }

    /// Checks what the quick scan says, and that it never accepts what the validator refuses.
    fn check(text: &str, event: bool, quick: bool) {
        assert_eq!(
            certainly_valid(text, event),
            quick,
            "quick check of {text:?}"
        );
        if quick {
            assert!(full(text, event), "validator refuses {text:?}");
        }
    }

    #[test]
    fn accepts_ordinary_payloads() {
        for text in [
            r#"["message",{"user":"alice","text":"hello, world"}]"#,
            r#"["chat"]"#,
            r#" [ "chat" , 1 , -2.5e+3 , 0 , 0.0 , 1E9 , true , false , null ] "#,
            r#"["a",[],{},[[]],{"k":[{"x":{}}]},"\"\\\/\b\f\n\r\t\u00e9\uD800"]"#,
            "[\"é\",\"日本語 and more than eight bytes of text\"]",
            r#"["x",{"_placeholder":true,"num":0}]"#,
        ] {
            check(text, true, true);
        }
        check("[]", false, true);
        check(r#"[1,"two",{"three":[3]}]"#, false, true);
    }

    #[test]
    fn leaves_errors_and_rare_forms_to_the_validator() {
        for text in [
            "",
            "{}",
            "[]",
            r#"[1]"#,
            r#"["a\u0062"]"#,
            r#"["connect"]"#,
            r#"["disconnecting",1]"#,
            r#"["a",]"#,
            r#"["a",01]"#,
            r#"["a",1.]"#,
            r#"["a",1e]"#,
            r#"["a",-]"#,
            r#"["a",nul]"#,
            r#"["a","\x"]"#,
            r#"["a","\u12G4"]"#,
            r#"["a","\u12"]"#,
            "[\"a\",\"tab\there\"]",
            r#"["a",{"k" 1}]"#,
            r#"["a",{"k":1,}]"#,
            r#"["a",{1:1}]"#,
            r#"["a",[1}]"#,
            r#"["a",{"k":1]]"#,
            r#"["a"] x"#,
            r#"["a""#,
            r#"["a",1"#,
            r#"["a" 1]"#,
        ] {
            check(text, true, false);
        }
    }

    #[test]
    fn deep_nesting_is_left_to_the_validator() {
        let at_limit = format!(
            "[\"a\",{}{}]",
            "[".repeat(MAX_DEPTH as usize),
            "]".repeat(MAX_DEPTH as usize)
        );
        check(&at_limit, true, true);
        let deeper = format!(
            "[\"a\",{}{}]",
            "[".repeat(MAX_DEPTH as usize + 1),
            "]".repeat(MAX_DEPTH as usize + 1)
        );
        check(&deeper, true, false);
        assert!(full(&deeper, true));
    }

    #[test]
    fn special_bytes_are_found_in_every_lane() {
        for lane in 0..8 {
            for special in [b'"', b'\\', 0x00, 0x1f] {
                let mut word = [b'a'; 8];
                word[lane] = special;
                let mask = special_bytes(u64::from_le_bytes(word));
                assert_eq!(mask.trailing_zeros() / 8, lane as u32);
                // With another special byte further on, the first one still comes first.
                if lane < 7 {
                    word[7] = b'"';
                    let mask = special_bytes(u64::from_le_bytes(word));
                    assert_eq!(mask.trailing_zeros() / 8, lane as u32);
                }
            }
            let mut word = [b'a'; 8];
            word[lane] = 0xff;
            assert_eq!(special_bytes(u64::from_le_bytes(word)), 0);
        }
        assert_eq!(special_bytes(u64::from_le_bytes(*b" !#[]~\x7f~")), 0);
    }

    #[test]
    fn strings_of_every_length_and_special_position() {
        for len in 0..20 {
            let plain = "x".repeat(len);
            check(&format!("[\"{plain}\"]"), true, true);
            check(&format!("[\"ev\",\"{plain}\"]"), true, true);
            for at in 0..=len {
                let (a, b) = plain.split_at(at);
                check(&format!("[\"ev\",\"{a}\\n{b}\"]"), true, true);
                check(&format!("[\"ev\",\"{a}\u{1}{b}\"]"), true, false);
                check(&format!("[\"{a}\\n{b}\"]"), true, false);
            }
            check(&format!("[\"ev\",\"{plain}"), true, false);
        }
    }
}
