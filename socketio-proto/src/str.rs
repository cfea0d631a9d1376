//! [`Str`]: UTF-8 text that shares its storage with the buffer it was decoded from.

use std::fmt;
use std::ops::{Deref, RangeBounds};

use bytes::Bytes;
use bytestring::ByteString;

/// An immutable UTF-8 string backed by [`Bytes`].
///
/// Decoders hand out `Str`s that slice the received buffer instead of copying it, and an
/// encoded text frame can be cloned to many recipients for the cost of a reference count.
/// The UTF-8 invariant is checked once, when the `Str` is made; reading the text afterwards is
/// free. The storage is `bytestring::ByteString`, which holds the proof of validity, so that our
/// crates stay `forbid(unsafe_code)` without re-validating on every access.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str(ByteString);

impl Str {
    /// An empty string.
    #[must_use]
    pub fn new() -> Self {
        Self(ByteString::new())
    }

    /// A string pointing at static text, without allocating.
    #[must_use]
    pub const fn from_static(s: &'static str) -> Self {
        Self(ByteString::from_static(s))
    }

    /// Checks that `bytes` is UTF-8 and wraps it without copying.
    ///
    /// # Errors
    /// Returns the UTF-8 error and gives nothing back when the bytes are not valid UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, std::str::Utf8Error> {
        ByteString::try_from(bytes).map(Self)
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The underlying bytes, shared, not copied.
    #[must_use]
    pub fn as_bytes(&self) -> &Bytes {
        self.0.as_bytes()
    }

    /// Gives back the underlying bytes.
    #[must_use]
    pub fn into_bytes(self) -> Bytes {
        self.0.into_bytes()
    }

    /// A sub-string sharing this one's storage, or `None` when the range is out of bounds or
    /// does not fall on character boundaries.
    #[must_use]
    pub fn slice(&self, range: impl RangeBounds<usize>) -> Option<Self> {
        let start = match range.start_bound() {
            std::ops::Bound::Included(&n) => n,
            std::ops::Bound::Excluded(&n) => n.checked_add(1)?,
            std::ops::Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            std::ops::Bound::Included(&n) => n.checked_add(1)?,
            std::ops::Bound::Excluded(&n) => n,
            std::ops::Bound::Unbounded => self.0.len(),
        };
        let text = self.as_str();
        if start > end
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return None;
        }
        let sub = text.get(start..end)?;
        Some(Self(self.0.slice_ref(sub)))
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Self(ByteString::from(s))
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Self(ByteString::from(s))
    }
}

impl From<Str> for Bytes {
    fn from(s: Str) -> Self {
        s.0.into_bytes()
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_storage_and_respect_char_boundaries() {
        let s = Str::from("héllo");
        assert_eq!(s.slice(0..1).unwrap(), "h");
        assert!(s.slice(0..2).is_none(), "inside the two-byte é");
        assert_eq!(s.slice(1..3).unwrap(), "é");
        assert!(s.slice(4..99).is_none());
        let (start, end) = (3, 2);
        assert!(s.slice(start..end).is_none());
        assert_eq!(s.slice(..).unwrap(), "héllo");
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert!(Str::from_utf8(Bytes::from_static(&[0xff, 0xfe])).is_err());
        assert_eq!(Str::from_utf8(Bytes::from_static(b"ok")).unwrap(), "ok");
    }
}
