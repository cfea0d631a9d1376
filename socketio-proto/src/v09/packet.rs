//! The decoded form of a Socket.IO 0.9 packet.

use std::fmt;

use super::Event;
use crate::Str;
use crate::sio::Payload;

/// The nine 0.9 packet types, with their wire digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketType {
    /// `0`: leave an endpoint, or the whole socket when the endpoint is empty.
    Disconnect,
    /// `1`: join an endpoint (echoed back by the server to accept).
    Connect,
    /// `2`: keep-alive.
    Heartbeat,
    /// `3`: a plain text message.
    Message,
    /// `4`: a JSON message.
    Json,
    /// `5`: a named event with JSON arguments.
    Event,
    /// `6`: an acknowledgement of a message, json or event packet.
    Ack,
    /// `7`: an error, with a reason and advice.
    Error,
    /// `8`: nothing; closes a pending poll.
    Noop,
}

impl PacketType {
    /// The type written as the ASCII digit `b`.
    #[must_use]
    pub const fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            b'0' => Self::Disconnect,
            b'1' => Self::Connect,
            b'2' => Self::Heartbeat,
            b'3' => Self::Message,
            b'4' => Self::Json,
            b'5' => Self::Event,
            b'6' => Self::Ack,
            b'7' => Self::Error,
            b'8' => Self::Noop,
            _ => return None,
        })
    }

    /// The ASCII digit of this type.
    #[must_use]
    pub const fn as_byte(self) -> u8 {
        match self {
            Self::Disconnect => b'0',
            Self::Connect => b'1',
            Self::Heartbeat => b'2',
            Self::Message => b'3',
            Self::Json => b'4',
            Self::Event => b'5',
            Self::Ack => b'6',
            Self::Error => b'7',
            Self::Noop => b'8',
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Disconnect => "disconnect",
            Self::Connect => "connect",
            Self::Heartbeat => "heartbeat",
            Self::Message => "message",
            Self::Json => "json",
            Self::Event => "event",
            Self::Ack => "ack",
            Self::Error => "error",
            Self::Noop => "noop",
        })
    }
}

/// Who answers a message that asks for an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AckKind {
    /// Id without `+`: the receiving Socket.IO layer acknowledges on receipt, with no data.
    Automatic,
    /// Id followed by `+`: the application answers, and the ack carries its data.
    WithData,
}

/// The id of a message, json or event packet that wants an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId {
    /// The id, at most [`MAX_ID`](super::MAX_ID); the ack names it.
    pub id: u64,
    /// Whether the ack is automatic or carries data (`+` on the wire).
    pub ack: AckKind,
}

/// Why the server refuses a client (error packet reason, sent as its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorReason {
    /// `0`: the requested transport is not enabled.
    TransportNotSupported,
    /// `1`: the session id is unknown (never handshaken, or expired).
    ClientNotHandshaken,
    /// `2`: authorization for the endpoint was refused.
    Unauthorized,
}

impl ErrorReason {
    /// The reason for a wire index.
    #[must_use]
    pub const fn from_index(i: u8) -> Option<Self> {
        Some(match i {
            0 => Self::TransportNotSupported,
            1 => Self::ClientNotHandshaken,
            2 => Self::Unauthorized,
            _ => return None,
        })
    }

    /// The wire index.
    #[must_use]
    pub const fn index(self) -> u8 {
        match self {
            Self::TransportNotSupported => 0,
            Self::ClientNotHandshaken => 1,
            Self::Unauthorized => 2,
        }
    }

    /// The name the reference implementation gives it (`"client not handshaken"`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TransportNotSupported => "transport not supported",
            Self::ClientNotHandshaken => "client not handshaken",
            Self::Unauthorized => "unauthorized",
        }
    }
}

/// What the client should do about an error (error packet advice, sent as its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorAdvice {
    /// `0`: handshake again.
    Reconnect,
}

