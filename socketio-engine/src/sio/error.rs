//! [`UsageError`]: what the application asked that cannot be done. Never a peer's fault and
//! never a panic: the engine stays as it was.

/// A command the engine refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// The socket is not connected (it disconnected, or the id is stale).
    #[error("unknown or disconnected socket")]
    UnknownSocket,
    /// The namespace does not exist.
    #[error("unknown namespace")]
    UnknownNamespace,
    /// The connect request is no longer pending (its session closed, or the client left).
    #[error("connect request no longer pending")]
    ConnectNotPending,
    /// The event name is reserved by Socket.IO (`connect`, `disconnect`, ...).
    #[error("reserved event name {0:?}")]
    ReservedEventName(String),
    /// The socket already owes `max_pending_acks` acknowledgements.
    #[error("too many pending acks for this socket")]
    TooManyPendingAcks,
    /// `max_pending_broadcast_acks` broadcasts with acks are already waiting.
    #[error("too many pending broadcast acks")]
    TooManyBroadcastAcks,
    /// The arguments could not be serialized to JSON (e.g. a map with non-string keys).
    #[error("arguments could not be serialized: {0}")]
    Serialize(String),
    /// The socket table is full (2^32 sockets).
    #[error("socket table full")]
    SocketTableFull,
    /// A cluster request without `EngineConfig::cluster` set.
    #[error("the cluster adapter is off")]
    ClusterOff,
    /// The streams backend has `max_pending_appends` broadcasts waiting for Redis.
    #[error("too many broadcasts waiting for their stream entry ids")]
    TooManyPendingAppends,
}
