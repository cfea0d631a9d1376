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

struct Reader<'a> {
    data: &'a Bytes,
    pos: usize,
    values_left: usize,
    limits: &'a MsgpackLimits,
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

    fn array<const N: usize>(&mut self) -> Result<[u8; N], MsgpackError> {
        let b = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&b);
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
        Ok(Value::Str(match Str::from_utf8(raw.clone()) {
            Ok(s) => s,
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
