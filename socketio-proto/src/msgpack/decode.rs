//! Decoding MessagePack into [`Value`]s, within [`MsgpackLimits`].
//!
//! Reads everything notepack.io's decoder reads (every MessagePack format), with its
//! leniencies: invalid UTF-8 in a string becomes U+FFFD. Unlike it, a claimed length longer
//! than what is left is an error before anything is allocated, and the limits hold.

use bytes::Bytes;

use super::error::MsgpackError;
use super::limits::MsgpackLimits;
use super::value::Value;
use crate::Str;

/// Decodes one MessagePack value that must span all of `data`.
///
/// # Errors
/// A [`MsgpackError`] for malformed MessagePack, trailing bytes or a limit exceeded.
pub fn decode_value(data: &Bytes, limits: &MsgpackLimits) -> Result<Value, MsgpackError> {
    if data.len() > limits.max_message_bytes {
        return Err(MsgpackError::TooLarge {
            len: data.len(),
            max: limits.max_message_bytes,
        });
    }
    let mut r = Reader {
        data,
        pos: 0,
        values_left: limits.max_values,
        limits,
    };
    let v = r.value(0)?;
    match data.len().saturating_sub(r.pos) {
        0 => Ok(v),
        n => Err(MsgpackError::TrailingBytes(n)),
    }
}

/// A cursor over one MessagePack message, within its limits (the whole message shares one
/// value budget).
pub(crate) struct Reader<'a> {
    data: &'a Bytes,
    pos: usize,
    values_left: usize,
    limits: &'a MsgpackLimits,
}

/// A container header: how many entries follow.
enum Container {
    Array(usize),
    Map(usize),
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    ///
    /// # Errors
    /// [`MsgpackError::TooLarge`] when `data` is over the byte limit.
    pub(crate) fn new(data: &'a Bytes, limits: &'a MsgpackLimits) -> Result<Self, MsgpackError> {
        if data.len() > limits.max_message_bytes {
            return Err(MsgpackError::TooLarge {
                len: data.len(),
                max: limits.max_message_bytes,
            });
        }
        Ok(Self {
            data,
            pos: 0,
            values_left: limits.max_values,
            limits,
        })
    }

    /// A reader at `pos` of the same message, with a fresh value budget.
    pub(crate) fn at(&self, pos: usize) -> Self {
        Self {
            data: self.data,
            pos,
            values_left: self.limits.max_values,
            limits: self.limits,
        }
    }

    /// Where the next value starts.
    pub(crate) const fn pos(&self) -> usize {
        self.pos
    }

    /// The first byte of the next value.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Errors unless the whole message was read.
    pub(crate) fn finish(&self) -> Result<(), MsgpackError> {
        match self.data.len().saturating_sub(self.pos) {
            0 => Ok(()),
            n => Err(MsgpackError::TrailingBytes(n)),
        }
    }

    /// Reads a map header at top level: its entry count, `None` when the next value is not a
    /// map (nothing is consumed then).
    pub(crate) fn map_header(&mut self) -> Result<Option<usize>, MsgpackError> {
        let start = self.pos;
        match self.container()? {
            Some(Container::Map(n)) => {
                self.count()?;
                self.enter(n, 2, 0)?;
                Ok(Some(n))
            }
            _ => {
                self.pos = start;
                Ok(None)
            }
        }
    }

    /// Reads one value (at `depth`), as [`decode_value`] would.
    pub(crate) fn read(&mut self, depth: usize) -> Result<Value, MsgpackError> {
        self.value(depth)
    }

    /// Whether the next value is notepack.io's `undefined` (extension type 0 of one byte).
    pub(crate) fn at_undefined(&self) -> bool {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        rest.starts_with(&[0xd4, 0x00]) || rest.starts_with(&[0xc7, 0x01, 0x00])
    }

    /// Consumes a container header, or nothing when the next value is not a container.
    fn container(&mut self) -> Result<Option<Container>, MsgpackError> {
        let Some(b) = self.peek() else {
            return Err(MsgpackError::Truncated);
        };
        let c = match b {
            0x80..=0x8f => Container::Map(usize::from(b & 0x0f)),
            0x90..=0x9f => Container::Array(usize::from(b & 0x0f)),
            0xdc..=0xdf => {
                self.pos = self.pos.saturating_add(1);
                let n = if b & 1 == 0 { self.u16()? } else { self.u32()? };
                return Ok(Some(if b < 0xde {
                    Container::Array(n)
                } else {
                    Container::Map(n)
                }));
            }
            _ => return Ok(None),
        };
        self.pos = self.pos.saturating_add(1);
        Ok(Some(c))
    }

