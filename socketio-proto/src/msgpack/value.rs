//! [`Value`]: one MessagePack value as node's notepack.io writes and reads it.

use bytes::Bytes;

use crate::Str;

/// A decoded MessagePack value, in the model notepack.io (node's encoder for the cluster
/// adapter) has: JavaScript values plus binary and extension types.
///
/// Integers are split by sign so each has one representation: non-negative ones are
/// [`Value::UInt`], negative ones [`Value::Int`] (a non-negative `Int` still encodes, as the
/// unsigned form notepack.io would write). Maps keep their entries in wire order, as a
/// JavaScript object keeps its keys in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `nil` (JavaScript `null`, and `undefined` inside arrays).
    Nil,
    /// `false` / `true`.
    Bool(bool),
    /// A non-negative integer.
    UInt(u64),
    /// A negative integer.
    Int(i64),
    /// A 32-bit float (notepack.io never writes one, but reads it).
    F32(f32),
    /// A 64-bit float: every JavaScript number that is not an integer, and NaN/±Infinity.
    F64(f64),
    /// A string. Invalid UTF-8 on the wire is replaced with U+FFFD, as node's
    /// `buffer.toString("utf8")` does.
    Str(Str),
    /// Binary data (a node `Buffer`, `ArrayBuffer` or typed array).
    Bin(Bytes),
    /// An array.
    Array(Vec<Self>),
    /// A map (a JavaScript object), entries in wire order.
    Map(Vec<(Self, Self)>),
    /// An extension value: notepack.io uses type −1 for dates (the MessagePack timestamp) and
    /// type 0 for legacy `undefined` and dates; any other type reaches node as `[type, data]`.
    Ext(i8, Bytes),
}

impl Value {
    /// A string value.
    #[must_use]
    pub fn str(s: impl Into<Str>) -> Self {
        Self::Str(s.into())
    }

    /// The value of `key` when this is a map with a string key `key` (the last such entry,
    /// as a JavaScript object assignment keeps the last).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| matches!(k, Self::Str(s) if s.as_str() == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, when this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&Str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Self]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The number as an unsigned integer, when it is one that JavaScript would compare
    /// equal to an integer (a float with an integral value counts, as `2.0 === 2` there).
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Self::UInt(n) => Some(n),
            Self::Int(n) => u64::try_from(n).ok(),
            Self::F64(f) => float_to_u64(f),
            Self::F32(f) => float_to_u64(f64::from(f)),
            _ => None,
        }
    }

    /// `true` only for `Bool(true)` (node's checks are `=== true`).
    #[must_use]
    pub fn is_true(&self) -> bool {
        matches!(self, Self::Bool(true))
    }
}

/// `f` as an integer when it is one exactly (finite, integral, in range).
fn float_to_u64(f: f64) -> Option<u64> {
    // 2^64 is exactly representable; anything below it and integral converts exactly.
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 18_446_744_073_709_551_616.0)
        .then_some(f as u64)
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(Str::from(s))
    }
}

impl From<Str> for Value {
    fn from(s: Str) -> Self {
        Self::Str(s)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Self::UInt(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}
