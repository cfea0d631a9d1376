//! [`ClusterConfig`]: how this engine joins a cluster.

use std::time::Duration;

use socketio_proto::cluster::{ClusterLimits, DEFAULT_PREFIX};

/// Settings of the cluster adapter. Setting `EngineConfig::cluster` to `Some` turns it on.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// The channel prefix, node's `key` option. Default `"socket.io"`: the same as node's, so
    /// a default node server and a default one of ours share a cluster.
    pub prefix: String,
    /// This server's id on the channels. Default `None`: six random characters, as node's
    /// `uid2(6)`; set it for reproducible tests. Must not contain `#`.
    pub uid: Option<String>,
    /// How long `cluster_fetch_sockets` and `cluster_all_rooms` wait for the other servers.
    /// Default [`DEFAULT_REQUESTS_TIMEOUT`](Self::DEFAULT_REQUESTS_TIMEOUT).
    pub requests_timeout: Duration,
    /// Bounds on what is accepted from Redis.
    pub limits: ClusterLimits,
}

impl ClusterConfig {
    /// 5000 ms, node's `requestsTimeout` default.
    pub const DEFAULT_REQUESTS_TIMEOUT: Duration = Duration::from_millis(5000);
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            prefix: DEFAULT_PREFIX.to_owned(),
            uid: None,
            requests_timeout: Self::DEFAULT_REQUESTS_TIMEOUT,
            limits: ClusterLimits::default(),
        }
    }
}
