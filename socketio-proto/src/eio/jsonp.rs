//! JSONP long-polling for Engine.IO v3 clients (`transport=polling&j=<index>`).
//!
//! Browsers without CORS-capable XHR poll by inserting a `<script>` whose response calls
//! back into the page, and send by posting a hidden form:
//!
//! - GET responses are `___eio[<j>]("<payload>");`: the v3 text payload as a JSON string
//!   literal, with U+2028 and U+2029 escaped too, because before ES2019 those two are line
//!   terminators inside JavaScript string literals although JSON allows them raw.
//!   [`wrap_response`] writes it; the index comes from [`JsonpIndex::parse`].
//! - POST bodies are `application/x-www-form-urlencoded` with the payload in the `d` field.
//!   The client escapes the payload's newlines (browsers normalise raw newlines in a
//!   textarea), so after form decoding a `\n` (backslash, `n`) is a newline and `\\n` is a
//!   literal backslash-`n`. [`decode_form_body`] undoes both layers.
//!
//! The reference server silently strips non-digits from `j`; here anything but a canonical
//! number is a typed error, since the index is written into JavaScript that the page runs.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::Str;

/// The `Content-Type` of a JSONP polling response.
pub const CONTENT_TYPE: &str = "text/javascript; charset=UTF-8";

/// Why a JSONP index or form body was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonpError {
    /// The `j` query value is empty.
    #[error("empty jsonp index")]
    EmptyIndex,
    /// The `j` query value holds something other than ASCII digits.
    #[error("jsonp index is not a number")]
    NonNumericIndex,
    /// The `j` query value has a leading zero, which JavaScript would read as octal.
    #[error("jsonp index has a leading zero")]
    IndexLeadingZero,
    /// The `j` query value exceeds [`JsonpIndex::MAX`].
    #[error("jsonp index exceeds {max}")]
    IndexTooLarge {
        /// The limit in force.
        max: u32,
    },
    /// The form body has no `d` field.
    #[error("form body has no 'd' field")]
    MissingData,
    /// The form body has more than one `d` field.
    #[error("form body has more than one 'd' field")]
    DuplicateData,
    /// A `%` in the `d` field is not followed by two hex digits.
    #[error("invalid percent-encoding at byte {offset}")]
    InvalidPercentEncoding {
        /// Byte offset of the `%` in the body.
        offset: usize,
    },
    /// The decoded `d` field is not valid UTF-8.
    #[error("form data is not valid utf-8")]
    InvalidUtf8,
    /// A Socket.IO 0.9 POST's `d` field is not a JSON string literal.
    #[error("form data is not a json string")]
    DataNotJsonString,
}

/// The callback index a JSONP client passes as `j`: a canonical decimal number of at most
/// [`JsonpIndex::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JsonpIndex(u32);

impl JsonpIndex {
    /// The largest index accepted: 999 999 999 (nine digits). The client uses the count of
    /// JSONP transports the page has created, which stays far below this.
    pub const MAX: u32 = 999_999_999;

    /// The index `n`, or `None` above [`JsonpIndex::MAX`].
    #[must_use]
    pub const fn new(n: u32) -> Option<Self> {
        if n <= Self::MAX { Some(Self(n)) } else { None }
    }

    /// Parses the `j` query value.
    ///
    /// # Errors
    /// [`JsonpError::EmptyIndex`], [`JsonpError::NonNumericIndex`],
    /// [`JsonpError::IndexLeadingZero`] or [`JsonpError::IndexTooLarge`].
    pub fn parse(j: &str) -> Result<Self, JsonpError> {
        let b = j.as_bytes();
        if b.is_empty() {
            return Err(JsonpError::EmptyIndex);
        }
        if !b.iter().all(u8::is_ascii_digit) {
            return Err(JsonpError::NonNumericIndex);
        }
        if b.len() > 1 && b.first() == Some(&b'0') {
            return Err(JsonpError::IndexLeadingZero);
        }
        let too_large = JsonpError::IndexTooLarge { max: Self::MAX };
        // More than ten digits cannot fit a u32; checking the length first bounds the work.
        if b.len() > 10 {
            return Err(too_large);
        }
        j.parse::<u32>().ok().and_then(Self::new).ok_or(too_large)
    }

