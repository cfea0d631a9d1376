//! [`StreamOffset`]: a Redis stream entry id (`<milliseconds>-<sequence>`), the offset a
//! client of the streams adapter resumes after.

use crate::Str;

/// A stream entry id as node's `restoreSession` accepts it (`/^[0-9]+-[0-9]+$/`), both parts
/// within `u64` (Redis' own range). The offset a client sends back is untrusted text; only a
/// value that parses is ever put into a Redis command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamOffset {
    /// Milliseconds part.
    pub ms: u64,
    /// Sequence part.
    pub seq: u64,
}

impl StreamOffset {
    /// Parses `<digits>-<digits>`; anything else (signs, spaces, `*`, overflow) is `None`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (ms, seq) = text.split_once('-')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(ms) || !digits(seq) {
            return None;
        }
        Some(Self {
            ms: ms.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }

    /// The smallest id after this one, where a restore's `XRANGE` starts (node's
    /// `nextOffset`: exclusive ranges need Redis 6.2). `None` only at the very last id.
    #[must_use]
    pub fn next(self) -> Option<Self> {
        match self.seq.checked_add(1) {
            Some(seq) => Some(Self { ms: self.ms, seq }),
            None => Some(Self {
                ms: self.ms.checked_add(1)?,
                seq: 0,
            }),
        }
    }

    /// The id as text, the form a client sees as the event's last argument.
    #[must_use]
    pub fn to_str(self) -> Str {
        Str::from(self.to_string())
    }
}

impl std::fmt::Display for StreamOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}