    /// Writes the next value as a JSON string when it is a MessagePack string (invalid UTF-8
    /// replaced, as everywhere); false, consuming nothing, when it is not one.
    fn json_str(&mut self, out: &mut String) -> Result<bool, MsgpackError> {
        let (skip, n) = match self.peek() {
            Some(b @ 0xa0..=0xbf) => (1, usize::from(b & 0x1f)),
            Some(0xd9) => (2, usize::from(self.byte_at(1)?)),
            Some(0xda) => (
                3,
                usize::from(u16::from_be_bytes([self.byte_at(1)?, self.byte_at(2)?])),
            ),
            Some(0xdb) => {
                let b = [
                    self.byte_at(1)?,
                    self.byte_at(2)?,
                    self.byte_at(3)?,
                    self.byte_at(4)?,
                ];
                (
                    5,
                    usize::try_from(u32::from_be_bytes(b)).map_err(|_| MsgpackError::Truncated)?,
                )
            }
            _ => return Ok(false),
        };
        self.count()?;
        let start = self.pos.saturating_add(skip);
        let end = start.checked_add(n).ok_or(MsgpackError::Truncated)?;
        let raw = self.data.get(start..end).ok_or(MsgpackError::Truncated)?;
        match std::str::from_utf8(raw) {
            Ok(s) => crate::sio::write_json_str(out, s),
            Err(_) => crate::sio::write_json_str(out, &String::from_utf8_lossy(raw)),
        }
        self.pos = end;
        Ok(true)
    }

    fn byte_at(&self, offset: usize) -> Result<u8, MsgpackError> {
        self.data
            .get(self.pos.saturating_add(offset))
            .copied()
            .ok_or(MsgpackError::Truncated)
    }

