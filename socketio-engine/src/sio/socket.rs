//! [`Socket`]: the per-socket state, kept small because it exists once per connected client
//! and namespace. Room membership lives in the namespace's two-way index, pending acks in the
//! engine-wide ack table; only their counts and handles are here.

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
}
