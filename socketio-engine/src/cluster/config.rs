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
    /// Which of node's Redis adapters the cluster speaks. Default
    /// [`ClusterMode::Classic`]; every server of one cluster must use the same.
    pub mode: ClusterMode,
}

/// Which of node's Redis adapters (`@socket.io/redis-adapter` 8.3) the cluster speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClusterMode {
    /// `createAdapter`: `PUBLISH` and (pattern) `SUBSCRIBE`, the adapter's own message
    /// format.
    #[default]
    Classic,
    /// `createShardedAdapter` (Redis 7 or later): `SPUBLISH` and `SSUBSCRIBE`, the messages
    /// of socket.io-adapter's `ClusterAdapter`. The driver's actions are then
    /// [`ShardSubscribe`](super::ClusterAction::ShardSubscribe),
    /// [`ShardUnsubscribe`](super::ClusterAction::ShardUnsubscribe) and
    /// [`ShardPublish`](super::ClusterAction::ShardPublish).
    Sharded(ShardedSubscription),
}

/// node's `subscriptionMode` option of the sharded adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ShardedSubscription {
    /// `"static"`: two channels per namespace; every broadcast goes to the namespace's.
    Static,
    /// `"dynamic"` (node's default): also one channel per room that exists on this server
    /// (subscribed when the room appears, unsubscribed when it empties); a broadcast to
    /// exactly one room that does not look like a socket id goes to that room's channel,
    /// so only the servers that have the room get it.
    #[default]
    Dynamic,
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
            mode: ClusterMode::Classic,
        }
    }
}
