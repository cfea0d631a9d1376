//! The error types of the cluster codec.

/// Why a message from Redis was not accepted. The message is dropped; nothing else is
/// affected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The MessagePack (or the JSON, for a JSON request or response) is malformed or over a
    /// [`ClusterLimits`](super::ClusterLimits) bound, or a value has no JSON form (a map key
    /// JSON cannot have, a placeholder naming no attachment).
    #[error(transparent)]
    Msgpack(#[from] crate::msgpack::MsgpackError),
    /// The message decodes but is not the shape this message kind has.
    #[error("unexpected message shape: {0}")]
    Shape(&'static str),
    /// A request type this codec does not know.
    #[error("unknown request type {0}")]
    UnknownType(u64),
}
