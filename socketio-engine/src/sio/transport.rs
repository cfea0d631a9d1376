//! The Socket.IO layer's view of Engine.IO: send an encoded packet to a session, ask whether a
//! session is writable (volatile sends), close a session.
//!
//! A trait rather than a direct call so the layer's logic is tested with a recording fake, and
//! so the facade decides how an [`Encoded`] packet becomes Engine.IO frames. Encoding happens
//! here, once per packet and protocol version: a broadcast clones the resulting frames (a
//! reference count each) to every recipient.

use std::time::Instant;

use socketio_proto::eio::{self, Frame};
use socketio_proto::sio::{Packet, ProtocolVersion};

use super::session_key::SessionKey;
use crate::eio::Generation;

/// One Socket.IO packet as Engine.IO frames: the text message (Engine.IO's `4`, then the
/// Socket.IO header and JSON) and one binary message per attachment, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    /// The header, exactly as sent.
    pub(crate) text: Frame,
    /// The attachments, exactly as sent.
    pub(crate) binary: Vec<Frame>,
}

impl Encoded {
    /// Every frame, header first (the send path spells this out to stay off iterators).
    #[cfg(test)]
    pub(crate) fn frames(&self) -> impl Iterator<Item = &Frame> + '_ {
        std::iter::once(&self.text).chain(self.binary.iter())
    }
}

/// The Engine.IO revision that carries Socket.IO version `v`.
pub(crate) fn eio_version(v: ProtocolVersion) -> eio::ProtocolVersion {
    match v {
        ProtocolVersion::V5 => eio::ProtocolVersion::V4,
        ProtocolVersion::V4 => eio::ProtocolVersion::V3,
    }
}

/// Encodes `packet` for a session of generation `g`: the header is written once, straight
/// into an exactly sized Engine.IO frame buffer; 0.9 has its own packets.
pub(crate) fn encode(packet: &Packet, g: Generation) -> Encoded {
    match g.socket_io() {
        Some(v) => encode_sio(packet, v),
        None => super::v09::encode(packet),
    }
}

fn encode_sio(packet: &Packet, v: ProtocolVersion) -> Encoded {
    let text = packet.encode_message_frame(v);
    let binary = packet
        .attachments()
        .iter()
        .map(|a| eio::binary_message_frame(eio_version(v), a.clone()))
        .collect();
    Encoded { text, binary }
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
