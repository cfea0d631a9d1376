//! [`MsgpackError`]: why bytes are not one acceptable MessagePack value, or a value has no
//! JSON form.

/// Why MessagePack bytes were refused, or a [`Value`](super::Value) could not be turned
/// into (or made from) a packet's JSON.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MsgpackError {
    /// The input is longer than [`MsgpackLimits::max_message_bytes`](super::MsgpackLimits).
    #[error("message of {len} bytes exceeds the limit of {max}")]
    TooLarge {
        /// The input's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Arrays and maps nest deeper than [`MsgpackLimits::max_depth`](super::MsgpackLimits).
    #[error("nesting deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// More values than [`MsgpackLimits::max_values`](super::MsgpackLimits).
    #[error("more than {max} values")]
    TooManyValues {
        /// The limit.
        max: usize,
    },
    /// The MessagePack ends inside a value.
    #[error("msgpack ends inside a value")]
    Truncated,
    /// A byte that starts no MessagePack value (`0xc1`, the one unused code).
    #[error("invalid msgpack type byte {0:#04x}")]
    InvalidType(u8),
    /// Bytes follow the one value.
    #[error("{0} trailing bytes after the msgpack value")]
    TrailingBytes(usize),
    /// The JSON is not well formed (or nests deeper than serde_json's 128 levels).
    #[error("invalid json: {0}")]
    Json(#[source] serde_json::Error),
    /// A map key that is not a string or a number (a JavaScript object has only those).
    #[error("map key is not a string or a number")]
    UnsupportedKey,
    /// A placeholder in a payload names an attachment that does not exist.
    #[error("placeholder names attachment {num:?}, but there are {count}")]
    BadPlaceholder {
        /// The index the placeholder gives (if it is an integer at all).
        num: Option<u64>,
        /// How many attachments there are.
        count: usize,
    },
}

impl From<serde_json::Error> for MsgpackError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}
