//! [`RemoteSocket`]: another server's socket, as [`BroadcastOperator::cluster_sockets`]
//! lists it (node's `RemoteSocket`).

use bytes::Bytes;
use socketio_engine::BroadcastTarget;
use socketio_proto::Str;
use socketio_proto::sio::ToArgs;

use super::handle::{BroadcastOperator, ServerHandle};

/// A socket of another server of the cluster: what that server told about it (id,
/// handshake, rooms, data, as of the request), and the calls node's `RemoteSocket` has.
/// Each call goes through the cluster to the room named after the socket's id, as node's
/// does, so it reaches the socket wherever it is (and nothing when it left meanwhile).
#[derive(Debug, Clone)]
pub struct RemoteSocket {
    info: socketio_engine::cluster::RemoteSocket,
    op: BroadcastOperator,
}

impl RemoteSocket {
    pub(crate) fn new(
        handle: ServerHandle,
        nsp: Str,
        info: socketio_engine::cluster::RemoteSocket,
    ) -> Self {
        let target = BroadcastTarget::namespace(nsp).to(info.id.clone());
        Self {
            info,
            op: BroadcastOperator::new(handle, target),
        }
    }

    /// The socket id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// Its rooms when listed, its own id first.
    #[must_use]
    pub fn rooms(&self) -> &[Str] {
        &self.info.rooms
    }

    /// Everything the other server sent: `handshake` and `data` as JSON-like values.
    #[must_use]
    pub fn info(&self) -> &socketio_engine::cluster::RemoteSocket {
        &self.info
    }

    /// Emits `event` with `args` (the argument rule of [`Socket::emit`](super::Socket::emit))
    /// to this socket. Fire and forget: failures are logged.
    pub fn emit<A: ToArgs + ?Sized>(&self, event: &str, args: &A) {
        self.op.emit(event, args);
    }

    /// [`emit`](Self::emit) with binary attachments.
    pub fn emit_binary<A: ToArgs + ?Sized>(&self, event: &str, args: &A, binary: Vec<Bytes>) {
        self.op.emit_binary(event, args, binary);
    }

    /// Makes the socket join `room` (node's `remoteSocket.join`).
    pub fn join(&self, room: impl Into<Str>) {
        self.op.join(room);
    }

    /// Makes the socket leave `room`.
    pub fn leave(&self, room: impl Into<Str>) {
        self.op.leave(room);
    }

    /// Disconnects the socket (node's `remoteSocket.disconnect()`, without `close`: the
    /// client's connection to its server stays open for its other namespaces).
    pub fn disconnect(&self) {
        self.op.disconnect();
    }
}
