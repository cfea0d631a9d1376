//! The cluster codec: the messages node's `@socket.io/redis-adapter` 8.3 (the classic,
//! non-sharded adapter) publishes on Redis, so servers of ours and node's can share one
//! application. Pure: bytes in, typed values out, and back; nothing here talks to Redis.
//!
//! - [`Channels`]: the channel names of one namespace (`socket.io#/#`, `socket.io#/#room#`,
//!   `socket.io-request#/#`, `socket.io-response#/#`, …) and what a received channel is.
//! - [`BroadcastMessage`]: `[uid, packet, opts]`, MessagePack, on the broadcast channels.
//! - [`Request`] / [`Response`]: the request and response channels; JSON, except the
//!   broadcast with acks and its acks (MessagePack). Input may be either: the first byte
//!   decides (`{` is JSON), as in node.
//! - [`ShardedMessage`] / [`ShardedChannels`]: the sharded variant (`createShardedAdapter`,
//!   Redis 7 sharded pub/sub), socket.io-adapter's `ClusterAdapter` messages, decoded into
//!   the same operations.
//! - [`Value`]: one MessagePack value in notepack.io's model (node's encoder), with
//!   [`decode_value`] / [`encode_value`] and the conversion to and from a packet's JSON with
//!   binary placeholders ([`Value::write_json`], [`Value::from_json`]).
//!
//! The encoder writes what notepack.io writes, byte for byte (the captured messages in
//! `tests/fixtures/cluster` re-encode identically). The decoder reads every MessagePack form
//! and is bounded by [`ClusterLimits`]: bytes from Redis are as untrusted as a client's, so
//! every input gives a value or a typed [`DecodeError`], never a panic.

mod broadcast;
mod channel;
mod error;
mod fields;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzz;
mod limits;
mod request;
mod response;
mod sharded;
pub mod streams;

pub use crate::msgpack::Value;
pub use crate::msgpack::js_date_string;
pub use crate::msgpack::{encode_value, write_value};
pub use broadcast::{BroadcastFlags, BroadcastMessage, BroadcastOpts, ClusterPacket, Selector};
pub use channel::{ChannelKind, Channels, DEFAULT_PREFIX};
pub use error::DecodeError;
pub use fields::decode_value;
pub use limits::ClusterLimits;
pub use request::Request;
pub use response::{RemoteSocket, Response, ResponseBody};
pub use sharded::{ShardedBody, ShardedChannelKind, ShardedChannels, ShardedMessage};

#[cfg(test)]
mod tests;
