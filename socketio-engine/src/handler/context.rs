//! The contexts a handler acts through: [`ConnectCtx`] while deciding on a connect request,
//! [`SocketCtx`] for a connected socket (emit, ack, rooms, broadcast, disconnect, data).

use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::sio::Payload;

use super::extensions::Extensions;
use crate::eio::HandshakeInfo;
use crate::engine::Engine;
use crate::event::{AckToken, PendingConnect};
use crate::sio::{AckId, BroadcastTarget, SocketId, SocketName, UsageError};

/// What a handler sees of a connect request.
#[derive(Debug)]
pub struct ConnectCtx<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) pending: &'a PendingConnect,
}

impl ConnectCtx<'_> {
    /// The namespace asked for.
    #[must_use]
    pub fn nsp(&self) -> &Str {
        self.pending.nsp()
    }

    /// The client's auth payload, if any.
    #[must_use]
    pub fn auth(&self) -> Option<&Payload> {
        self.pending.auth()
    }

    /// The Engine.IO handshake (query, headers, peer address).
    #[must_use]
    pub fn handshake(&self) -> Option<&HandshakeInfo> {
        self.engine.handshake(self.pending.session())
    }
}

/// A handler's view of one connected socket, and of the engine through it.
#[derive(Debug)]
pub struct SocketCtx<'a> {
    pub(crate) engine: &'a mut Engine,
    pub(crate) now: Instant,
    pub(crate) socket: SocketId,
    pub(crate) ext: &'a mut Option<Extensions>,
}

impl SocketCtx<'_> {
    /// The socket.
    #[must_use]
    pub fn socket(&self) -> SocketId {
        self.socket
    }

    /// The socket's public id.
    #[must_use]
    pub fn name(&self) -> Option<SocketName> {
        self.engine.socket_name(self.socket)
    }

    /// The socket's namespace.
    #[must_use]
    pub fn nsp(&self) -> Str {
        self.engine.socket_nsp(self.socket).unwrap_or_default()
    }

    /// The time of the event being handled.
    #[must_use]
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The engine, for anything the context does not wrap.
    pub fn engine(&mut self) -> &mut Engine {
        self.engine
    }

    /// Typed data attached to this socket (allocated on first use).
    pub fn data(&mut self) -> &mut Extensions {
        self.ext.get_or_insert_with(Extensions::default)
    }

    /// Sends `event` to this socket.
    ///
    /// # Errors
    /// See [`Engine::emit`].
    pub fn emit(
        &mut self,
        event: &str,
        args: &Payload,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        self.engine.emit(self.now, self.socket, event, args, binary)
    }

    /// Sends `event` to this socket and waits for its ack (reported to `on_ack`).
    ///
    /// # Errors
    /// See [`Engine::emit_with_ack`].
    pub fn emit_with_ack(
        &mut self,
        event: &str,
        args: &Payload,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckId, UsageError> {
        self.engine
            .emit_with_ack(self.now, self.socket, event, args, binary, timeout)
    }

    /// Acknowledges the event being handled (the token is consumed).
    ///
    /// # Errors
    /// See [`Engine::ack`].
    pub fn ack(
        &mut self,
        token: AckToken,
        args: &Payload,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        self.engine.ack(self.now, token, args, binary)
    }

    /// Joins `room`.
    ///
    /// # Errors
    /// See [`Engine::join`].
    pub fn join(&mut self, room: impl Into<Str>) -> Result<bool, UsageError> {
        self.engine.join(self.socket, room)
    }

    /// Leaves `room`.
    ///
    /// # Errors
    /// See [`Engine::leave`].
    pub fn leave(&mut self, room: &str) -> Result<bool, UsageError> {
        self.engine.leave(self.socket, room)
    }

    /// A broadcast target for this socket's namespace, excluding this socket (Node's
    /// `socket.broadcast`); refine with `.to(room)`, `.except(room)`, `.volatile()`.
    #[must_use]
    pub fn broadcast_target(&self) -> BroadcastTarget {
        BroadcastTarget::namespace(self.nsp()).except_socket(self.socket)
    }

    /// Broadcasts `event` to `target`.
    ///
    /// # Errors
    /// See [`Engine::broadcast`].
    pub fn broadcast(
        &mut self,
        target: &BroadcastTarget,
        event: &str,
        args: &Payload,
        binary: Vec<Bytes>,
    ) -> Result<usize, UsageError> {
        self.engine.broadcast(self.now, target, event, args, binary)
    }

    /// Disconnects this socket from its namespace.
    ///
    /// # Errors
    /// See [`Engine::disconnect`].
    pub fn disconnect(&mut self) -> Result<(), UsageError> {
        self.engine.disconnect(self.now, self.socket)
    }
}