    /// The index.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for JsonpIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The JSONP response body `___eio[<index>]("<payload>");` for an encoded v3 text payload.
#[must_use]
pub fn wrap_response(index: JsonpIndex, payload: &str) -> Bytes {
    let mut out = BytesMut::with_capacity(payload.len().saturating_add(32));
    out.extend_from_slice(b"___eio[");
    out.extend_from_slice(index.to_string().as_bytes());
    out.extend_from_slice(b"](");
    write_js_string(payload, &mut out);
    out.extend_from_slice(b");");
    out.freeze()
}

/// Appends `s` as a JavaScript string literal: `JSON.stringify(s)` (quotes, `\"`, `\\`, the
/// short escapes and `\u00xx` for other control characters) with U+2028 and U+2029 escaped
/// as `\u2028` and `\u2029`.
pub fn write_js_string(s: &str, out: &mut BytesMut) {
    out.reserve(s.len().saturating_add(2));
    out.put_u8(b'"');
    let mut run_start = 0;
    for (i, c) in s.char_indices() {
        let escape: Option<&[u8]> = match c {
            '"' => Some(b"\\\""),
            '\\' => Some(b"\\\\"),
            '\n' => Some(b"\\n"),
            '\r' => Some(b"\\r"),
            '\t' => Some(b"\\t"),
            '\u{8}' => Some(b"\\b"),
            '\u{c}' => Some(b"\\f"),
            '\u{2028}' => Some(b"\\u2028"),
            '\u{2029}' => Some(b"\\u2029"),
            c if u32::from(c) < 0x20 => Some(b""),
            _ => None,
        };
        let Some(escape) = escape else { continue };
        out.extend_from_slice(s.as_bytes().get(run_start..i).unwrap_or_default());
        if escape.is_empty() {
            // Other control characters: `\u00xx` with lowercase hex, as JSON.stringify.
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let n = usize::from(u8::try_from(u32::from(c)).unwrap_or_default());
            out.extend_from_slice(b"\\u00");
            out.put_u8(HEX.get(n >> 4).copied().unwrap_or(b'0'));
            out.put_u8(HEX.get(n & 0xf).copied().unwrap_or(b'0'));
        } else {
            out.extend_from_slice(escape);
        }
        run_start = i.saturating_add(c.len_utf8());
    }
    out.extend_from_slice(s.as_bytes().get(run_start..).unwrap_or_default());
    out.put_u8(b'"');
}

/// Extracts the payload from a JSONP POST body (`d=<urlencoded payload>&...`): form-decodes
/// the `d` field (`+` is a space, `%XX` a byte), then turns the client's newline escapes
/// back (`\n` → newline, `\\n` → `\n`), as engine.io 3 does. The result shares `body`'s
/// storage when nothing needed decoding. Other fields are ignored.
///
/// # Errors
/// A [`JsonpError`] for a missing or repeated `d`, bad percent-encoding, or non-UTF-8 data.
pub fn decode_form_body(body: &Bytes) -> Result<Str, JsonpError> {
    let data = decode_form_data(body)?;
    if !data.contains('\\') {
        return Ok(data);
    }
    String::from_utf8(unescape_newlines(data.as_bytes()))
        .map(Str::from)
        .map_err(|_| JsonpError::InvalidUtf8)
}

/// The form-decoded `d` field of a JSONP POST body, without engine.io 3's newline step (the
/// Socket.IO 0.9 client JSON-encodes instead). Shares `body`'s storage when nothing needed
/// decoding.
///
/// # Errors
/// A [`JsonpError`] for a missing or repeated `d`, bad percent-encoding, or non-UTF-8 data.
pub fn decode_form_data(body: &Bytes) -> Result<Str, JsonpError> {
    let mut found: Option<(usize, usize)> = None;
    let mut offset = 0usize;
    for field in body.split(|&b| b == b'&') {
        let start = offset;
        offset = offset.saturating_add(field.len()).saturating_add(1);
        let (key, value_at) = match field.iter().position(|&b| b == b'=') {
            Some(eq) => (
                field.get(..eq).unwrap_or_default(),
                start.saturating_add(eq).saturating_add(1),
            ),
            None => (field, start.saturating_add(field.len())),
        };
        if key == b"d" || (key.contains(&b'%') && form_decode(key, 0).ok().as_deref() == Some(b"d"))
        {
            if found.is_some() {
                return Err(JsonpError::DuplicateData);
            }
            found = Some((value_at, start.saturating_add(field.len())));
        }
    }
    let (start, end) = found.ok_or(JsonpError::MissingData)?;
    let raw = body.get(start..end).unwrap_or_default();
    if !raw.iter().any(|&b| matches!(b, b'%' | b'+')) {
        return Str::from_utf8(body.slice(start..end)).map_err(|_| JsonpError::InvalidUtf8);
    }
    String::from_utf8(form_decode(raw, start)?)
        .map(Str::from)
        .map_err(|_| JsonpError::InvalidUtf8)
}

/// `application/x-www-form-urlencoded` decoding of one key or value that starts at byte `at`
/// of the body (for error offsets).
fn form_decode(raw: &[u8], at: usize) -> Result<Vec<u8>, JsonpError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0usize;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |k: usize| raw.get(k).and_then(|&h| char::from(h).to_digit(16));
                let (Some(hi), Some(lo)) = (hex(i.saturating_add(1)), hex(i.saturating_add(2)))
                else {
                    return Err(JsonpError::InvalidPercentEncoding {
                        offset: at.saturating_add(i),
                    });
                };
                out.push(u8::try_from(hi * 16 + lo).unwrap_or_default());
                i = i.saturating_add(2);
            }
            _ => out.push(b),
        }
        i = i.saturating_add(1);
    }
    Ok(out)
}

/// Engine.IO 3's two replacements, in its order: first every `\n` not preceded by a
/// backslash becomes a newline (a `\\n` is skipped whole), then every `\\n` becomes `\n`.
/// Both scan left to right without overlap, as JavaScript's global regex replace does.
fn unescape_newlines(s: &[u8]) -> Vec<u8> {
    let pass = |input: &[u8], on_double: &[u8], on_single: Option<&[u8]>| {
        let mut out = Vec::with_capacity(input.len());
        let mut i = 0usize;
        while i < input.len() {
            let rest = input.get(i..).unwrap_or_default();
            if rest.starts_with(b"\\\\n") {
                out.extend_from_slice(on_double);
                i = i.saturating_add(3);
            } else if let (Some(single), true) = (on_single, rest.starts_with(b"\\n")) {
                out.extend_from_slice(single);
                i = i.saturating_add(2);
            } else {
                out.extend(rest.first());
                i = i.saturating_add(1);
            }
        }
        out
    };
    let newlines = pass(s, b"\\\\n", Some(b"\n"));
    pass(&newlines, b"\\n", None)
}
