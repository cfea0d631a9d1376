//! The error types of the Engine.IO codec, one per failure domain.

use super::PacketType;

/// Why one Engine.IO packet (a WebSocket frame, or one packet of a payload) is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The packet has no bytes at all, so not even a type.
    #[error("empty packet")]
    Empty,
    /// The first byte is not a known packet type (shown as the byte received).
    #[error("unknown packet type byte {0:#04x}")]
    UnknownPacketType(u8),
    /// The text is not valid UTF-8.
    #[error("packet text is not valid utf-8")]
    InvalidUtf8,
    /// A `b`-prefixed packet's data is not canonical standard base64 with padding.
    #[error("packet data is not valid base64")]
    InvalidBase64,
    /// A packet type that carries no data (close, upgrade, noop) was followed by bytes.
    #[error("{packet_type} packet has trailing data")]
    TrailingData {
        /// The type that must be bare.
        packet_type: PacketType,
    },
    /// Binary data arrived for a packet type that only carries text; only messages can be
    /// binary.
    #[error("{packet_type} packet cannot carry binary data")]
    BinaryNotAllowed {
        /// The type named by the packet.
        packet_type: PacketType,
    },
    /// The `open` packet's JSON is not a valid handshake.
    #[error("invalid handshake: {0}")]
    InvalidHandshake(String),
}

/// Why a long-polling body cannot be split into packets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The body is empty where the format needs at least one packet (v4 and v3 text).
    #[error("empty payload")]
    Empty,
    /// A text body (v4 or v3 text) is not valid UTF-8.
    #[error("payload is not valid utf-8")]
    InvalidUtf8,
    /// The body holds more packets than [`PayloadLimits::max_packets`](super::payload::PayloadLimits::max_packets).
    #[error("payload has more than {limit} packets")]
    TooManyPackets {
        /// The limit in force.
        limit: usize,
    },
    /// One packet inside the payload is invalid.
    #[error("packet {index} of the payload is invalid: {source}")]
    Packet {
        /// Position of the packet in the payload, from 0.
        index: usize,
        /// What is wrong with it.
        #[source]
        source: DecodeError,
    },
    /// A v3 length prefix has no digits (`:` or `0xff` right away).
    #[error("missing length prefix at byte {offset}")]
    MissingLength {
        /// Byte offset of the record in the body.
        offset: usize,
    },
    /// A v3 length prefix holds something other than a decimal digit (in the binary format,
    /// a byte above 9).
    #[error("invalid length digit {byte:#04x} at byte {offset}")]
    InvalidLengthDigit {
        /// Byte offset of the bad byte.
        offset: usize,
        /// The bad byte.
        byte: u8,
    },
    /// A v3 length prefix does not fit in `usize`.
    #[error("length prefix at byte {offset} overflows")]
    LengthOverflow {
        /// Byte offset of the record in the body.
        offset: usize,
    },
    /// A v3 length prefix promises more data than the body holds.
    #[error("length prefix at byte {offset} declares {declared} but only {available} remain")]
    LengthExceedsBody {
        /// Byte offset of the record in the body.
        offset: usize,
        /// The declared length (UTF-16 code units for v3 text, bytes for v3 binary).
        declared: usize,
        /// What is left of the body, in the same unit.
        available: usize,
    },
    /// A v3 text length ends between the two halves of a UTF-16 surrogate pair, which the
    /// reference implementation would turn into an unpaired surrogate.
    #[error("length prefix at byte {offset} splits a character")]
    LengthSplitsCharacter {
        /// Byte offset of the record in the body.
        offset: usize,
    },
    /// The body ends inside a v3 record header (length digits without their terminator).
    #[error("trailing garbage at byte {offset}")]
    TrailingGarbage {
        /// Byte offset where the unfinished header starts.
        offset: usize,
    },
    /// A v3 binary record starts with something other than 0 (text) or 1 (binary).
    #[error("invalid record marker {byte:#04x} at byte {offset}")]
    InvalidMarker {
        /// Byte offset of the marker.
        offset: usize,
        /// The marker byte.
        byte: u8,
    },
}

/// Why a frame could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The body written for a text frame is not valid UTF-8.
    #[error("text frame body is not valid utf-8 (valid up to byte {valid_up_to})")]
    InvalidUtf8 {
        /// Length of the valid prefix of the whole frame, type byte included.
        valid_up_to: usize,
    },
}
