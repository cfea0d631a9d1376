//! The error types of the cluster codec.

/// Why a message from Redis was not accepted. The message is dropped; nothing else is
/// affected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The message is longer than [`ClusterLimits::max_message_bytes`](super::ClusterLimits).
    #[error("message of {len} bytes exceeds the limit of {max}")]
    TooLarge {
        /// The message's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Arrays and maps nest deeper than [`ClusterLimits::max_depth`](super::ClusterLimits).
    #[error("nesting deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// More values than [`ClusterLimits::max_values`](super::ClusterLimits).
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
    /// Bytes follow the message's one value.
    #[error("{0} trailing bytes after the msgpack value")]
    TrailingBytes(usize),
    /// The JSON is not well formed, or not the shape of any known message.
    #[error("invalid json: {0}")]
    Json(#[source] serde_json::Error),
    /// The message decodes but is not the shape this message kind has.
    #[error("unexpected message shape: {0}")]
    Shape(&'static str),
    /// A request type this codec does not know.
    #[error("unknown request type {0}")]
    UnknownType(u64),
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

impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}

/// The MessagePack and JSON failures keep their cluster names, so callers match one type.
impl From<crate::msgpack::MsgpackError> for DecodeError {
    fn from(e: crate::msgpack::MsgpackError) -> Self {
        use crate::msgpack::MsgpackError as M;
        match e {
            M::TooLarge { len, max } => Self::TooLarge { len, max },
            M::TooDeep { max } => Self::TooDeep { max },
            M::TooManyValues { max } => Self::TooManyValues { max },
            M::Truncated => Self::Truncated,
            M::InvalidType(b) => Self::InvalidType(b),
            M::TrailingBytes(n) => Self::TrailingBytes(n),
            M::Json(e) => Self::Json(e),
            M::UnsupportedKey => Self::UnsupportedKey,
            M::BadPlaceholder { num, count } => Self::BadPlaceholder { num, count },
        }
    }
}
