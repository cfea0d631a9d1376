//! [`Value`] and JSON: how a node server turns a decoded cluster message into the JSON its
//! clients receive, and how a packet's JSON (with binary placeholders) becomes a `Value`.
//!
//! Towards clients this follows what a node server does with the JavaScript value notepack.io
//! gave it: socket.io-parser replaces each binary with a placeholder (depth first, in key
//! order) and `JSON.stringify` writes the rest. So `undefined` is `null` in an array and
//! leaves its key out of an object, NaN and ±Infinity are `null`, a date is its ISO string,
//! and an unknown extension is the array `[type, <binary>]`.

use std::fmt::{self, Write};

use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::date::{ext_millis, iso_string};
use super::error::MsgpackError;
use super::value::Value;
use crate::Str;

/// Integers below 2^53 in magnitude are exact JavaScript numbers and print as integers.
const SAFE: u64 = 1 << 53;

impl Value {
    /// The JSON a node server would send its clients for this value, binaries replaced by
    /// placeholders numbered from `attachments.len()` and appended to `attachments`.
    ///
    /// # Errors
    /// [`MsgpackError::UnsupportedKey`] for a map key that is not a string, number, boolean or
    /// nil (a JavaScript object key is always a string, and node would have produced none).
    pub fn write_json(
        &self,
        out: &mut String,
        attachments: &mut Vec<Bytes>,
    ) -> Result<(), MsgpackError> {
        self.write(out, &mut Some(attachments))
    }

    /// The JSON `JSON.stringify` writes for this value in node, where a binary is a `Buffer`
    /// and becomes `{"type":"Buffer","data":[..bytes]}`: the form of the JSON requests and
    /// responses on the cluster channels.
    ///
    /// # Errors
    /// As [`write_json`](Self::write_json).
    pub fn write_plain_json(&self, out: &mut String) -> Result<(), MsgpackError> {
        self.write(out, &mut None)
    }

    pub(super) fn write(
        &self,
        out: &mut String,
        bins: &mut Option<&mut Vec<Bytes>>,
    ) -> Result<(), MsgpackError> {
        let attachments = bins;
        match self {
            Self::Nil => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::UInt(n) if *n < SAFE => {
                let _ = write!(out, "{n}");
            }
            Self::UInt(n) => write_f64(out, *n as f64),
            Self::Int(n) if n.unsigned_abs() < SAFE => {
                let _ = write!(out, "{n}");
            }
            Self::Int(n) => write_f64(out, *n as f64),
            Self::F32(f) => write_f64(out, f64::from(*f)),
            Self::F64(f) => write_f64(out, *f),
            Self::Str(s) => crate::sio::write_json_str(out, s),
            Self::Bin(b) => write_bin(out, b.clone(), attachments),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if item.is_undefined() {
                        out.push_str("null");
                    } else {
                        item.write(out, attachments)?;
                    }
                }
                out.push(']');
            }
            Self::Map(entries) => {
                out.push('{');
                let mut first = true;
                for (k, v) in entries {
                    if v.is_undefined() {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    crate::sio::write_json_str(out, &key_string(k)?);
                    out.push(':');
                    v.write(out, attachments)?;
                }
                out.push('}');
            }
            Self::Ext(ty, data) => match (ext_millis(*ty, data), *ty, data.len()) {
                (Some(ms), _, _) => match iso_string(ms) {
                    Some(iso) => crate::sio::write_json_str(out, &iso),
                    None => out.push_str("null"),
                },
                // Legacy `undefined` (written as a value: array slots and map values are
                // handled by the container).
                (None, 0, 1) => out.push_str("null"),
                // Legacy ArrayBuffer.
                (None, 0, _) => write_bin(out, data.clone(), attachments),
                (None, ty, _) => {
                    let _ = write!(out, "[{ty},");
                    write_bin(out, data.clone(), attachments);
                    out.push(']');
                }
            },
        }
        Ok(())
    }

    /// The JSON text of [`write_json`](Self::write_json), with its attachments.
    ///
    /// # Errors
    /// As [`write_json`](Self::write_json).
    pub fn to_json(&self) -> Result<(String, Vec<Bytes>), MsgpackError> {
        let mut out = String::new();
        let mut attachments = Vec::new();
        self.write_json(&mut out, &mut attachments)?;
        Ok((out, attachments))
    }

    /// Whether notepack.io reads this as `undefined` (fixext type 0 of one byte).
    #[must_use]
    pub fn is_undefined(&self) -> bool {
        matches!(self, Self::Ext(0, d) if d.len() == 1)
    }

    /// Parses JSON `text` (a packet payload) into a value, each placeholder
    /// `{"_placeholder":true,"num":n}` replaced by `attachments[n]`.
    ///
    /// # Errors
    /// [`MsgpackError::Json`] for malformed JSON (serde_json's 128-level nesting limit
    /// included), [`MsgpackError::BadPlaceholder`] for a placeholder without a matching
    /// attachment (socket.io-parser's "illegal attachments").
    pub fn from_json(text: &str, attachments: &[Bytes]) -> Result<Self, MsgpackError> {
        Self::parse_json(text.as_bytes(), Some(attachments))
    }

    /// Parses JSON as `JSON.parse` does: placeholders are plain objects.
    ///
    /// # Errors
    /// [`MsgpackError::Json`] for malformed JSON.
    pub fn from_plain_json(text: &[u8]) -> Result<Self, MsgpackError> {
        Self::parse_json(text, None)
    }

    fn parse_json(text: &[u8], attachments: Option<&[Bytes]>) -> Result<Self, MsgpackError> {
        let mut bad = None;
        let mut de = serde_json::Deserializer::from_slice(text);
        let v = Seed {
            attachments,
            bad: &mut bad,
        }
        .deserialize(&mut de);
        if let Some(e) = bad {
            return Err(e);
        }
        let v = v?;
        de.end()?;
        Ok(v)
    }
}

