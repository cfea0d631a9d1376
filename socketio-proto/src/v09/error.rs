//! The error types of the Socket.IO 0.9 codec, one per failure domain.

use super::PacketType;

/// Why one Socket.IO 0.9 packet is invalid.
///
/// A session that receives any of these should treat the peer as not speaking the protocol.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The packet has no characters at all, so not even a type.
    #[error("empty packet")]
    Empty,
    /// The packet bytes are not valid UTF-8.
    #[error("packet text is not valid utf-8")]
    InvalidUtf8,
    /// The first character is not one of the packet types `0`..=`8`.
    #[error("unknown packet type {0:?}")]
    UnknownType(char),
    /// A `:` that must follow the type or the id is missing.
    #[error("missing ':' after the packet {0}")]
    MissingSeparator(&'static str),
    /// The message id is not canonical decimal digits (optionally followed by `+`), has a
    /// leading zero, or exceeds [`MAX_ID`](super::MAX_ID).
    #[error("invalid message id")]
    InvalidId,
    /// A message id was given on a packet type that cannot carry one (only message, json and
    /// event packets can).
    #[error("{0} packet cannot carry a message id")]
    IdNotAllowed(PacketType),
    /// A packet type that carries no data (disconnect, heartbeat, noop) has some.
    #[error("{0} packet cannot carry data")]
    UnexpectedData(PacketType),
    /// A packet type that needs data (json, event, ack) has none.
    #[error("{0} packet has no data")]
    MissingData(PacketType),
    /// The data of a json or event packet, or the arguments of an ack, is not well-formed
    /// JSON.
    #[error("invalid json: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// An event's JSON is not an object.
    #[error("event data is not a json object")]
    EventNotObject,
    /// An event's JSON object has no `name`.
    #[error("event has no name")]
    EventWithoutName,
    /// An event's `name` is not a string.
    #[error("event name is not a string")]
    EventNameNotString,
    /// An event's `args` is present but not an array.
    #[error("event args is not an array")]
    EventArgsNotArray,
    /// An ack's data is not `<ack id>[+<json>]` with a canonical decimal id of at most
    /// [`MAX_ID`](super::MAX_ID).
    #[error("invalid ack data")]
    InvalidAckData,
    /// The JSON after an ack's `+` is not an array.
    #[error("ack arguments are not a json array")]
    AckArgsNotArray,
    /// An error packet's reason is not one of the indices `0`..=`2`.
    #[error("unknown error reason")]
    InvalidErrorReason,
    /// An error packet's advice (after `+`) is not the index `0`.
    #[error("unknown error advice")]
    InvalidErrorAdvice,
    /// A connect packet carries a query both on its endpoint and in its data field.
    #[error("connect packet has two queries")]
    ConflictingQuery,
}

/// Why a packet cannot be written in a form that decodes back to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The endpoint contains `:`, which ends the endpoint field on the wire.
    #[error("endpoint contains ':'")]
    EndpointContainsColon,
    /// A connect packet's endpoint contains `?`, which starts its query on the wire.
    #[error("connect endpoint contains '?'")]
    ConnectEndpointContainsQuery,
    /// A message or ack id exceeds [`MAX_ID`](super::MAX_ID).
    #[error("id exceeds 2^53 - 1")]
    IdTooLarge,
    /// An ack's arguments are not a JSON array.
    #[error("ack arguments are not a json array")]
    AckArgsNotArray,
}

/// Why a polling body cannot be split into packets.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The body is empty: there is not even one packet.
    #[error("empty payload")]
    Empty,
    /// The body is not valid UTF-8.
    #[error("payload is not valid utf-8")]
    InvalidUtf8,
    /// The body holds more packets than [`PayloadLimits::max_packets`](super::PayloadLimits::max_packets).
    #[error("payload has more than {limit} packets")]
    TooManyPackets {
        /// The limit in force.
        limit: usize,
    },
    /// A frame's length has no digits (`\u{fffd}\u{fffd}`).
    #[error("missing length at byte {offset}")]
    MissingLength {
        /// Byte offset of the frame in the body.
        offset: usize,
    },
    /// A frame's length holds something other than a decimal digit.
    #[error("invalid length character {found:?} at byte {offset}")]
    InvalidLengthDigit {
        /// Byte offset of the bad character.
        offset: usize,
        /// The bad character.
        found: char,
    },
    /// A frame's length does not fit in `usize`.
    #[error("length at byte {offset} overflows")]
    LengthOverflow {
        /// Byte offset of the frame in the body.
        offset: usize,
    },
    /// A frame's length promises more than the body holds.
    #[error("length at byte {offset} declares {declared} but only {available} remain")]
    LengthExceedsBody {
        /// Byte offset of the frame in the body.
        offset: usize,
        /// The declared length, in UTF-16 code units.
        declared: usize,
        /// What is left of the body, in UTF-16 code units.
        available: usize,
    },
    /// A frame's length ends between the two halves of a UTF-16 surrogate pair.
    #[error("length at byte {offset} splits a character")]
    LengthSplitsCharacter {
        /// Byte offset of the frame in the body.
        offset: usize,
    },
    /// Something other than a new frame follows a frame, or the body ends inside a frame
    /// header: the length lied or the body was cut.
    #[error("trailing garbage at byte {offset}")]
    TrailingGarbage {
        /// Byte offset of the unexpected text.
        offset: usize,
    },
    /// One packet of the payload is invalid.
    #[error("packet {index} of the payload is invalid: {source}")]
    Packet {
        /// Position of the packet in the payload, from 0.
        index: usize,
        /// What is wrong with it.
        #[source]
        source: DecodeError,
    },
}

/// Why a handshake body cannot be parsed or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The body does not have exactly four `:`-separated fields.
    #[error("handshake has {found} fields, expected 4")]
    WrongFieldCount {
        /// How many fields were found.
        found: usize,
    },
    /// The session id is empty or contains `:`.
    #[error("invalid session id")]
    InvalidSid,
    /// A timeout is neither empty nor decimal seconds that fit in a `u64`.
    #[error("invalid {0} timeout")]
    InvalidTimeout(&'static str),
    /// A transport name is empty or contains `,` or `:`.
    #[error("invalid transport name")]
    InvalidTransport,
}
