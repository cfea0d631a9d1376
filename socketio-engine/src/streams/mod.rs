//! The streams backend, sans-IO: this engine as one server of a cluster sharing a Redis
//! stream with other servers of ours and node's (`@socket.io/redis-streams-adapter` 0.3), so
//! that a client cut from one server recovers its session on any other.
//!
//! # Theory of operation
//! With [`EngineConfig::streams`](crate::EngineConfig::streams) set (instead of `cluster`;
//! `None` by default, and then nothing here runs):
//! - **Broadcasts are appended first.** A broadcast (and, with connection state recovery on,
//!   a direct emit, which node sends through the adapter to the socket's own room) becomes
//!   [`StreamsAction::Append`] with an [`AppendToken`]; the local delivery waits for the
//!   answer, [`Engine::handle_stream_appended`](crate::Engine::handle_stream_appended), and
//!   carries the entry id as its offset. Deliveries keep the order of the broadcasts whatever
//!   the order of the answers. A failed append, or one unanswered within
//!   [`StreamsConfig::append_timeout`], is delivered without an offset (node delivers after a
//!   failed `XADD` too).
//! - **Other servers' entries** (the driver's `XREAD` loop) go to
//!   [`Engine::handle_stream_entries`](crate::Engine::handle_stream_entries): broadcasts are
//!   delivered with their entry id as the offset; joins, leaves and disconnects are applied;
//!   this server's own entries and anything malformed are skipped (counted:
//!   [`Engine::streams_dropped`](crate::Engine::streams_dropped)).
//! - **Sessions** (recovery on): a socket that ended for a transport reason becomes
//!   [`StreamsAction::PersistSession`] (node's `SET <prefix><pid> <base64 msgpack> PX
//!   <duration>`); a CONNECT with a `pid` and an entry-id `offset` becomes
//!   [`StreamsAction::RestoreSession`], and its answer,
//!   [`Engine::handle_session_restored`](crate::Engine::handle_session_restored), restores
//!   the socket (same id, rooms, the missed events in order, then CONNECT) or connects it
//!   fresh. Unanswered within [`StreamsConfig::restore_timeout`]: fresh.
//!
//! # Where we differ from node, on purpose
//! - A volatile broadcast is not replayed on restore (node's restore filters only by type,
//!   namespace and rooms, so a client gets a volatile event it may have had live again).
//! - A restore whose events do not fit [`StreamsConfig::max_restore_entries`] or
//!   [`StreamsConfig::max_restore_bytes`] is not recovered (node stops after 100 pages and recovers with what it read, silently losing
//!   the rest).
//! - The application's per-socket data is not carried across servers (the session's `data`
//!   is written as `{}` and ignored on restore); rooms, id and missed events are.
//! - Ephemeral messages (fetch sockets, server-side emits, broadcasts with acks) are not
//!   sent or answered in this mode yet; those calls act on this server only.

mod config;
mod inbound;
mod outbound;
mod state;

pub use config::StreamsConfig;
pub use inbound::entry_bytes;
pub(crate) use state::StreamsState;

use std::time::Duration;

use bytes::Bytes;
use socketio_proto::cluster::streams::StreamOffset;

/// Names one `Append`, to answer it with
/// [`Engine::handle_stream_appended`](crate::Engine::handle_stream_appended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AppendToken(pub(crate) u64);

/// Names one `RestoreSession`, to answer it with
/// [`Engine::handle_session_restored`](crate::Engine::handle_session_restored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RestoreToken(pub(crate) u64);

/// What the driver must do on Redis for the streams backend.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamsAction {
    /// `XADD <stream> MAXLEN ~ <max_len> * <fields...>`, then answer `token` with the entry
    /// id (or the failure).
    Append {
        /// The answer's token.
        token: AppendToken,
        /// The stream's key.
        stream: String,
        /// The approximate length the stream is trimmed to.
        max_len: u64,
        /// Field names and values, in order.
        fields: Vec<(&'static str, String)>,
    },
    /// `SET <key> <value> PX <ttl>`: a disconnected socket's session. Nothing to answer.
    PersistSession {
        /// The session key (`sio:session:<pid>`).
        key: String,
        /// base64 of the MessagePack session.
        value: String,
        /// Its lifetime (the maximum disconnection duration).
        ttl: Duration,
    },
    /// Take the session (`MULTI GET <key> DEL <key> EXEC`), check that entry `offset` is
    /// still in the stream (`XRANGE <stream> <offset> <offset>`), then read the entries after
    /// it (`XRANGE`, in pages) up to `max_entries`; answer `token`.
    RestoreSession {
        /// The answer's token.
        token: RestoreToken,
        /// The session key.
        key: String,
        /// The stream's key.
        stream: String,
        /// The last entry the client saw.
        offset: StreamOffset,
        /// Most entries to read after it; more means the restore fails (answer
        /// [`RestoreAnswer::TooManyEntries`]).
        max_entries: usize,
        /// Most bytes of those entries (field names and values); more: the same answer.
        max_bytes: usize,
    },
}

/// One entry of the stream, as `XREAD` or `XRANGE` returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEntry {
    /// The entry id.
    pub id: StreamOffset,
    /// Its fields, names and values, in order.
    pub fields: Vec<(Bytes, Bytes)>,
}

/// The driver's answer to [`StreamsAction::RestoreSession`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RestoreAnswer {
    /// The session key's value and every entry after the offset, oldest first.
    Found {
        /// The session key's value as Redis returned it.
        session: Bytes,
        /// The entries after the offset.
        entries: Vec<StreamEntry>,
    },
    /// No session, or the offset is no longer in the stream.
    NotFound,
    /// More entries than `max_entries`, or more bytes than `max_bytes`, follow the offset.
    TooManyEntries,
    /// Redis failed.
    Failed,
}

#[cfg(test)]
mod tests;
