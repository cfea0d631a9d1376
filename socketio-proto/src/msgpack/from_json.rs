//! JSON text straight to MessagePack, without a tree: how a packet's payload (JSON with
//! binary placeholders, the form the rest of the server keeps) goes on the wire under the
//! msgpack parser. Writes what notepack.io writes for the value `JSON.parse` (plus
//! socket.io-parser's placeholder reconstruction) would give, byte for byte as
//! [`Value::from_json`](super::Value::from_json) followed by [`write_value`](super::write_value)
//! does, at a fraction of the cost.
//!
//! A container's length is known only at its end: its header is written as one byte (the fix
//! form, enough below 16 entries) and widened in place when it has more.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::encode::{write_f64, write_int, write_len, write_uint};
use super::error::MsgpackError;

/// Appends the MessagePack form of JSON `text` to `out`. With `attachments`, every object
/// whose `_placeholder` is `true` becomes the binary its `num` names.
///
/// # Errors
/// [`MsgpackError::Json`] for malformed JSON (or deeper than serde_json's 128 levels, or a
/// lone surrogate escape); [`MsgpackError::BadPlaceholder`] for a placeholder naming no
/// attachment. `out` then holds a partial value.
pub(crate) fn write_json(
    out: &mut BytesMut,
    text: &str,
    attachments: Option<&[Bytes]>,
) -> Result<(), MsgpackError> {
    let mut bad = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let r = Seed {
        out,
        attachments,
        bad: &mut bad,
    }
    .deserialize(&mut de);
    if let Some(e) = bad {
        return Err(e);
    }
    r?;
    de.end()?;
    Ok(())
}

struct Seed<'a, 'b> {
    out: &'a mut BytesMut,
    attachments: Option<&'b [Bytes]>,
    bad: &'a mut Option<MsgpackError>,
}

impl Seed<'_, '_> {
    fn child(&mut self) -> Seed<'_, '_> {
        Seed {
            out: self.out,
            attachments: self.attachments,
            bad: self.bad,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// Writes a container header for `n` entries at `start`, where one byte was reserved (the
/// smallest form, as `write_container` picks it).
fn close_container(out: &mut BytesMut, start: usize, n: usize, fix: u8, codes: [u8; 2]) {
    let (header, len): ([u8; 5], usize) = if n < 16 {
        ([fix | n as u8, 0, 0, 0, 0], 1)
    } else if let Ok(n) = u16::try_from(n) {
        let [a, b] = n.to_be_bytes();
        ([codes[0], a, b, 0, 0], 3)
    } else {
        let [a, b, c, d] = u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes();
        ([codes[1], a, b, c, d], 5)
    };
    if len > 1 {
        let end = out.len();
        out.put_bytes(0, len.saturating_sub(1));
        out.copy_within(start.saturating_add(1)..end, start.saturating_add(len));
    }
    if let (Some(slot), Some(h)) = (
        out.get_mut(start..start.saturating_add(len)),
        header.get(..len),
    ) {
        slot.copy_from_slice(h);
    }
}

fn write_str(out: &mut BytesMut, s: &str) {
    write_len(out, s.len(), [0xd9, 0xda, 0xdb], Some((0xa0, 32)));
    out.put_slice(s.as_bytes());
}

/// The unsigned integer `write_uint` wrote at the start of `b`, if it is one.
fn read_uint(b: &[u8]) -> Option<u64> {
    let be = |n: usize| -> Option<u64> {
        let bytes = b.get(1..1 + n)?;
        Some(bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    };
    match *b.first()? {
        x @ 0x00..=0x7f => Some(u64::from(x)),
        0xcc => be(1),
        0xcd => be(2),
        0xce => be(4),
        0xcf => be(8),
        _ => None,
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.put_u8(0xc0);
        Ok(())
    }
    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.out.put_u8(if b { 0xc3 } else { 0xc2 });
        Ok(())
    }
    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        write_uint(self.out, n);
        Ok(())
    }
    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        write_int(self.out, n);
        Ok(())
    }
    fn visit_f64<E>(self, f: f64) -> Result<(), E> {
        write_f64(self.out, f);
        Ok(())
    }
    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        write_str(self.out, s);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let start = self.out.len();
        self.out.put_u8(0);
        let mut n = 0usize;
        while seq.next_element_seed(self.child())?.is_some() {
            n = n.saturating_add(1);
        }
        close_container(self.out, start, n, 0x90, [0xdc, 0xdd]);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let start = self.out.len();
        self.out.put_u8(0);
        let mut n = 0usize;
        // socket.io-parser's reconstruction reads the last `_placeholder` and `num`.
        let mut placeholder = false;
        let mut num: Option<Option<u64>> = None;
        while let Some(key) = map.next_key_seed(KeySeed { out: self.out })? {
            let at = self.out.len();
            map.next_value_seed(self.child())?;
            let written = self.out.get(at..).unwrap_or_default();
            match key {
                Key::Placeholder => placeholder = written == [0xc3],
                Key::Num => num = Some(read_uint(written)),
                Key::Other => {}
            }
            n = n.saturating_add(1);
        }
        close_container(self.out, start, n, 0x80, [0xde, 0xdf]);
        let Some(attachments) = self.attachments else {
            return Ok(());
        };
        if placeholder {
            let num = num.flatten();
            let found = num
                .and_then(|n| usize::try_from(n).ok())
                .and_then(|n| attachments.get(n));
            let Some(b) = found else {
                *self.bad = Some(MsgpackError::BadPlaceholder {
                    num,
                    count: attachments.len(),
                });
                return Err(serde::de::Error::custom("bad placeholder"));
            };
            self.out.truncate(start);
            write_len(self.out, b.len(), [0xc4, 0xc5, 0xc6], None);
            self.out.put_slice(b);
        }
        Ok(())
    }
}

/// What a map key is to the placeholder rule.
enum Key {
    Placeholder,
    Num,
    Other,
}

/// Writes a map key (always a string in JSON) and says what it is.
struct KeySeed<'a> {
    out: &'a mut BytesMut,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Key, E> {
        write_str(self.out, s);
        Ok(match s {
            "_placeholder" => Key::Placeholder,
            "num" => Key::Num,
            _ => Key::Other,
        })
    }
}