impl ErrorAdvice {
    /// The advice for a wire index.
    #[must_use]
    pub const fn from_index(i: u8) -> Option<Self> {
        match i {
            0 => Some(Self::Reconnect),
            _ => None,
        }
    }

    /// The wire index.
    #[must_use]
    pub const fn index(self) -> u8 {
        match self {
            Self::Reconnect => 0,
        }
    }

    /// The name the reference implementation gives it (`"reconnect"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Reconnect => "reconnect",
        }
    }
}

/// One Socket.IO 0.9 packet: `type:id:endpoint:data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The endpoint (namespace), empty for the default one. Must not contain `:`; a connect
    /// packet's endpoint must not contain `?` either (its query is separate).
    pub endpoint: Str,
    /// What the packet says.
    pub body: PacketBody,
}

/// The type-specific part of a [`Packet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketBody {
    /// `0::<endpoint>`.
    Disconnect,
    /// `1::<endpoint>[?<query>]`.
    Connect {
        /// The query string after `?`, without the `?`.
        query: Option<Str>,
    },
    /// `2::`.
    Heartbeat,
    /// `3:<id>:<endpoint>:<text>`.
    Message {
        /// Set when the sender wants an acknowledgement.
        id: Option<MessageId>,
        /// The text, anything (it is the last field, so it may hold `:`).
        data: Str,
    },
    /// `4:<id>:<endpoint>:<json>`.
    Json {
        /// Set when the sender wants an acknowledgement.
        id: Option<MessageId>,
        /// Any JSON value, validated.
        data: Payload,
    },
    /// `5:<id>:<endpoint>:{"name":..,"args":[..]}`.
    Event {
        /// Set when the sender wants an acknowledgement.
        id: Option<MessageId>,
        /// The event, validated.
        event: Event,
    },
    /// `6::<endpoint>:<ack id>[+<json array>]`.
    Ack {
        /// The id of the acknowledged packet, at most [`MAX_ID`](super::MAX_ID).
        ack_id: u64,
        /// The answer's arguments, a JSON array, when the packet asked with `+`.
        args: Option<Payload>,
    },
    /// `7::<endpoint>:[<reason>][+<advice>]`.
    Error {
        /// Why, if said.
        reason: Option<ErrorReason>,
        /// What to do, if said.
        advice: Option<ErrorAdvice>,
    },
    /// `8::`.
    Noop,
}

impl PacketBody {
    /// The wire type of this body.
    #[must_use]
    pub const fn packet_type(&self) -> PacketType {
        match self {
            Self::Disconnect => PacketType::Disconnect,
            Self::Connect { .. } => PacketType::Connect,
            Self::Heartbeat => PacketType::Heartbeat,
            Self::Message { .. } => PacketType::Message,
            Self::Json { .. } => PacketType::Json,
            Self::Event { .. } => PacketType::Event,
            Self::Ack { .. } => PacketType::Ack,
            Self::Error { .. } => PacketType::Error,
            Self::Noop => PacketType::Noop,
        }
    }

    /// The message id, for the types that can carry one.
    #[must_use]
    pub const fn id(&self) -> Option<MessageId> {
        match self {
            Self::Message { id, .. } | Self::Json { id, .. } | Self::Event { id, .. } => *id,
            _ => None,
        }
    }
}

impl Packet {
    /// A packet on the default endpoint.
    #[must_use]
    pub const fn new(body: PacketBody) -> Self {
        Self {
            endpoint: Str::from_static(""),
            body,
        }
    }

    /// A packet on `endpoint`.
    #[must_use]
    pub fn with_endpoint(endpoint: impl Into<Str>, body: PacketBody) -> Self {
        Self {
            endpoint: endpoint.into(),
            body,
        }
    }

    /// The heartbeat packet `2::`.
    #[must_use]
    pub const fn heartbeat() -> Self {
        Self::new(PacketBody::Heartbeat)
    }

    /// The noop packet `8::`.
    #[must_use]
    pub const fn noop() -> Self {
        Self::new(PacketBody::Noop)
    }
}
