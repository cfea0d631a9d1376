//! Encoding a [`Packet`] into its header text and binary attachments.
//!
//! The header is written straight into the caller's `BytesMut`, so the Engine.IO layer can
//! put its `4` prefix first and the whole frame costs one allocation. Payload text is copied
//! verbatim (it is already JSON); attachments are handed back by reference, never copied.

use std::fmt::Write as _;

use bytes::{BufMut, Bytes, BytesMut};

use super::packet::{Packet, PacketBody, ProtocolVersion};
use crate::Str;

impl Packet {
    /// Appends the header text (`<type>[<n>-][<nsp>,][<id>][<json>]`) to `buf` and returns
    /// the attachments to send after it, one binary frame each, in order.
    ///
    /// Version differences: v4 writes a CONNECT's `query` as `<nsp>?<query>,` and never its
    /// `auth`; v5 writes `auth` and never `query`. `ConnectError` and `Error` both encode as
    /// type 4. The namespace is not checked: one containing `,` yields a header that decodes
    /// differently (the reference encoder throws instead).
    pub fn encode_into<'a>(&'a self, v: ProtocolVersion, buf: &mut BytesMut) -> &'a [Bytes] {
        let ty = self.packet_type();
        let attachments = self.attachments();
        let payload_len = match &self.body {
            PacketBody::Event { data, .. } | PacketBody::Ack { data, .. } => {
                data.as_text().as_bytes().len()
            }
            PacketBody::ConnectError(data) | PacketBody::Error(data) => {
                data.as_text().as_bytes().len()
            }
            PacketBody::Connect { auth: Some(a), .. } => a.as_text().as_bytes().len(),
            _ => 0,
        };
        // type + count + '-' + nsp + ',' + id + payload; a slight over-reservation is fine.
        buf.reserve(
            self.nsp
                .as_bytes()
                .len()
                .saturating_add(payload_len)
                .saturating_add(48),
        );
        buf.put_u8(ty.as_byte());
        if !attachments.is_empty() {
            write_decimal(buf, attachments.len() as u64);
            buf.put_u8(b'-');
        }
        let query = match (&self.body, v) {
            (PacketBody::Connect { query: Some(q), .. }, ProtocolVersion::V4) => Some(q),
            _ => None,
        };
        if self.nsp.as_bytes().as_ref() != b"/" || query.is_some() {
            buf.put_slice(self.nsp.as_bytes());
            if let Some(q) = query {
                buf.put_u8(b'?');
                buf.put_slice(q.as_bytes());
            }
            buf.put_u8(b',');
        }
        match &self.body {
            PacketBody::Connect { auth, .. } => {
                if let (Some(a), ProtocolVersion::V5) = (auth, v) {
                    buf.put_slice(a.as_text().as_bytes());
                }
            }
            PacketBody::Disconnect => {}
            PacketBody::Event { id, data, .. } => {
                if let Some(id) = id {
                    write_decimal(buf, *id);
                }
                buf.put_slice(data.as_text().as_bytes());
            }
            PacketBody::Ack { id, data, .. } => {
                write_decimal(buf, *id);
                buf.put_slice(data.as_text().as_bytes());
            }
            PacketBody::ConnectError(data) | PacketBody::Error(data) => {
                buf.put_slice(data.as_text().as_bytes());
            }
        }
        attachments
    }

    /// Encodes into a fresh header [`Str`] and the attachments to send after it.
    #[must_use]
    pub fn encode(&self, v: ProtocolVersion) -> (Str, Vec<Bytes>) {
        let mut buf = BytesMut::new();
        let attachments = self.encode_into(v, &mut buf).to_vec();
        // Every piece written is UTF-8 (ASCII delimiters, `Str` namespace and JSON text), so
        // the check cannot fail; the fallback keeps this panic-free without `unsafe`.
        let text = Str::from_utf8(buf.freeze()).unwrap_or_default();
        (text, attachments)
    }
}

/// Writes `n` in decimal without allocating.
fn write_decimal(buf: &mut BytesMut, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0usize;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0'.saturating_add((n % 10) as u8);
        }
        len = len.saturating_add(1);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        buf.put_u8(*d);
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
