//! [`Socket`]: the per-socket state, kept small because it exists once per connected client
//! and namespace. Room membership lives in the namespace's two-way index, pending acks in the
//! engine-wide ack table; only their counts and handles are here.

use socketio_proto::sio::Payload;

use crate::eio::Generation;

use super::ids::SocketName;
use super::namespace::NsId;
use super::session_key::SessionKey;

/// A connected namespace socket.
#[derive(Debug)]
pub(crate) struct Socket {
    /// Its namespace.
    pub(crate) ns: NsId,
    /// The Engine.IO session it rides on.
    pub(crate) session: SessionKey,
    /// Its public id (the CONNECT reply's `sid`, and its own room's name).
    pub(crate) name: SocketName,
    /// The session's protocol version, copied here so a broadcast picks the right encoding
    /// without a session lookup per recipient.
    pub(crate) version: Generation,
    /// Acks this socket owes the server (`emit_with_ack`), for `max_pending_acks`.
    pub(crate) pending_acks: u32,
    /// What its CONNECT brought, for another server's `fetchSockets` (boxed: most
    /// deployments never read it, and a socket without either costs 8 bytes).
    pub(crate) connect: Option<Box<ConnectInfo>>,
}

/// What a socket's CONNECT brought, as node keeps it in `socket.handshake`.
#[derive(Debug, Default)]
pub(crate) struct ConnectInfo {
    /// The auth object (a v4 client's namespace query as one, a 0.9 client's handshake
    /// query), node's `handshake.auth`.
    pub(crate) auth: Option<Payload>,
    /// When it was accepted by the wall clock, ms since the Unix epoch, as the driver gave
    /// it (`Engine::accept_connect_issued`): node's `handshake.issued`.
    pub(crate) issued_ms: Option<u64>,
}

impl ConnectInfo {
    /// Boxed, or `None` when there is nothing to keep.
    pub(crate) fn boxed(auth: Option<Payload>, issued_ms: Option<u64>) -> Option<Box<Self>> {
        (auth.is_some() || issued_ms.is_some()).then(|| Box::new(Self { auth, issued_ms }))
    }
}
