//! What the Engine.IO server reports to the layer above, and its typed errors.
//!
//! Faults are split as h11 and rustls split them: a peer that breaks the protocol closes
//! only its own session, reported as [`EioEvent::Close`] with a [`CloseReason`]; a caller
//! that misuses the API gets an `Err` ([`SendError`]) and the engine goes on.

use socketio_proto::eio::Message;

use crate::ids::Sid;

/// An event for the layer above (the application or the Socket.IO layer).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EioEvent {
    /// A session was opened (its open packet is on its way to the client).
    Open {
        /// The new session.
        sid: Sid,
    },
    /// The client sent a message.
    Message {
        /// The sending session.
        sid: Sid,
        /// The message, sliced from the received bytes.
        message: Message,
    },
    /// The session is closed; its sid is never valid again. Sent exactly once per session
    /// that was opened.
    Close {
        /// The closed session.
        sid: Sid,
        /// Why it closed.
        reason: CloseReason,
    },
}

/// Why a session closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// The client's WebSocket went away (`handle_ws_closed`).
    TransportClose,
    /// The client broke the transport rules: a second concurrent GET, a ping in v4, a
    /// binary polling body in v4.
    TransportError,
    /// No pong within `ping_timeout` after a ping.
    PingTimeout,
    /// The client sent bytes that are not Engine.IO packets.
    ParseError,
    /// The session's outbox went past `max_outbox_bytes` (a client too slow to read).
    BufferFull,
    /// A request body went past `max_http_buffer_size`.
    PayloadTooLarge,
    /// The server closed the session (`EioServer::close`).
    ServerClose,
    /// The client sent a close packet.
    ClientClose,
}

impl CloseReason {
    /// The reason as node's `engine.io` names it in its `close` event.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TransportClose | Self::ClientClose => "transport close",
            Self::TransportError | Self::PayloadTooLarge | Self::BufferFull => "transport error",
            Self::PingTimeout => "ping timeout",
            Self::ParseError => "parse error",
            Self::ServerClose => "forced close",
        }
    }
}

/// Why [`EioServer::send`](crate::eio::EioServer::send) did not queue a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// No open session has this sid (API misuse: it closed, or never existed).
    #[error("unknown session {0}")]
    UnknownSession(Sid),
    /// The session is closing and accepts nothing more (API misuse).
    #[error("session {0} is closing")]
    Closing(Sid),
    /// The frame would overflow the session's outbox; the session was closed with
    /// [`CloseReason::BufferFull`] (the peer's fault, reported here so a sender knows).
    #[error("outbox of session {0} is full; the session was closed")]
    BufferFull(Sid),
}
