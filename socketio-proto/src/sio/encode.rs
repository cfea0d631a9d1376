//! Encoding a [`Packet`] into its header text and binary attachments.
//!
//! The header is written straight into the caller's `BytesMut` or `String`, so the Engine.IO
//! layer can put its `4` prefix first and the whole frame costs one allocation; its exact
//! length is known up front ([`Packet::encoded_len`]). Payload text is copied
//! verbatim (it is already JSON); attachments are handed back by reference, never copied.

use std::fmt::Write as _;

use bytes::{BufMut, Bytes, BytesMut};

use super::packet::{Packet, PacketBody, ProtocolVersion};
use crate::Str;
use crate::eio::Frame;

impl Packet {
    /// Appends the header text (`<type>[<n>-][<nsp>,][<id>][<json>]`) to `buf` and returns
    /// the attachments to send after it, one binary frame each, in order.
    ///
    /// Version differences: v4 writes a CONNECT's `query` as `<nsp>?<query>,` and never its
    /// `auth`; v5 writes `auth` and never `query`. `ConnectError` and `Error` both encode as
    /// type 4. The namespace is not checked: one containing `,` yields a header that decodes
    /// differently (the reference encoder throws instead).
    ///
    /// Reserves exactly [`encoded_len`](Self::encoded_len) bytes, so a buffer created with
    /// that capacity (plus any prefix) is filled without growing.
    pub fn encode_into<'a>(&'a self, v: ProtocolVersion, buf: &mut BytesMut) -> &'a [Bytes] {
        let header = Header::of(self, v);
        buf.reserve(header.len());
        header.write(buf);
        self.attachments()
    }

    /// As [`encode_into`](Self::encode_into), appending to a `String`: the text stays proven
    /// UTF-8, so a frame built this way (`"4"` + header, then `Frame::Text(Str::from(s))`)
    /// needs no validation pass, and with [`encoded_len`](Self::encoded_len) + 1 as capacity
    /// it costs exactly one allocation.
    pub fn encode_into_string<'a>(&'a self, v: ProtocolVersion, out: &mut String) -> &'a [Bytes] {
        let header = Header::of(self, v);
        out.reserve(header.len());
        header.write(out);
        self.attachments()
    }

    /// This packet as the Engine.IO message frame that carries it: `4` then the header text,
    /// written once into a buffer of exactly that size (one allocation, no UTF-8 re-check,
    /// nothing copied twice). The attachments ([`attachments`](Self::attachments)) follow it
    /// as binary frames. This is the frame a server sends, and clones for every recipient of
    /// a broadcast.
    #[must_use]
    pub fn encode_message_frame(&self, v: ProtocolVersion) -> Frame {
        let header = Header::of(self, v);
        let mut text = String::with_capacity(header.len().saturating_add(1));
        text.push('4');
        header.write(&mut text);
        Frame::Text(Str::from(text))
    }

    /// The exact length in bytes of the header text [`encode_into`](Self::encode_into) writes
    /// for `v`, so a caller can size a frame buffer (prefix included) in one allocation.
    #[must_use]
    pub fn encoded_len(&self, v: ProtocolVersion) -> usize {
        Header::of(self, v).len()
    }

    /// Encodes into a fresh header [`Str`] and the attachments to send after it.
    #[must_use]
    pub fn encode(&self, v: ProtocolVersion) -> (Str, Vec<Bytes>) {
        let header = Header::of(self, v);
        // Every piece is `str` text, so writing into a `String` keeps the UTF-8 proof without
        // a validation pass, and the exact capacity lets `Str` take the buffer as it is.
        let mut text = String::with_capacity(header.len());
        header.write(&mut text);
        (Str::from(text), self.attachments().to_vec())
    }
}

/// The pieces of a header, computed once so that measuring and writing cannot disagree.
struct Header<'a> {
    ty: u8,
    attachments: usize,
    /// The namespace (and v4 CONNECT query) when it is written, i.e. not the bare `/`.
    nsp: Option<(&'a str, Option<&'a str>)>,
    id: Option<u64>,
    payload: &'a str,
}

