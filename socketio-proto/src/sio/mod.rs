//! Socket.IO packets with binary attachments, protocol v5 and v4.
//!
//! - [`Packet`] / [`PacketBody`]: a decoded packet; [`Packet::decode`] parses one header
//!   text frame, [`Packet::encode_into`] writes one into a caller's buffer.
//! - [`Args`]: the arguments of an event or ack, always a JSON array (a tuple is the argument
//!   list, any other value one argument); [`EventPayload`]: an event's `[name, ...args]`.
//!   Neither can hold what a client's parser would refuse.
//! - [`Payload`]: the JSON payload, validated at decode time and kept as a zero-copy slice
//!   of the received frame; typed access is lazy.
//! - [`Reassembler`]: per-session state joining a binary header with its attachments.
//! - [`Packet::encode_msgpack`] / [`Packet::decode_msgpack`]: the msgpack parser
//!   (socket.io-msgpack-parser 3.0), one MessagePack map per packet, binaries inline.
//! - [`Placeholder`]: the JSON stand-in for an attachment inside a payload.
//!
//! Differences between the versions handled here: v4 (socket.io-client 2.x) carries a query
//! string in the CONNECT namespace (`0/nsp?token=abc,`), has no CONNECT payload, and type 4
//! is ERROR ([`PacketBody::Error`]); v5 carries an auth object on CONNECT and type 4 is
//! CONNECT_ERROR ([`PacketBody::ConnectError`]).

mod args;
mod args_de;
mod decode;
mod encode;
mod error;
mod event_payload;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzz;
mod msgpack;
mod msgpack_error;
mod packet;
mod payload;
mod placeholder;
mod probe;
mod quick_check;
mod reassembler;
mod validate;

pub use args::{Args, NotAnArray, ToArgs};
pub use decode::{Decoded, MAX_ACK_ID};
// The cluster codec writes JSON strings exactly as packets do.
pub(crate) use encode::write_json_str;
pub use error::DecodeError;
pub use event_payload::{EventPayload, ReservedEventName};
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub use fuzz::{fuzz_decode_all, fuzz_decode_msgpack, fuzz_quick_check, quick_scan_accepts};
pub use msgpack_error::MsgpackDecodeError;
pub use packet::{Packet, PacketBody, PacketType, ProtocolVersion};
pub use payload::Payload;
pub use placeholder::Placeholder;
pub use reassembler::{Reassembler, ReassemblerLimits};
pub use validate::RESERVED_EVENTS;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_msgpack;
#[cfg(test)]
mod tests_payload;
