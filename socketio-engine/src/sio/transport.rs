//! The Socket.IO layer's view of Engine.IO: send an encoded packet to a session, ask whether a
//! session is writable (volatile sends), close a session.
//!
//! A trait rather than a direct call so the layer's logic is tested with a recording fake, and
//! so the facade decides how an [`Encoded`] packet becomes Engine.IO frames. Encoding (in
//! `parser`) happens once per packet and protocol version: a broadcast clones the resulting frames (a
//! reference count each) to every recipient.

use std::time::Instant;

use socketio_proto::eio::{self, Frame};
use socketio_proto::sio::ProtocolVersion;

use super::session_key::SessionKey;

/// One Socket.IO packet as Engine.IO frames: the packet's message (default parser: a text
/// frame, Engine.IO's `4` then the Socket.IO header and JSON; msgpack: one binary frame) and,
/// default parser only, one binary message per attachment, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    /// The packet's message (the header, for the default parser), exactly as sent.
    pub(crate) head: Frame,
    /// The attachments, exactly as sent.
    pub(crate) binary: Vec<Frame>,
}

impl Encoded {
    /// Every frame, header first (the send path spells this out to stay off iterators).
    #[cfg(test)]
    pub(crate) fn frames(&self) -> impl Iterator<Item = &Frame> + '_ {
        std::iter::once(&self.head).chain(self.binary.iter())
    }
}

/// The Engine.IO revision that carries Socket.IO version `v`.
pub(crate) fn eio_version(v: ProtocolVersion) -> eio::ProtocolVersion {
    match v {
        ProtocolVersion::V5 => eio::ProtocolVersion::V4,
        ProtocolVersion::V4 => eio::ProtocolVersion::V3,
    }
}

/// What the Socket.IO layer needs from the Engine.IO server.
pub(crate) trait Transport {
    /// Queues `packet` to `session`; false if the session is gone or refused it (a refusal
    /// such as a full outbox closes the session, which reports its close separately).
    fn send(&mut self, now: Instant, session: SessionKey, packet: &Encoded) -> bool;
    /// Whether `session` can take a packet right now without queueing (volatile sends).
    fn is_writable(&self, session: SessionKey) -> bool;
    /// Closes `session` from the server side.
    fn close(&mut self, now: Instant, session: SessionKey);
    /// The query string of `session`'s handshake request (0.9 clients carry their
    /// credentials there), if known.
    fn handshake_query(&self, session: SessionKey) -> Option<&str>;
}
