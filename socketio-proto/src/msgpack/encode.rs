//! Encoding [`Value`]s as MessagePack, byte for byte as notepack.io does.
//!
//! notepack.io picks the smallest form for every length and integer (`fixstr`, then `str 8`,
//! `str 16`, `str 32`; likewise for arrays, maps, binary and integers), writes non-negative
//! integers in the unsigned forms and negative ones in the signed forms, and writes every
//! non-integral number as a float 64. Where it is wrong this encoder is not: node writes an
//! integral number of 2^64 or more as a wrapped `uint 64` (`1e300` reaches the other side as
//! 0); here such a float stays a float 64.

use bytes::{BufMut, Bytes, BytesMut};

use super::value::Value;

/// 2^63: integral floats from here up no longer fit the signed forms; notepack.io's unsigned
/// form is exact up to 2^64.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// `v` as MessagePack.
#[must_use]
pub fn encode_value(v: &Value) -> Bytes {
    let mut out = BytesMut::with_capacity(64);
    write_value(&mut out, v);
    out.freeze()
}

/// Appends `v` to `out`.
pub fn write_value(out: &mut BytesMut, v: &Value) {
    match v {
        Value::Nil => out.put_u8(0xc0),
        Value::Bool(b) => out.put_u8(if *b { 0xc3 } else { 0xc2 }),
        Value::UInt(n) => write_uint(out, *n),
        Value::Int(n) => write_int(out, *n),
        // notepack.io only writes float 64; a JavaScript number read from a float 32 is the
        // same double.
        Value::F32(f) => write_f64(out, f64::from(*f)),
        Value::F64(f) => write_f64(out, *f),
        Value::Str(s) => {
            write_len(out, s.len(), [0xd9, 0xda, 0xdb], Some((0xa0, 32)));
            out.put_slice(s.as_bytes());
        }
        Value::Bin(b) => {
            write_len(out, b.len(), [0xc4, 0xc5, 0xc6], None);
            out.put_slice(b);
        }
        Value::Array(items) => {
            write_container(out, items.len(), 0x90, [0xdc, 0xdd]);
            for item in items {
                write_value(out, item);
            }
        }
        Value::Map(entries) => {
            write_container(out, entries.len(), 0x80, [0xde, 0xdf]);
            for (k, v) in entries {
                write_value(out, k);
                write_value(out, v);
            }
        }
        Value::Ext(ty, data) => {
            let fixed = match data.len() {
                1 => Some(0xd4),
                2 => Some(0xd5),
                4 => Some(0xd6),
                8 => Some(0xd7),
                16 => Some(0xd8),
                _ => None,
            };
            match fixed {
                Some(code) => out.put_u8(code),
                None => write_len(out, data.len(), [0xc7, 0xc8, 0xc9], None),
            }
            out.put_i8(*ty);
            out.put_slice(data);
        }
    }
}

/// A number as notepack.io writes a JavaScript number: integral values in integer forms.
pub(super) fn write_f64(out: &mut BytesMut, f: f64) {
    if f.is_finite() && f.fract() == 0.0 {
        if (0.0..TWO_POW_64).contains(&f) {
            // `-0.0 >= 0.0`: notepack.io writes -0 as the integer 0 too.
            write_uint(out, f as u64);
            return;
        }
        if (-TWO_POW_63..0.0).contains(&f) {
            write_int(out, f as i64);
            return;
        }
    }
    out.put_u8(0xcb);
    out.put_f64(f);
}

pub(super) fn write_uint(out: &mut BytesMut, n: u64) {
    if n < 0x80 {
        out.put_u8(n as u8);
    } else if let Ok(n) = u8::try_from(n) {
        out.put_u8(0xcc);
        out.put_u8(n);
    } else if let Ok(n) = u16::try_from(n) {
        out.put_u8(0xcd);
        out.put_u16(n);
    } else if let Ok(n) = u32::try_from(n) {
        out.put_u8(0xce);
        out.put_u32(n);
    } else {
        out.put_u8(0xcf);
        out.put_u64(n);
    }
}

pub(super) fn write_int(out: &mut BytesMut, n: i64) {
    if let Ok(u) = u64::try_from(n) {
        write_uint(out, u);
    } else if n >= -32 {
        out.put_i8(n as i8);
    } else if let Ok(n) = i8::try_from(n) {
        out.put_u8(0xd0);
        out.put_i8(n);
    } else if let Ok(n) = i16::try_from(n) {
        out.put_u8(0xd1);
        out.put_i16(n);
    } else if let Ok(n) = i32::try_from(n) {
        out.put_u8(0xd2);
        out.put_i32(n);
    } else {
        out.put_u8(0xd3);
        out.put_i64(n);
    }
}

/// A string, binary or extension length: the fix form when given and it fits, else the
/// 8/16/32-bit form. Lengths over u32 cannot occur (nothing that large is built here).
pub(super) fn write_len(out: &mut BytesMut, len: usize, codes: [u8; 3], fix: Option<(u8, usize)>) {
    match fix {
        Some((base, below)) if len < below => out.put_u8(base | len as u8),
        _ => {
            if let Ok(n) = u8::try_from(len) {
                out.put_u8(codes[0]);
                out.put_u8(n);
            } else if let Ok(n) = u16::try_from(len) {
                out.put_u8(codes[1]);
                out.put_u16(n);
            } else {
                out.put_u8(codes[2]);
                out.put_u32(u32::try_from(len).unwrap_or(u32::MAX));
            }
        }
    }
}

pub(super) fn write_container(out: &mut BytesMut, len: usize, fix: u8, codes: [u8; 2]) {
    if len < 16 {
        out.put_u8(fix | len as u8);
    } else if let Ok(n) = u16::try_from(len) {
        out.put_u8(codes[0]);
        out.put_u16(n);
    } else {
        out.put_u8(codes[1]);
        out.put_u32(u32::try_from(len).unwrap_or(u32::MAX));
    }
}