    /// The first element of the array at the cursor (`None` when it is empty, or not an
    /// array).
    pub(crate) fn first_of_array(mut self) -> Result<Option<Value>, MsgpackError> {
        match self.container()? {
            Some(Container::Array(n)) if n > 0 => {
                self.count()?;
                self.value(1).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Skips one value, checking it as [`read`](Self::read) would.
    pub(crate) fn skip(&mut self, depth: usize) -> Result<(), MsgpackError> {
        match self.container()? {
            None => self.value(depth).map(drop),
            Some(c) => {
                self.count()?;
                let (n, per) = match c {
                    Container::Array(n) => (n, 1),
                    Container::Map(n) => (n.saturating_mul(2), 2),
                };
                self.enter(n / per, per, depth)?;
                for _ in 0..n {
                    self.skip(depth.saturating_add(1))?;
                }
                Ok(())
            }
        }
    }

    /// Writes the next value as the JSON [`Value::write_json`] (`attachments` given) or
    /// [`Value::write_plain_json`] (`None`) writes for it, without building it.
    pub(crate) fn json(
        &mut self,
        depth: usize,
        out: &mut String,
        attachments: &mut Option<&mut Vec<Bytes>>,
    ) -> Result<(), MsgpackError> {
        if self.json_str(out)? {
            return Ok(());
        }
        match self.container()? {
            None => self.value(depth)?.write(out, attachments),
            Some(Container::Array(n)) => {
                self.count()?;
                self.enter(n, 1, depth)?;
                let depth = depth.saturating_add(1);
                out.push('[');
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    if self.at_undefined() {
                        self.value(depth)?;
                        out.push_str("null");
                    } else {
                        self.json(depth, out, attachments)?;
                    }
                }
                out.push(']');
                Ok(())
            }
            Some(Container::Map(n)) => {
                self.count()?;
                self.enter(n, 2, depth)?;
                let depth = depth.saturating_add(1);
                out.push('{');
                let mut first = true;
                for _ in 0..n {
                    let at = out.len();
                    if !first {
                        out.push(',');
                    }
                    // A string key (the usual one) is written straight from the bytes.
                    let key = if self.json_str(out)? {
                        None
                    } else {
                        Some(self.value(depth)?)
                    };
                    if self.at_undefined() {
                        self.value(depth)?;
                        out.truncate(at);
                        continue;
                    }
                    first = false;
                    if let Some(key) = key {
                        crate::sio::write_json_str(out, &super::json::key_string(&key)?);
                    }
                    out.push(':');
                    self.json(depth, out, attachments)?;
                }
                out.push('}');
                Ok(())
            }
        }
    }
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<Bytes, MsgpackError> {
        let end = self.pos.checked_add(n).ok_or(MsgpackError::Truncated)?;
        if end > self.data.len() {
            return Err(MsgpackError::Truncated);
        }
        let out = self.data.slice(self.pos..end);
        self.pos = end;
        Ok(out)
    }

    /// The next `N` bytes, read in place (a `Bytes` slice per header byte would cost a
    /// reference count each).
    fn array<const N: usize>(&mut self) -> Result<[u8; N], MsgpackError> {
        let end = self.pos.checked_add(N).ok_or(MsgpackError::Truncated)?;
        let b = self
            .data
            .get(self.pos..end)
            .ok_or(MsgpackError::Truncated)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        self.pos = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, MsgpackError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<usize, MsgpackError> {
        Ok(usize::from(u16::from_be_bytes(self.array()?)))
    }

    fn u32(&mut self) -> Result<usize, MsgpackError> {
        usize::try_from(u32::from_be_bytes(self.array()?)).map_err(|_| MsgpackError::Truncated)
    }

    fn left(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn count(&mut self) -> Result<(), MsgpackError> {
        self.values_left = self
            .values_left
            .checked_sub(1)
            .ok_or(MsgpackError::TooManyValues {
                max: self.limits.max_values,
            })?;
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Value, MsgpackError> {
        self.count()?;
        let b = self.u8()?;
        Ok(match b {
            0x00..=0x7f => Value::UInt(u64::from(b)),
            0x80..=0x8f => self.map(usize::from(b & 0x0f), depth)?,
            0x90..=0x9f => self.seq(usize::from(b & 0x0f), depth)?,
            0xa0..=0xbf => self.string(usize::from(b & 0x1f))?,
            0xc0 => Value::Nil,
            0xc1 => return Err(MsgpackError::InvalidType(b)),
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4 => {
                let n = usize::from(self.u8()?);
                Value::Bin(self.take(n)?)
            }
            0xc5 => {
                let n = self.u16()?;
                Value::Bin(self.take(n)?)
            }
            0xc6 => {
                let n = self.u32()?;
                Value::Bin(self.take(n)?)
            }
            0xc7 => {
                let n = usize::from(self.u8()?);
                self.ext(n)?
            }
            0xc8 => {
                let n = self.u16()?;
                self.ext(n)?
            }
            0xc9 => {
                let n = self.u32()?;
                self.ext(n)?
            }
            0xca => Value::F32(f32::from_be_bytes(self.array()?)),
            0xcb => Value::F64(f64::from_be_bytes(self.array()?)),
            0xcc => Value::UInt(u64::from(self.u8()?)),
            0xcd => Value::UInt(u64::from(u16::from_be_bytes(self.array()?))),
            0xce => Value::UInt(u64::from(u32::from_be_bytes(self.array()?))),
            0xcf => Value::UInt(u64::from_be_bytes(self.array()?)),
            0xd0 => int(i64::from(i8::from_be_bytes(self.array()?))),
            0xd1 => int(i64::from(i16::from_be_bytes(self.array()?))),
            0xd2 => int(i64::from(i32::from_be_bytes(self.array()?))),
            0xd3 => int(i64::from_be_bytes(self.array()?)),
            0xd4 => self.ext(1)?,
            0xd5 => self.ext(2)?,
            0xd6 => self.ext(4)?,
            0xd7 => self.ext(8)?,
            0xd8 => self.ext(16)?,
            0xd9 => {
                let n = usize::from(self.u8()?);
                self.string(n)?
            }
            0xda => {
                let n = self.u16()?;
                self.string(n)?
            }
            0xdb => {
                let n = self.u32()?;
                self.string(n)?
            }
            0xdc => {
                let n = self.u16()?;
                self.seq(n, depth)?
            }
            0xdd => {
                let n = self.u32()?;
                self.seq(n, depth)?
            }
            0xde => {
                let n = self.u16()?;
                self.map(n, depth)?
            }
            0xdf => {
                let n = self.u32()?;
                self.map(n, depth)?
            }
            0xe0..=0xff => Value::Int(i64::from(i8::from_be_bytes([b]))),
        })
    }

    fn ext(&mut self, n: usize) -> Result<Value, MsgpackError> {
        let ty = i8::from_be_bytes([self.u8()?]);
        Ok(Value::Ext(ty, self.take(n)?))
    }

    fn string(&mut self, n: usize) -> Result<Value, MsgpackError> {
        let raw = self.take(n)?;
        Ok(Value::Str(match std::str::from_utf8(&raw) {
            Ok(_) => Str::from_utf8(raw).unwrap_or_default(),
            Err(_) => Str::from(String::from_utf8_lossy(&raw).into_owned()),
        }))
    }

    /// Checks a container's claimed `n` children against what can still be there: each
    /// takes at least one byte and one value of the budget, so a lie fails before any
    /// allocation sized by it.
    fn enter(&self, n: usize, per_item: usize, depth: usize) -> Result<usize, MsgpackError> {
        if depth >= self.limits.max_depth {
            return Err(MsgpackError::TooDeep {
                max: self.limits.max_depth,
            });
        }
        let need = n.checked_mul(per_item).ok_or(MsgpackError::Truncated)?;
        if need > self.values_left {
            return Err(MsgpackError::TooManyValues {
                max: self.limits.max_values,
            });
        }
        if need > self.left() {
            return Err(MsgpackError::Truncated);
        }
        Ok(need)
    }

    fn seq(&mut self, n: usize, depth: usize) -> Result<Value, MsgpackError> {
        self.enter(n, 1, depth)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(depth.saturating_add(1))?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<Value, MsgpackError> {
        self.enter(n, 2, depth)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value(depth.saturating_add(1))?;
            let v = self.value(depth.saturating_add(1))?;
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

/// A signed wire integer in the sign-split model (non-negative ones are `UInt`).
fn int(n: i64) -> Value {
    u64::try_from(n).map_or(Value::Int(n), Value::UInt)
}
