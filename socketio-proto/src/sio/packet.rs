//! The decoded form of a Socket.IO packet and convenience builders.

use bytes::Bytes;

use super::args::Args;
use super::event_payload::{EventPayload, ReservedEventName};
use super::payload::Payload;
use crate::Str;

/// Which Socket.IO protocol revision a session speaks.
///
/// The revision follows the Engine.IO one: `EIO=4` clients (socket.io-client 3.x and later)
/// speak v5, `EIO=3` clients (socket.io-client 2.x) speak v4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolVersion {
    /// Revision 4: query string on CONNECT, type 4 is ERROR with a string payload.
    V4,
    /// Revision 5 (current): auth object on CONNECT, type 4 is CONNECT_ERROR.
    V5,
}

/// The wire packet type: the first character of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    /// `0`: connect to a namespace (or the server's acceptance).
    Connect,
    /// `1`: leave a namespace.
    Disconnect,
    /// `2`: an event without binary attachments.
    Event,
    /// `3`: an acknowledgement without binary attachments.
    Ack,
    /// `4`: CONNECT_ERROR in v5, ERROR in v4.
    ConnectError,
    /// `5`: an event followed by binary attachments.
    BinaryEvent,
    /// `6`: an acknowledgement followed by binary attachments.
    BinaryAck,
}

impl PacketType {
    /// The type for a header's first byte, if it is one.
    #[must_use]
    pub const fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            b'0' => Self::Connect,
            b'1' => Self::Disconnect,
            b'2' => Self::Event,
            b'3' => Self::Ack,
            b'4' => Self::ConnectError,
            b'5' => Self::BinaryEvent,
            b'6' => Self::BinaryAck,
            _ => return None,
        })
    }

    /// The header character for this type.
    #[must_use]
    pub const fn as_byte(self) -> u8 {
        match self {
            Self::Connect => b'0',
            Self::Disconnect => b'1',
            Self::Event => b'2',
            Self::Ack => b'3',
            Self::ConnectError => b'4',
            Self::BinaryEvent => b'5',
            Self::BinaryAck => b'6',
        }
    }
}

/// One complete Socket.IO packet, binary attachments included.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    /// The namespace, `"/"` when the header had none. Must not contain `,` (the wire has no
    /// escape for it); a v4 CONNECT namespace must also not contain `?`.
    pub nsp: Str,
    /// What the packet says.
    pub body: PacketBody,
}

/// The type-specific part of a [`Packet`].
#[derive(Debug, Clone, PartialEq)]
pub enum PacketBody {
    /// CONNECT.
    Connect {
        /// v5 only: the JSON object sent with the request (client auth) or the reply (`sid`).
        /// Never set when decoding v4, and not written when encoding v4.
        auth: Option<Payload>,
        /// v4 only: the query string after `?` in the namespace, without the `?`. Never set
        /// when decoding v5 (a `?` is then part of the namespace), not written when encoding v5.
        query: Option<Str>,
    },
    /// DISCONNECT.
    Disconnect,
    /// EVENT, or BINARY_EVENT when `attachments` is not empty.
    Event {
        /// The acknowledgement id the sender wants answered.
        id: Option<u64>,
        /// A JSON array whose first element is the event name (a string, or a number).
        data: EventPayload,
        /// Binary attachments in placeholder order.
        attachments: Vec<Bytes>,
    },
    /// ACK, or BINARY_ACK when `attachments` is not empty.
    Ack {
        /// The id of the event being acknowledged.
        id: u64,
        /// A JSON array of the acknowledgement's arguments (possibly empty).
        data: Args,
        /// Binary attachments in placeholder order.
        attachments: Vec<Bytes>,
    },
    /// v5 CONNECT_ERROR (type 4): a JSON object `{"message":..,"data"?:..}` (a JSON string is
    /// also accepted, as the reference parser does). Encoded as type 4 in both versions.
    ConnectError(Payload),
    /// v4 ERROR (type 4): a JSON string or object. Type 4 decodes as this in v4 and as
    /// [`PacketBody::ConnectError`] in v5; both encode as type 4 in both versions.
    Error(Payload),
}

impl Packet {
    /// An event `[name, ...args]`. Non-empty `binary` makes it a BINARY_EVENT: `args` must
    /// then hold one [`Placeholder`](super::Placeholder) per attachment.
    ///
    /// # Errors
    /// [`ReservedEventName`] for a name the protocol reserves (the client would refuse it).
    pub fn event(
        nsp: impl Into<Str>,
        name: &str,
        args: &Args,
        binary: Vec<Bytes>,
        id: Option<u64>,
    ) -> Result<Self, ReservedEventName> {
        Ok(Self {
            nsp: nsp.into(),
            body: PacketBody::Event {
                id,
                data: EventPayload::new(name, args)?,
                attachments: binary,
            },
        })
    }

    /// An acknowledgement of event `id` with `data`, the acknowledgement's arguments.
    #[must_use]
    pub fn ack(nsp: impl Into<Str>, id: u64, data: Args, binary: Vec<Bytes>) -> Self {
        Self {
            nsp: nsp.into(),
            body: PacketBody::Ack {
                id,
                data,
                attachments: binary,
            },
        }
    }

    /// A CONNECT, with an optional v5 payload (the server's reply carries `{"sid":..}`).
    #[must_use]
    pub fn connect(nsp: impl Into<Str>, auth: Option<Payload>) -> Self {
        Self {
            nsp: nsp.into(),
            body: PacketBody::Connect { auth, query: None },
        }
    }

    /// A DISCONNECT.
    #[must_use]
    pub fn disconnect(nsp: impl Into<Str>) -> Self {
        Self {
            nsp: nsp.into(),
            body: PacketBody::Disconnect,
        }
    }

    /// A refusal to connect, shaped for the version: v5 `{"message":..}`, v4 a bare string.
    #[must_use]
    pub fn connect_error(nsp: impl Into<Str>, v: ProtocolVersion, message: &str) -> Self {
        let body = match v {
            ProtocolVersion::V5 => PacketBody::ConnectError(Payload::message_object(message)),
            ProtocolVersion::V4 => PacketBody::Error(Payload::string(message)),
        };
        Self {
            nsp: nsp.into(),
            body,
        }
    }

    /// Asks the receiver to acknowledge this event with `id`; does nothing to other kinds
    /// of packet (only an EVENT carries a request for an ack).
    pub fn set_ack_id(&mut self, ack: u64) {
        if let PacketBody::Event { id, .. } = &mut self.body {
            *id = Some(ack);
        }
    }

    /// The binary attachments (empty for packet kinds that have none).
    #[must_use]
    pub fn attachments(&self) -> &[Bytes] {
        match &self.body {
            PacketBody::Event { attachments, .. } | PacketBody::Ack { attachments, .. } => {
                attachments
            }
            _ => &[],
        }
    }

    /// The wire type this packet encodes to.
    #[must_use]
    pub fn packet_type(&self) -> PacketType {
        match &self.body {
            PacketBody::Connect { .. } => PacketType::Connect,
            PacketBody::Disconnect => PacketType::Disconnect,
            PacketBody::Event { attachments, .. } if attachments.is_empty() => PacketType::Event,
            PacketBody::Event { .. } => PacketType::BinaryEvent,
            PacketBody::Ack { attachments, .. } if attachments.is_empty() => PacketType::Ack,
            PacketBody::Ack { .. } => PacketType::BinaryAck,
            PacketBody::ConnectError(_) | PacketBody::Error(_) => PacketType::ConnectError,
        }
    }
}