/// A JavaScript number as `JSON.stringify` writes it (same value; integers without a
/// fraction, non-finite numbers as `null`).
fn write_f64(out: &mut String, f: f64) {
    if !f.is_finite() {
        out.push_str("null");
    } else if f.fract() == 0.0 && f.abs() < SAFE as f64 {
        // Also turns -0 into 0, as JavaScript prints it.
        let _ = write!(out, "{}", f as i64);
    } else {
        // serde_json's shortest round-trip form; a finite f64 always serializes.
        let _ = write!(
            out,
            "{}",
            serde_json::Number::from_f64(f).map_or_else(|| "null".to_owned(), |n| n.to_string())
        );
    }
}

/// A binary: a placeholder (and the attachment) towards clients, a node `Buffer`'s JSON on
/// the request channels.
fn write_bin(out: &mut String, b: Bytes, attachments: &mut Option<&mut Vec<Bytes>>) {
    match attachments {
        Some(list) => {
            let _ = write!(out, "{{\"_placeholder\":true,\"num\":{}}}", list.len());
            list.push(b);
        }
        None => {
            out.push_str("{\"type\":\"Buffer\",\"data\":[");
            for (i, byte) in b.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{byte}");
            }
            out.push_str("]}");
        }
    }
}

/// A map key as the string property name JavaScript would give it.
pub(super) fn key_string(k: &Value) -> Result<Str, MsgpackError> {
    Ok(match k {
        Value::Str(s) => s.clone(),
        Value::Nil => Str::from_static("null"),
        Value::Bool(b) => Str::from_static(if *b { "true" } else { "false" }),
        Value::UInt(_) | Value::Int(_) | Value::F32(_) | Value::F64(_) => {
            let mut s = String::new();
            k.write(&mut s, &mut None)?;
            // String(NaN) is "NaN" where JSON has null.
            if s == "null" {
                s = js_non_finite(k).to_owned();
            }
            Str::from(s)
        }
        _ => return Err(MsgpackError::UnsupportedKey),
    })
}

fn js_non_finite(k: &Value) -> &'static str {
    let f = match k {
        Value::F32(f) => f64::from(*f),
        Value::F64(f) => *f,
        _ => 0.0,
    };
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

/// Deserializes JSON into a [`Value`], resolving placeholders.
struct Seed<'a, 'b> {
    /// `None`: placeholders are not special.
    attachments: Option<&'a [Bytes]>,
    bad: &'b mut Option<MsgpackError>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::UInt(n))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(u64::try_from(n).map_or(Value::Int(n), Value::UInt))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::F64(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(Str::from(s)))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(Str::from(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed {
            attachments: self.attachments,
            bad: &mut *self.bad,
        })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(Seed {
                attachments: self.attachments,
                bad: &mut *self.bad,
            })?;
            entries.push((Value::Str(Str::from(k)), v));
        }
        let map = Value::Map(entries);
        // socket.io-parser's reconstruction: any object whose `_placeholder` is `true` is a
        // placeholder, and its `num` must name an attachment.
        let Some(attachments) = self.attachments else {
            return Ok(map);
        };
        if map.get("_placeholder").is_some_and(Value::is_true) {
            let num = map.get("num").and_then(Value::as_u64);
            let found = num
                .and_then(|n| usize::try_from(n).ok())
                .and_then(|n| attachments.get(n));
            return match found {
                Some(b) => Ok(Value::Bin(b.clone())),
                None => {
                    *self.bad = Some(MsgpackError::BadPlaceholder {
                        num,
                        count: attachments.len(),
                    });
                    Err(serde::de::Error::custom("bad placeholder"))
                }
            };
        }
        Ok(map)
    }
}
