//! [`MsgpackDecodeError`]: every way a packet from a client using socket.io-msgpack-parser
//! can be refused.

use super::packet::PacketType;
use crate::msgpack::MsgpackError;

/// Why a msgpack packet was refused. The checks are socket.io-msgpack-parser 3.0's
/// `checkPacket` (type, namespace, data, id), plus the event rules every packet this server
/// hands its application meets (a name, not a reserved one; an answerable ack id).
///
/// A session that sends any of them should be closed, as node closes it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MsgpackDecodeError {
    /// The bytes are not one MessagePack value within the limits, or the value has no JSON
    /// form (a map key that is neither a string nor a number).
    #[error(transparent)]
    Msgpack(#[from] MsgpackError),
    /// The value is not a map.
    #[error("packet is not a msgpack map")]
    NotAMap,
    /// `type` is missing or not an integer from 0 (CONNECT) to 4 (CONNECT_ERROR): there are
    /// no binary packet types in this parser. Node: "invalid packet type".
    #[error("invalid packet type")]
    InvalidType,
    /// `nsp` is missing or not a string. Node: "invalid namespace".
    #[error("invalid namespace")]
    InvalidNamespace,
    /// `data` has the wrong shape for the type: not an array (EVENT, ACK), present and not a
    /// map (CONNECT), present at all (DISCONNECT), neither a string nor a map
    /// (CONNECT_ERROR). Node: "invalid payload".
    #[error("invalid payload for packet type {0:?}")]
    InvalidPayload(PacketType),
    /// `id` is present and not an integer. Node: "invalid packet id".
    #[error("invalid packet id")]
    InvalidId,
    /// `id` is an integer outside 0 ..= [`MAX_ACK_ID`](super::MAX_ACK_ID), which no ack could
    /// answer (node accepts it and never matches it).
    #[error("acknowledgement id is negative or larger than 2^53 - 1")]
    AckIdOutOfRange,
    /// An ACK without an `id` (node ignores it; nothing could be acknowledged).
    #[error("ack packet without an acknowledgement id")]
    MissingAckId,
    /// An EVENT whose `data` is an empty array: it has no event name.
    #[error("event payload is an empty array")]
    EmptyEvent,
    /// An EVENT whose first element is neither a string nor a number.
    #[error("event name is neither a string nor a number")]
    InvalidEventName,
    /// An EVENT named as one of the names the protocol reserves.
    #[error("event name {0:?} is reserved")]
    ReservedEventName(&'static str),
}
