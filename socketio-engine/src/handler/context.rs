//! The contexts a handler acts through: [`ConnectCtx`] while deciding on a connect request,
//! [`SocketCtx`] for a connected socket (emit, ack, rooms, broadcast, disconnect, data).

use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::sio::{Args, Payload, ToArgs};

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

    /// Sends `event` to this socket. `args` follows the argument rule of [`Args::new`]: a
    /// tuple is the argument list (`&("a", 1)`, `&()` for none), anything else one argument
    /// (`&5`, `&vec![1, 2]`), and prepared [`Args`] go as they are.
    ///
    /// # Errors
    /// [`UsageError::Serialize`], and see [`Engine::emit`].
    pub fn emit<A: ToArgs + ?Sized>(
        &mut self,
        event: &str,
        args: &A,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        let args = to_args(args)?;
        self.engine
            .emit(self.now, self.socket, event, &args, binary)
    }

    /// Sends `event` to this socket and waits for its ack (reported to `on_ack`).
    ///
    /// # Errors
    /// [`UsageError::Serialize`], and see [`Engine::emit_with_ack`].
    pub fn emit_with_ack<A: ToArgs + ?Sized>(
        &mut self,
        event: &str,
        args: &A,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckId, UsageError> {
        let args = to_args(args)?;
        self.engine
            .emit_with_ack(self.now, self.socket, event, &args, binary, timeout)
    }

    /// Acknowledges the event being handled (the token is consumed), with `args` as
    /// [`emit`](Self::emit) takes them: `ack(token, &5, ..)` answers `5`.
    ///
    /// # Errors
    /// [`UsageError::Serialize`], and see [`Engine::ack`].
    pub fn ack<A: ToArgs + ?Sized>(
        &mut self,
        token: AckToken,
        args: &A,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        let args = to_args(args)?;
        self.engine.ack(self.now, token, &args, binary)
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

    /// Broadcasts `event` to `target`, with `args` as [`emit`](Self::emit) takes them.
    ///
    /// # Errors
    /// [`UsageError::Serialize`], and see [`Engine::broadcast`].
    pub fn broadcast<A: ToArgs + ?Sized>(
        &mut self,
        target: &BroadcastTarget,
        event: &str,
        args: &A,
        binary: Vec<Bytes>,
    ) -> Result<usize, UsageError> {
        let args = to_args(args)?;
        self.engine
            .broadcast(self.now, target, event, &args, binary)
    }

    /// Disconnects this socket from its namespace.
    ///
    /// # Errors
    /// See [`Engine::disconnect`].
    pub fn disconnect(&mut self) -> Result<(), UsageError> {
        self.engine.disconnect(self.now, self.socket)
    }
}

/// The arguments, or the serializer's complaint as a usage error.
fn to_args<A: ToArgs + ?Sized>(args: &A) -> Result<Args, UsageError> {
    args.to_args()
        .map_err(|e| UsageError::Serialize(e.to_string()))
}