impl<'a> Header<'a> {
    fn of(p: &'a Packet, v: ProtocolVersion) -> Self {
        let query = match (&p.body, v) {
            (PacketBody::Connect { query: Some(q), .. }, ProtocolVersion::V4) => Some(q.as_str()),
            _ => None,
        };
        let nsp = (p.nsp.as_str() != "/" || query.is_some()).then(|| (p.nsp.as_str(), query));
        let (id, payload) = match &p.body {
            PacketBody::Connect { auth, .. } => match (auth, v) {
                (Some(a), ProtocolVersion::V5) => (None, a.as_str()),
                _ => (None, ""),
            },
            PacketBody::Disconnect => (None, ""),
            PacketBody::Event { id, data, .. } => (*id, data.as_str()),
            PacketBody::Ack { id, data, .. } => (Some(*id), data.as_str()),
            PacketBody::ConnectError(data) | PacketBody::Error(data) => (None, data.as_str()),
        };
        Self {
            ty: p.packet_type().as_byte(),
            attachments: p.attachments().len(),
            nsp,
            id,
            payload,
        }
    }

    fn len(&self) -> usize {
        let mut n = 1usize;
        if self.attachments > 0 {
            n = n
                .saturating_add(decimal_len(self.attachments as u64))
                .saturating_add(1);
        }
        if let Some((nsp, query)) = self.nsp {
            n = n.saturating_add(nsp.len()).saturating_add(1);
            if let Some(q) = query {
                n = n.saturating_add(q.len()).saturating_add(1);
            }
        }
        if let Some(id) = self.id {
            n = n.saturating_add(decimal_len(id));
        }
        n.saturating_add(self.payload.len())
    }

    fn write(&self, out: &mut impl Sink) {
        out.put_ascii(self.ty);
        if self.attachments > 0 {
            write_decimal(out, self.attachments as u64);
            out.put_ascii(b'-');
        }
        if let Some((nsp, query)) = self.nsp {
            out.put_str(nsp);
            if let Some(q) = query {
                out.put_ascii(b'?');
                out.put_str(q);
            }
            out.put_ascii(b',');
        }
        if let Some(id) = self.id {
            write_decimal(out, id);
        }
        out.put_str(self.payload);
    }
}

/// Where a header is written: a caller's `BytesMut` or a `String`.
trait Sink {
    fn put_str(&mut self, s: &str);
    /// `b` is always an ASCII delimiter or digit.
    fn put_ascii(&mut self, b: u8);
}

impl Sink for BytesMut {
    fn put_str(&mut self, s: &str) {
        self.put_slice(s.as_bytes());
    }
    fn put_ascii(&mut self, b: u8) {
        self.put_u8(b);
    }
}

impl Sink for String {
    fn put_str(&mut self, s: &str) {
        self.push_str(s);
    }
    fn put_ascii(&mut self, b: u8) {
        self.push(char::from(b));
    }
}

/// The number of decimal digits of `n`.
fn decimal_len(n: u64) -> usize {
    n.checked_ilog10()
        .map_or(1, |l| (l as usize).saturating_add(1))
}

/// Writes `n` in decimal without allocating: digits fill a stack buffer from the end, then
/// go out in one write.
fn write_decimal(out: &mut impl Sink, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start = start.saturating_sub(1);
        if let Some(slot) = digits.get_mut(start) {
            *slot = b'0'.saturating_add((n % 10) as u8);
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written, so this is always `Ok`.
    if let Ok(text) = std::str::from_utf8(digits.get(start..).unwrap_or_default()) {
        out.put_str(text);
    }
}

/// Appends `s` as a JSON string literal (quotes and escapes), as `JSON.stringify` would.
pub(crate) fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if u32::from(c) < 0x20 => "",
            _ => continue,
        };
        out.push_str(s.get(plain_from..i).unwrap_or_default());
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(esc);
        }
        plain_from = i.saturating_add(c.len_utf8());
    }
    out.push_str(s.get(plain_from..).unwrap_or_default());
    out.push('"');
}

/// The length of `s` written by [`write_json_str`], so callers can size buffers exactly.
pub(crate) fn json_str_len(s: &str) -> usize {
    s.bytes().fold(2usize, |n, b| {
        n.saturating_add(match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            // Multi-byte characters are copied as they are, byte for byte.
            _ => 1,
        })
    })
}
