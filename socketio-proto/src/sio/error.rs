//! [`DecodeError`]: every way a received Socket.IO packet can be rejected.

use super::packet::PacketType;

/// Why a Socket.IO header text or its binary attachments were rejected.
///
/// Each variant is one distinct failure so the caller (and a test) can tell them apart. A
/// session that gets any of them should be closed: the peer is not speaking the protocol.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The text frame was empty: there is not even a packet type.
    #[error("empty packet")]
    Empty,
    /// The first character is not one of the packet types `0`..=`6`.
    #[error("unknown packet type {0:?}")]
    UnknownPacketType(char),
    /// The attachment count of a binary packet is not a run of decimal digits.
    #[error("attachment count is not a number")]
    InvalidAttachmentCount,
    /// The attachment count of a binary packet is not followed by `-`.
    #[error("attachment count is not followed by '-'")]
    MissingAttachmentSeparator,
    /// A binary packet announced zero attachments (it should have been a plain packet).
    #[error("binary packet announces zero attachments")]
    ZeroAttachments,
    /// The attachment count does not fit in a `usize`.
    #[error("attachment count is too large")]
    AttachmentCountOverflow,
    /// Text that looks like a namespace (it ends in `,`) does not start with `/`.
    #[error("namespace does not start with '/'")]
    InvalidNamespace,
    /// The acknowledgement id is larger than [`MAX_ACK_ID`](super::MAX_ACK_ID).
    #[error("acknowledgement id is larger than 2^53 - 1")]
    AckIdOverflow,
    /// An acknowledgement id was given on a packet type that cannot carry one.
    #[error("packet type {0:?} cannot carry an acknowledgement id")]
    AckIdNotAllowed(PacketType),
    /// An ACK or BINARY_ACK packet had no acknowledgement id.
    #[error("ack packet without an acknowledgement id")]
    MissingAckId,
    /// The packet type requires a JSON payload and there was none.
    #[error("packet type {0:?} requires a payload")]
    MissingPayload(PacketType),
    /// The packet type (in this protocol version) cannot carry a payload.
    #[error("packet type {0:?} cannot carry a payload")]
    UnexpectedPayload(PacketType),
    /// The payload is not well-formed JSON (or nests deeper than serde_json's limit of 128).
    #[error("invalid json payload: {0}")]
    InvalidJson(#[source] serde_json::Error),
    /// Something other than whitespace follows the JSON payload.
    #[error("trailing data after the json payload")]
    TrailingData,
    /// An EVENT or ACK payload is not a JSON array.
    #[error("payload of packet type {0:?} is not an array")]
    PayloadNotArray(PacketType),
    /// An EVENT payload is an empty array: it has no event name.
    #[error("event payload is an empty array")]
    EmptyEvent,
    /// The first element of an EVENT payload is neither a string nor a number.
    #[error("event name is neither a string nor a number")]
    InvalidEventName,
    /// The event name is one the reference implementation reserves for itself.
    #[error("event name {0:?} is reserved")]
    ReservedEventName(&'static str),
    /// A CONNECT payload is not a JSON object.
    #[error("connect payload is not an object")]
    ConnectPayloadNotObject,
    /// A CONNECT_ERROR / ERROR payload is neither a JSON string nor an object.
    #[error("connect error payload is neither a string nor an object")]
    ConnectErrorPayloadInvalid,
    /// A binary placeholder's `num` is missing, negative, fractional or not a number.
    #[error("placeholder index is not a non-negative integer")]
    InvalidPlaceholder,
    /// A binary placeholder points past the last attachment.
    #[error("placeholder index {num} is out of range for {attachments} attachments")]
    PlaceholderOutOfRange {
        /// The index found in the placeholder.
        num: u64,
        /// How many attachments the header announced.
        attachments: usize,
    },
    /// The number of placeholders differs from the announced attachment count.
    #[error("found {found} placeholders for {attachments} attachments")]
    PlaceholderCountMismatch {
        /// How many placeholders the payload holds.
        found: usize,
        /// How many attachments the header announced.
        attachments: usize,
    },
    /// A binary packet announced more attachments than the reassembler allows.
    #[error("{count} attachments exceed the limit of {max}")]
    TooManyAttachments {
        /// The announced count.
        count: usize,
        /// The configured limit.
        max: usize,
    },
    /// The header plus attachments held for one packet would exceed the byte limit.
    #[error("binary packet exceeds the limit of {max} bytes")]
    TooManyBytes {
        /// The configured limit.
        max: usize,
    },
    /// A text frame arrived while binary attachments of an earlier packet were awaited.
    #[error("text frame received while awaiting binary attachments")]
    UnexpectedText,
    /// A binary frame arrived while no binary packet was being reassembled.
    #[error("binary frame received while no attachment was awaited")]
    UnexpectedBinary,
}
