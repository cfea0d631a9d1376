//! The streams backend's codec: what node's `@socket.io/redis-streams-adapter` 0.3 writes to
//! Redis, so servers of ours and node's share one stream and recover each other's clients.
//!
//! - [`StreamMessage`]: socket.io-adapter's cluster message `{uid, nsp, type, data}`, as the
//!   fields of an entry of the stream (default name [`DEFAULT_STREAM_NAME`]) or as one
//!   MessagePack map on the pub/sub channels `<prefix>#<nsp>#` and `<prefix>#<nsp>#<uid>#`.
//! - [`StreamOffset`]: an entry id; a broadcast's offset (the last argument a client sees)
//!   is the id of its entry.
//! - [`StoredSession`]: a disconnected socket as kept under
//!   `<`[`DEFAULT_SESSION_KEY_PREFIX`]`><pid>`.
//!
//! Everything read from Redis is bounded by [`ClusterLimits`](super::ClusterLimits) and gives a
//! value or a typed [`DecodeError`](super::DecodeError), never a panic.
//!
//! Captured from node: `tests/fixtures/cluster/streams` (see its `capture.mjs`).

mod message;
mod offset;
mod session;

pub use message::{StreamBody, StreamMessage};
pub use offset::StreamOffset;
pub use session::{DEFAULT_SESSION_KEY_PREFIX, StoredSession};

/// node's default `streamName`.
pub const DEFAULT_STREAM_NAME: &str = "socket.io";
/// node's default `maxLen`: `XADD … MAXLEN ~ 10000`.
pub const DEFAULT_MAX_LEN: u64 = 10_000;

/// The pub/sub channel of a namespace (`<prefix>#<nsp>#`), where node sends ephemeral
/// messages (its server count is the subscriber count of this channel).
#[must_use]
pub fn public_channel(prefix: &str, nsp: &str) -> String {
    format!("{prefix}#{nsp}#")
}

/// A server's own response channel for a namespace (`<prefix>#<nsp>#<uid>#`).
#[must_use]
pub fn private_channel(prefix: &str, nsp: &str, uid: &str) -> String {
    format!("{prefix}#{nsp}#{uid}#")
}

#[cfg(test)]
mod tests;
