//! One Engine.IO session: its protocol version, transport state and outbox.
//!
//! # Theory of operation
//! A session's transport is a state enum; data valid only in one state lives in it, and
//! transitions take the old state by value (`std::mem::replace`) so no stale field survives:
//!
//! ```text
//!   handshake(polling) ──► Polling ──ws request──► Upgrading ──"5"──► WebSocket
//!                            ▲   │                    │
//!                            │   │   probe closed, garbage or timeout
//!                            └───┼────────────────────┘
//!   handshake(websocket) ────────┼──────────────────────────────────► WebSocket
//!                                └─ server close, no GET waiting ──► Closing
//! ```
//!
//! Rules:
//! - **Polling**: at most one GET is parked (a second one is a `TransportError`); frames
//!   wait in the outbox until a GET takes them. The frames of the last answered GET are kept
//!   (`inflight`) until the next GET proves they arrived, so an aborted response puts them
//!   back at the front of the outbox.
//! - **Upgrading**: polling goes on as above; the probe WebSocket answers `2probe` with
//!   `3probe` and then the parked GET is released with a noop so the client can pause
//!   polling; `5` switches to WebSocket and flushes the outbox there, in order.
//! - **WebSocket**: frames go straight to the driver; the outbox stays empty.
//! - **Closing** (server close of a polling session with no GET parked): the next GET gets
//!   the remaining frames and a close packet; then, or at `polling_close_timeout`, the
//!   session is gone. The `Close` event was already dispatched when closing began.
//!
//! A closed session is removed from the server at once; there is no "closed" state to
//! misuse. Timers live in the server's timer table, keyed by sid.

use std::net::SocketAddr;
use std::time::Instant;

use crate::eio::generation::Generation;

use crate::eio::encoding::PollEncoding;
use crate::eio::headers::HandshakeHeaders;
use crate::eio::outbox::Outbox;
use crate::http::{RequestMeta, query_pairs};
use crate::ids::{ConnId, RequestId};

/// The HTTP side of polling, kept across the `Polling` and `Upgrading` states.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PollState {
    /// The GET waiting for frames, if any.
    pub(crate) parked: Option<RequestId>,
    /// The last answered GET whose delivery is not yet proven.
    pub(crate) inflight: Option<RequestId>,
}

/// The transport state of a session; see the module docs.
#[derive(Debug)]
pub(crate) enum Transport {
    /// HTTP long-polling.
    Polling(PollState),
    /// Long-polling while a probe WebSocket tries to take over.
    Upgrading {
        /// Polling goes on meanwhile.
        poll: PollState,
        /// The probe connection.
        probe: ConnId,
        /// Whether `2probe` was answered (then GETs are released at once with a noop).
        probed: bool,
    },
    /// WebSocket.
    WebSocket {
        /// The connection.
        conn: ConnId,
    },
    /// Server-side close of a polling session, waiting for one last GET.
    Closing {
        /// The last answered GET whose delivery is not yet proven.
        inflight: Option<RequestId>,
    },
}

impl Transport {
    /// The transport name as in the `transport` query parameter.
    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Self::WebSocket { .. } => "websocket",
            _ => "polling",
        }
    }

    /// The polling state, when polling is (still) in use.
    pub(crate) fn poll_mut(&mut self) -> Option<&mut PollState> {
        match self {
            Self::Polling(p) | Self::Upgrading { poll: p, .. } => Some(p),
            _ => None,
        }
    }
}

/// Where an Engine.IO 4 session is in node's "refresh the ping timeout once" rule: a packet
/// other than a pong that arrives while a pong is awaited moves the pong deadline one
/// `ping_timeout` after it, once per ping (`hasRefreshedPingTimeout` in engine.io 6.6).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PongWait {
    /// No ping awaits its pong (and for v3 and 0.9 sessions, always).
    #[default]
    Idle,
    /// A ping was sent; the next other packet may refresh its deadline.
    Awaiting,
    /// The deadline of this ping was refreshed already.
    Refreshed,
}

/// One session. Kept small: the rarely read handshake data is boxed.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) generation: Generation,
    pub(crate) pong_wait: PongWait,
    /// How polling payloads are framed (`b64=1`, `j=<index>` or neither).
    pub(crate) encoding: PollEncoding,
    pub(crate) transport: Transport,
    pub(crate) outbox: Outbox,
    pub(crate) info: Box<HandshakeInfo>,
}

/// What the handshake request said, for the layers above (Socket.IO's `socket.handshake`).
#[derive(Debug, Clone)]
pub struct HandshakeInfo {
    /// The raw query string of the handshake request (without `?`).
    pub query: String,
    /// The handshake request's headers, copied compactly (the request's `HeaderMap` is not
    /// kept: see [`HandshakeHeaders`]).
    pub headers: HandshakeHeaders,
    /// The client's address, when the driver knew it.
    pub peer: Option<SocketAddr>,
    /// When the handshake was handled (engine time).
    pub issued: Instant,
    /// The protocol generation the client speaks.
    pub generation: Generation,
}

impl HandshakeInfo {
    pub(crate) fn from_request(meta: &RequestMeta, now: Instant, g: Generation) -> Self {
        Self {
            query: meta.uri.query().unwrap_or("").to_owned(),
            headers: HandshakeHeaders::from_header_map(&meta.headers),
            peer: meta.peer,
            issued: now,
            generation: g,
        }
    }

    /// The first value of query parameter `key`, percent-decoded.
    #[must_use]
    pub fn query_param(&self, key: &str) -> Option<String> {
        query_pairs(&self.query).find_map(|(k, v)| (k == key).then(|| v.into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_struct_stays_small() {
        // The idle-memory goal (< 2 KiB per session, handshake headers included) needs the
        // hot struct to stay a small fraction of it.
        assert!(size_of::<Session>() <= 128, "{}", size_of::<Session>());
    }
}
