//! The Socket.IO 0.9 protocol ("protocol 1"): socket.io 0.9 and gevent-socketio clients.
//!
//! Socket.IO before 1.0 has no Engine.IO underneath: the transports carry its packets
//! directly, and the whole wire format is text.
//!
//! - [`Handshake`]: the body of the handshake response, `sid:heartbeat:close:transports`.
//! - [`Packet`] / [`PacketBody`]: one packet, `type:id:endpoint:data`, with its nine types;
//!   [`Packet::decode`] parses one, [`Packet::encode`] writes one.
//! - [`encode_payload`] / [`decode_payload`]: several packets in one polling body, each framed
//!   as `\u{fffd}<length>\u{fffd}<packet>` with the length in UTF-16 code units (JavaScript's
//!   `String.length`); a single packet travels unframed.
//! - [`jsonp`]: the `io.j[<i>](...)` wrapping and form-encoded POST bodies of the
//!   `jsonp-polling` transport.
//!
//! Decoding is strict where the reference parsers (socket.io 0.9 `lib/parser.js`,
//! gevent-socketio `packet.py`) are lenient or crash: anything they would not produce is a
//! typed error, never a panic, and decoded text (endpoints, message data, JSON) is sliced from
//! the received buffer rather than copied.
//!
//! Ambiguities of the spec and how this codec resolves them:
//! - A connect packet's query may ride on the endpoint (`1::/chat?x=y`, the spec's form) or in
//!   the data field (`1::/chat:x=y`, what the reference encoders write); both decode to the
//!   same [`PacketBody::Connect`], which is encoded in the spec's form (or the data form when
//!   the query contains `:`, which the endpoint field cannot hold).
//! - The spec's bare `0` (disconnect everything) matches neither reference parser; at least
//!   `type::` is required.
//! - Message and ack ids must be canonical decimal (no leading zero), at most [`MAX_ID`], so
//!   that the id echoed in an acknowledgement is spelled as the client spelled it.

mod decode;
mod encode;
mod error;
mod event;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzz;
mod handshake;
pub mod jsonp;
mod packet;
mod payload;

pub use error::{DecodeError, EncodeError, HandshakeError, PayloadError};
pub use event::{Event, RESERVED_EVENTS};
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub use fuzz::fuzz_decode_all;
pub use handshake::Handshake;
pub use packet::{AckKind, ErrorAdvice, ErrorReason, MessageId, Packet, PacketBody, PacketType};
pub use payload::{PayloadLimits, decode_payload, encode_payload, split_payload};

/// The largest message or acknowledgement id accepted: 2^53 - 1, JavaScript's largest safe
/// integer. The reference client counts ids up from 1, so a larger one is not from it, and a
/// JavaScript peer could not represent it exactly.
pub const MAX_ID: u64 = 9_007_199_254_740_991;

/// `part`, a sub-slice of `whole`'s text, as a [`Str`](crate::Str) sharing `whole`'s storage
/// (decoders hand out slices of the received buffer); a copy should `part` lie elsewhere.
fn sub(whole: &crate::Str, part: &str) -> crate::Str {
    let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    whole
        .slice(start..start.saturating_add(part.len()))
        .filter(|s| s.as_ptr() == part.as_ptr())
        .unwrap_or_else(|| crate::Str::from(part))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_errors;
