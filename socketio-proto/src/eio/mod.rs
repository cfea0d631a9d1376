//! Engine.IO packets and long-polling payloads, protocol v4 and v3.
//!
//! The Engine.IO layer moves opaque messages between a client and the server over a
//! WebSocket (one packet per frame) or HTTP long-polling (several packets per body, called a
//! payload). This module is the codec only: pure functions from bytes to [`Packet`]s and back.
//!
//! - [`Packet`]: one decoded packet; [`Packet::encode`] turns it into a [`Frame`], the exact
//!   WebSocket frame, and the `decode_*` functions go the other way.
//! - [`Frame`]: an encoded packet, cheap to clone, so a broadcast is encoded once.
//!   [`text_message_frame`] and [`binary_message_frame`] build message frames directly.
//! - [`Handshake`]: the JSON body of the `open` packet.
//! - [`payload`]: joining encoded frames into one polling body and splitting a body back into
//!   packets, in the three wire formats (v4, v3 text, v3 binary).
//!
//! Decoding is strict: anything the reference implementation would not produce is a typed
//! [`DecodeError`] or [`PayloadError`], never a panic, and decoded text and binary data are
//! slices of the received buffer rather than copies.

mod base64;
mod decode;
mod error;
mod frame;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzz;
mod handshake;
pub mod jsonp;
mod packet;
pub mod payload;
mod utf16;

pub use error::{DecodeError, EncodeError, PayloadError};
pub use frame::{
    Frame, binary_message_frame, text_message_frame, text_message_frame_with_capacity,
};
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub use fuzz::fuzz_decode_all;
pub use handshake::Handshake;
pub use packet::{Message, Packet};
pub use utf16::utf16_len;

/// The Engine.IO protocol revision a client speaks, from the `EIO` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolVersion {
    /// Revision 3: socket.io-client 1.x and 2.x. Length-prefixed polling payloads; binary
    /// WebSocket frames start with the packet type byte.
    V3,
    /// Revision 4: socket.io-client 3.x and later. Record-separated polling payloads; binary
    /// WebSocket frames are the raw message bytes.
    V4,
}

impl ProtocolVersion {
    /// The version named by an `EIO` query value (`"3"` or `"4"`), or `None` for anything else.
    #[must_use]
    pub fn from_query_value(value: &str) -> Option<Self> {
        match value {
            "3" => Some(Self::V3),
            "4" => Some(Self::V4),
            _ => None,
        }
    }

    /// The `EIO` query value naming this version.
    #[must_use]
    pub const fn as_query_value(self) -> &'static str {
        match self {
            Self::V3 => "3",
            Self::V4 => "4",
        }
    }
}

/// The kind of an Engine.IO packet, with its wire id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    /// `0`: the server's handshake.
    Open,
    /// `1`: the transport can be closed.
    Close,
    /// `2`: heartbeat request (from the server in v4, from the client in v3) or upgrade probe.
    Ping,
    /// `3`: heartbeat answer or upgrade probe answer.
    Pong,
    /// `4`: application data.
    Message,
    /// `5`: the client completes a transport upgrade.
    Upgrade,
    /// `6`: nothing; ends a pending poll during an upgrade.
    Noop,
}

impl PacketType {
    /// The type whose numeric id is `id` (`0..=6`).
    #[must_use]
    pub const fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => Self::Open,
            1 => Self::Close,
            2 => Self::Ping,
            3 => Self::Pong,
            4 => Self::Message,
            5 => Self::Upgrade,
            6 => Self::Noop,
            _ => return None,
        })
    }

    /// The type whose id is written as the ASCII digit `digit` (`b'0'..=b'6'`).
    #[must_use]
    pub const fn from_digit(digit: u8) -> Option<Self> {
        match digit.checked_sub(b'0') {
            Some(id) => Self::from_id(id),
            None => None,
        }
    }

    /// The numeric id.
    #[must_use]
    pub const fn id(self) -> u8 {
        match self {
            Self::Open => 0,
            Self::Close => 1,
            Self::Ping => 2,
            Self::Pong => 3,
            Self::Message => 4,
            Self::Upgrade => 5,
            Self::Noop => 6,
        }
    }

    /// The id as the ASCII digit that starts a text packet.
    #[must_use]
    pub const fn digit(self) -> u8 {
        b'0' + self.id()
    }
}

impl std::fmt::Display for PacketType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Close => "close",
            Self::Ping => "ping",
            Self::Pong => "pong",
            Self::Message => "message",
            Self::Upgrade => "upgrade",
            Self::Noop => "noop",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_version_from_query() {
        assert_eq!(
            ProtocolVersion::from_query_value("3"),
            Some(ProtocolVersion::V3)
        );
        assert_eq!(
            ProtocolVersion::from_query_value("4"),
            Some(ProtocolVersion::V4)
        );
        assert_eq!(ProtocolVersion::from_query_value("5"), None);
        assert_eq!(ProtocolVersion::from_query_value(" 4"), None);
        assert_eq!(ProtocolVersion::V3.as_query_value(), "3");
        assert_eq!(ProtocolVersion::V4.as_query_value(), "4");
    }

    #[test]
    fn packet_type_ids_and_digits() {
        for id in 0..=6u8 {
            let t = PacketType::from_id(id).unwrap();
            assert_eq!(t.id(), id);
            assert_eq!(PacketType::from_digit(b'0' + id), Some(t));
            assert_eq!(t.digit(), b'0' + id);
        }
        assert_eq!(PacketType::from_id(7), None);
        assert_eq!(PacketType::from_digit(b'7'), None);
        assert_eq!(PacketType::from_digit(b'/'), None);
        assert_eq!(PacketType::from_digit(0), None);
        assert_eq!(PacketType::Message.to_string(), "message");
    }
}
