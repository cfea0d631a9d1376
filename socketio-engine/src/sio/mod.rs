//! The Socket.IO layer: namespaces, sockets, rooms, broadcast and acks on top of Engine.IO.
//!
//! One Engine.IO session multiplexes any number of namespace sockets (gevent-socketio's one
//! virtual socket per client). Each module holds one job:
//! - `config`: every limit and timeout, with defaults;
//! - `ids`: [`SocketId`], [`AckId`], [`SocketName`];
//! - `slab`: the compact socket store; `rooms`: the two-way room index of one namespace;
//! - `namespace`: the registry (static names, dynamic ones by predicate);
//! - `acks`: server-requested acks (single and broadcast); `timers`: the timer table;
//! - `broadcast`: who receives a broadcast; `parser`: the server's parser, the one place
//!   packets become frames and frames packets; `transport`: what this layer needs from
//!   Engine.IO; `session`, `socket`: per-session and per-socket state;
//! - `recovery_config`, `recovery` (the store of kept sessions and sent events) and
//!   `recover` (connection state recovery's steps in the layer);
//! - `state` (the layer's struct and shared helpers), `inbound` (packets in), `connect`
//!   (accept/reject), `emit` (sends, acks, broadcasts), `ack_flow` (settling acks), `ops`
//!   (rooms, socket sets, disconnects, shutdown).
//!
//! # Protocol versions (where v4 and 0.9 will go)
//! Each session records its Socket.IO protocol version when it opens, derived from the
//! Engine.IO version (EIO=4 → Socket.IO v5, EIO=3 → Socket.IO v4). Everything above the
//! codec works on decoded `Packet`s, so a version only changes encoding and decoding: the
//! per-session `Reassembler` is created for that version, and a broadcast encodes its packet
//! once per version present among the recipients (a small cache keyed by version), never
//! once per recipient. Socket.IO v4 (Engine.IO v3) differences that reach this layer are the
//! CONNECT reply (no `{"sid"}` payload; the query string rides on the namespace), and the
//! CONNECT_ERROR payload (a plain string); those belong in the reply builders, keyed by the
//! session's version. The 0.9 protocol (`1::/nsp`, `5:::{"name":..}`, heartbeats in the
//! Socket.IO layer, handshake over plain HTTP) is a different framing and transport: it
//! would be a separate session kind with its own codec module and a translator that yields
//! the same decoded events, so namespaces, rooms, acks and the application API stay as is.

pub mod broadcast;
pub mod config;
pub mod error;
pub mod ids;
pub mod parser;
pub mod recovery_config;
pub mod session_key;

pub(crate) mod ack_flow;
pub(crate) mod acks;
pub(crate) mod connect;
pub(crate) mod emit;
pub(crate) mod inbound;
pub(crate) mod name_key;
pub(crate) mod namespace;
pub(crate) mod ops;
pub(crate) mod recover;
pub(crate) mod recovery;
pub(crate) mod recovery_remote;
pub(crate) mod rooms;
pub(crate) mod session;
pub(crate) mod slab;
pub(crate) mod socket;
pub(crate) mod state;
pub(crate) mod timers;
pub(crate) mod transport;
pub(crate) mod v09;

pub use broadcast::BroadcastTarget;
pub use config::{NamespacePredicate, SioConfig};
pub use error::UsageError;
pub use ids::{AckId, SocketId, SocketName};
pub use parser::Parser;
pub use recovery_config::RecoveryConfig;
pub use session_key::SessionKey;

/// A base instant for virtual clocks in unit tests: only differences from it matter.
#[cfg(test)]
#[allow(clippy::disallowed_methods)]
pub(crate) fn test_epoch() -> std::time::Instant {
    std::time::Instant::now()
}
#[cfg(test)]
mod tests;
