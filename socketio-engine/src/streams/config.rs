//! [`StreamsConfig`]: how this engine joins a streams-backed cluster.

use std::time::Duration;

use socketio_proto::cluster::ClusterLimits;
use socketio_proto::cluster::streams::{
    DEFAULT_MAX_LEN, DEFAULT_SESSION_KEY_PREFIX, DEFAULT_STREAM_NAME,
};

/// Settings of the streams backend. The defaults are node's, so a default node server with
/// `@socket.io/redis-streams-adapter` and a default one of ours share a cluster.
#[derive(Debug, Clone)]
pub struct StreamsConfig {
    /// The stream's key, node's `streamName`. Default `"socket.io"`.
    pub stream: String,
    /// `XADD … MAXLEN ~ max_len`, node's `maxLen`. Default 10 000.
    pub max_len: u64,
    /// The prefix of session keys, node's `sessionKeyPrefix`. Default `"sio:session:"`.
    pub session_key_prefix: String,
    /// This server's id in its entries. Default `None`: 16 random hex characters, as node's;
    /// set it for reproducible tests.
    pub uid: Option<String>,
    /// How long a broadcast waits for its entry id before it is delivered without one.
    /// Default [`DEFAULT_APPEND_TIMEOUT`](Self::DEFAULT_APPEND_TIMEOUT).
    pub append_timeout: Duration,
    /// How long a recovering CONNECT waits for its session before it connects fresh.
    /// Default [`DEFAULT_RESTORE_TIMEOUT`](Self::DEFAULT_RESTORE_TIMEOUT).
    pub restore_timeout: Duration,
    /// Most broadcasts waiting for their entry ids; beyond it `broadcast` and `emit` return
    /// `UsageError::TooManyPendingAppends` (Redis is not keeping up). Default
    /// [`DEFAULT_MAX_PENDING_APPENDS`](Self::DEFAULT_MAX_PENDING_APPENDS); each holds its
    /// event's arguments until answered.
    pub max_pending_appends: usize,
    /// Most entries a restore reads after the client's offset; a client that missed more
    /// connects fresh. Default [`DEFAULT_MAX_RESTORE_ENTRIES`](Self::DEFAULT_MAX_RESTORE_ENTRIES).
    pub max_restore_entries: usize,
    /// Most bytes (field names and values) of the entries a restore reads after the
    /// client's offset; a client that missed more connects fresh. Default
    /// [`DEFAULT_MAX_RESTORE_BYTES`](Self::DEFAULT_MAX_RESTORE_BYTES): what one restore can
    /// hold in memory, in the driver and here.
    pub max_restore_bytes: usize,
    /// Most recovering CONNECTs waiting for their sessions at once; beyond it a CONNECT
    /// connects fresh at once. Default
    /// [`DEFAULT_MAX_PENDING_RESTORES`](Self::DEFAULT_MAX_PENDING_RESTORES).
    pub max_pending_restores: usize,
    /// Bounds on each entry and session read from Redis.
    pub limits: ClusterLimits,
}

impl StreamsConfig {
    /// 5 s, node's default request timeout.
    pub const DEFAULT_APPEND_TIMEOUT: Duration = Duration::from_secs(5);
    /// 5 s.
    pub const DEFAULT_RESTORE_TIMEOUT: Duration = Duration::from_secs(5);
    /// 10 000 broadcasts.
    pub const DEFAULT_MAX_PENDING_APPENDS: usize = 10_000;
    /// 10 000 entries: node reads at most 100 pages of 100.
    pub const DEFAULT_MAX_RESTORE_ENTRIES: usize = 10_000;
    /// 16 MiB: the events a client missed in a short cut are usually a few kB; one large
    /// event (up to `limits.max_message_bytes`) still fits.
    pub const DEFAULT_MAX_RESTORE_BYTES: usize = 16 * 1024 * 1024;
    /// 1 000 CONNECTs.
    pub const DEFAULT_MAX_PENDING_RESTORES: usize = 1_000;
}

impl Default for StreamsConfig {
    fn default() -> Self {
        Self {
            stream: DEFAULT_STREAM_NAME.to_owned(),
            max_len: DEFAULT_MAX_LEN,
            session_key_prefix: DEFAULT_SESSION_KEY_PREFIX.to_owned(),
            uid: None,
            append_timeout: Self::DEFAULT_APPEND_TIMEOUT,
            restore_timeout: Self::DEFAULT_RESTORE_TIMEOUT,
            max_pending_appends: Self::DEFAULT_MAX_PENDING_APPENDS,
            max_restore_entries: Self::DEFAULT_MAX_RESTORE_ENTRIES,
            max_restore_bytes: Self::DEFAULT_MAX_RESTORE_BYTES,
            max_pending_restores: Self::DEFAULT_MAX_PENDING_RESTORES,
            limits: ClusterLimits::default(),
        }
    }
}
