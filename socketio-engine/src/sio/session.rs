//! [`Session`]: the Socket.IO side of one Engine.IO session.
//!
//! Theory of operation: a session opens with no socket and a connect deadline. Each CONNECT
//! becomes a pending request (namespace + serial) until the application answers; an accepted
//! one becomes a socket and cancels the deadline. The reassembler joins binary packets across
//! messages (boxed, and only while a binary packet is in progress). The session ends when Engine.IO reports its close, or when this layer closes it
//! (parse error, protocol violation, connect timeout, shutdown); then every socket leaves with
//! the reason.

use socketio_proto::sio::Reassembler;

use crate::eio::Generation;

use super::ids::SocketId;
use super::namespace::NsId;

/// Socket.IO state of one Engine.IO session.
#[derive(Debug)]
pub(crate) struct Session {
    /// The protocol generation of the session.
    pub(crate) version: Generation,
    /// Joins a binary packet with its attachments; allocated only while one is in progress,
    /// so an idle session does not carry a reassembler (about 200 bytes) inline.
    pub(crate) reassembler: Option<Box<Reassembler>>,
    /// Connected namespaces.
    pub(crate) sockets: Vec<(NsId, SocketId)>,
    /// CONNECT requests awaiting the application, by namespace and serial.
    pub(crate) pending: Vec<(NsId, u32)>,
}

impl Session {
    /// The socket connected to `ns` in this session.
    pub(crate) fn socket_in(&self, ns: NsId) -> Option<SocketId> {
        self.sockets.iter().find(|(n, _)| *n == ns).map(|(_, s)| *s)
    }

    /// Whether a CONNECT for `ns` awaits the application.
    pub(crate) fn is_pending(&self, ns: NsId) -> bool {
        self.pending.iter().any(|(n, _)| *n == ns)
    }
}
