//! The cluster adapter, sans-IO: this engine as one server of a cluster sharing Redis with
//! other servers of ours and node's (`@socket.io/redis-adapter` 8.3, classic mode).
//!
//! # Theory of operation
//! The engine speaks the cluster protocol as data and never touches Redis. With
//! [`EngineConfig::cluster`](crate::EngineConfig::cluster) set (it is `None` by default, and
//! then nothing here runs):
//! - **Out**: what must be published comes out of `poll_action` as
//!   [`Action::Cluster`](crate::Action::Cluster) holding a [`ClusterAction`]: `Subscribe` once
//!   per namespace (the broadcast pattern, the request and response channels), then
//!   `Publish { channel, payload }`.
//! - **In**: every message the driver's subscriber receives goes to
//!   [`Engine::handle_cluster_message`](crate::Engine::handle_cluster_message), channel and
//!   bytes as Redis delivered them. Malformed, oversized or unknown messages are dropped (and
//!   counted, [`Engine::cluster_dropped`](crate::Engine::cluster_dropped)); local clients
//!   never notice.
//! - **Server count**: node asks Redis (`PUBSUB NUMSUB` of the request channel) before each
//!   request; here the driver tells the engine with
//!   [`Engine::set_cluster_server_count`](crate::Engine::set_cluster_server_count), and a
//!   request waits for that many servers minus this one.
//!
//! What crosses servers: broadcasts (namespace, rooms, except, volatile; a
//! [`local`](crate::BroadcastTarget::local) one stays here), `sockets_join`,
//! `sockets_leave`, `disconnect_sockets`, and the requests
//! [`cluster_fetch_sockets`](crate::Engine::cluster_fetch_sockets) and
//! [`cluster_all_rooms`](crate::Engine::cluster_all_rooms), which end in one
//! [`ClusterEvent`] when every other server answered or the request timeout (node's 5 s
//! default) passed, on the engine's timer table. A received broadcast is delivered to local
//! clients of every generation, encoded here for each; this server's own messages (same uid)
//! are dropped.
//!
//! Server-side emits go both ways ([`cluster_server_side_emit`](crate::Engine::cluster_server_side_emit),
//! with or without answers; another server's arrive as [`ClusterEvent::ServerSideEmit`]).
//!
//! Another server's broadcast with acks reaches the local clients, and the count and each
//! ack go back as node's servers send them.
//!
//! Our own `broadcast_with_ack` goes out too: its local part ends in `Event::BroadcastAck`
//! as without a cluster, the other servers' part in [`ClusterEvent::BroadcastAcks`].
//!
//! # Two adapters, one seam
//! [`ClusterConfig::mode`] picks which of node's adapters the cluster speaks: the classic
//! `createAdapter` (the default) or `createShardedAdapter` ([`ClusterMode::Sharded`], Redis 7
//! sharded pub/sub, whose actions are `ShardSubscribe`/`ShardUnsubscribe`/`ShardPublish`).
//! Both carry the same operations; what differs (channel names, subscriptions, the bytes'
//! envelope) lives in `wire.rs` alone. In the sharded dynamic mode the engine subscribes a
//! room's channel when the room appears on this server and unsubscribes it when the room
//! empties, as node does. node's sharded adapter does not ask the others for `allRooms`, so
//! [`cluster_all_rooms`](crate::Engine::cluster_all_rooms) then ends at once, empty.
//!
//! A `fetchSockets` answer from here carries the handshake node's does: `issued` and `time`
//! from the wall-clock time the driver gives with the connect request
//! ([`Engine::accept_connect_issued`](crate::Engine::accept_connect_issued); the engine has no
//! clock), `auth` from the CONNECT; `data` is an empty object (node's default): the
//! application's per-socket data is opaque here.

mod acks;
mod config;
mod inbound;
mod outbound;
mod requests;
mod server_side;
mod state;
mod wire;

pub use config::{ClusterConfig, ClusterMode, ShardedSubscription};
pub use requests::{ClusterEvent, ClusterRequestId, RequestTimeout, ServerSideAck};
pub use socketio_proto::cluster::RemoteSocket;
pub(crate) use state::ClusterState;

use bytes::Bytes;

/// What the driver must do on Redis for the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClusterAction {
    /// Subscribe (`SUBSCRIBE channels`, `PSUBSCRIBE patterns`); once per namespace, before
    /// anything is published for it. Keep these subscriptions across reconnects.
    Subscribe {
        /// Plain channels (their subscriber count is node's server count).
        channels: Vec<String>,
        /// Patterns.
        patterns: Vec<String>,
    },
    /// `PUBLISH channel payload`.
    Publish {
        /// The channel.
        channel: String,
        /// The message, already encoded.
        payload: Bytes,
    },
    /// `SSUBSCRIBE channels` (sharded mode): once per namespace (its main channel first:
    /// its `PUBSUB SHARDNUMSUB` is the server count), and per room as rooms appear in the
    /// dynamic subscription mode. Keep these subscriptions across reconnects.
    ShardSubscribe {
        /// Shard channels.
        channels: Vec<String>,
    },
    /// `SUNSUBSCRIBE channels` (sharded dynamic mode: a room emptied here); forget them.
    ShardUnsubscribe {
        /// Shard channels.
        channels: Vec<String>,
    },
    /// `SPUBLISH channel payload` (sharded mode).
    ShardPublish {
        /// The shard channel.
        channel: String,
        /// The message, already encoded.
        payload: Bytes,
    },
}

#[cfg(test)]
mod tests;
