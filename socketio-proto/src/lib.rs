//! Engine.IO and Socket.IO packet codecs.
//!
//! Pure functions over [`bytes`] and [`serde_json`]: no I/O, no clock, and never a panic on
//! any input. Decoding slices the input rather than copying where it can; encoding writes into
//! a `BytesMut` and yields `Bytes`, so one encoded packet can be handed to any number of
//! recipients without copying.
//!
//! - [`cluster`]: the messages servers exchange over Redis, compatible with node's
//!   `@socket.io/redis-adapter`.
//! - [`eio`]: Engine.IO packets and long-polling payloads, protocol v4 and v3.
//! - [`msgpack`]: MessagePack in node's notepack.io model, shared by the cluster codec and
//!   the msgpack parser.
//! - [`sio`]: Socket.IO packets with binary attachments, protocol v5 and v4, and the
//!   streaming reassembler for binary packets.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used
)]

pub mod cluster;
pub mod eio;
pub mod msgpack;
pub mod sio;
mod str;
pub mod v09;

pub use crate::str::Str;
