//! [`ServerHandle`] (the whole server, from any task) and [`BroadcastOperator`] (a selection
//! of sockets to emit to or act on).

use std::time::Duration;

use bytes::Bytes;
use futures_channel::oneshot;
use socketio_engine::{BroadcastTarget, SocketId};
use socketio_proto::Str;

use socketio_proto::sio::ToArgs;

use super::cluster::ServerSideReplies;
use super::command::{Command, Reply, to_args};
use super::error::Error;
use super::error::log_failure;
use super::object::AnyState;
use super::remote::RemoteSocket;
use super::socket::{BroadcastReplies, Socket};
use crate::msg::Ctl;

/// A cloneable handle on a running Socket.IO application.
#[derive(Clone)]
pub struct ServerHandle {
    ctl: async_channel::Sender<Ctl<Command>>,
    state: AnyState,
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("stopped", &self.ctl.is_closed())
            .finish()
    }
}

impl ServerHandle {
    pub(crate) fn new(ctl: async_channel::Sender<Ctl<Command>>, state: AnyState) -> Self {
        Self { ctl, state }
    }

    /// The application state set with [`App::with_state`](super::App::with_state), if it
    /// is a `T`.
    #[must_use]
    pub fn state<T: std::any::Any + Send + Sync>(&self) -> Option<&T> {
        self.state.downcast_ref::<T>()
    }

    pub(crate) fn send(&self, cmd: Command) -> Result<(), Error> {
        self.ctl
            .try_send(Ctl::Command(cmd))
            .map_err(|_| Error::Stopped)
    }

    /// Every socket of namespace `nsp`, to emit to or narrow down with `to`/`except`.
    #[must_use]
    pub fn of(&self, nsp: impl Into<Str>) -> BroadcastOperator {
        BroadcastOperator::new(self.clone(), BroadcastTarget::namespace(nsp))
    }

    /// Emits `event` with `args` (the argument rule of [`Socket::emit`]) to the other servers
    /// of the cluster in namespace `nsp` (node's `io.of(nsp).serverSideEmit`), for their
    /// [`on_server_side_emit`](super::App::on_server_side_emit) handlers, not their
    /// clients. Without a cluster it reaches nobody. Fire and forget: failures are logged.
    pub fn server_side_emit<A: ToArgs + ?Sized>(&self, nsp: &str, event: &str, args: &A) {
        log_failure(
            "server-side emit",
            self.send_server_side(nsp, event, args, None),
        );
    }

    /// As [`server_side_emit`](Self::server_side_emit), gathering one answer from each
    /// other server (node's `serverSideEmitWithAck`), for at most the cluster's requests
    /// timeout (node's 5 s; `ClusterConfig`): a server that does not answer in time is
    /// named in [`ServerSideReplies::timeout`], with the answers that came. Without a
    /// cluster: no answers, at once.
    ///
    /// # Errors
    /// [`Error::Usage`] for an unknown namespace, [`Error::Serialize`], [`Error::Stopped`].
    pub async fn server_side_emit_with_ack<A: ToArgs + ?Sized>(
        &self,
        nsp: &str,
        event: &str,
        args: &A,
    ) -> Result<ServerSideReplies, Error> {
        let (tx, rx) = oneshot::channel();
        self.send_server_side(nsp, event, args, Some(tx))?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    fn send_server_side<A: ToArgs + ?Sized>(
        &self,
        nsp: &str,
        event: &str,
        args: &A,
        reply: Option<Reply<ServerSideReplies>>,
    ) -> Result<(), Error> {
        self.send(Command::ServerSideEmit {
            nsp: nsp.into(),
            event: event.to_owned(),
            args: to_args(args)?,
            reply,
        })
    }

    /// The room names of namespace `nsp` on every server of the cluster, each once, socket
    /// ids included (node's `adapter.allRooms()`); without a cluster, this server's.
    ///
    /// # Errors
    /// [`Error::ClusterTimeout`] when not every other server answered within the requests
    /// timeout, [`Error::Usage`] for an unknown namespace, [`Error::Stopped`].
    pub async fn all_rooms(&self, nsp: &str) -> Result<Vec<Str>, Error> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::AllRooms {
            nsp: nsp.into(),
            reply: tx,
        })?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// How many servers share the cluster, this one included (node's `serverCount`, the
    /// subscriber count of the request channel, refreshed by the Redis link); 1 without a
    /// cluster.
    ///
    /// # Errors
    /// [`Error::Stopped`].
    pub async fn server_count(&self) -> Result<usize, Error> {
        let (tx, rx) = oneshot::channel();
        self.send(Command::ServerCount { reply: tx })?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// Graceful shutdown: every client gets a disconnect with reason "server shutting
    /// down", then this application's hub stops (and the listener closes once every hub on
    /// it stopped). Returns when the hub stopped.
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.ctl.try_send(Ctl::Shutdown { done: tx }).is_ok() {
            let _ = rx.await;
        }
    }
}

/// The sockets a broadcast reaches: a namespace, narrowed by rooms. Built by
/// [`ServerHandle::of`], [`Socket::to`] and [`Socket::broadcast`].
#[derive(Debug, Clone)]
pub struct BroadcastOperator {
    handle: ServerHandle,
    target: BroadcastTarget,
}

impl BroadcastOperator {
    pub(crate) fn new(handle: ServerHandle, target: BroadcastTarget) -> Self {
        Self { handle, target }
    }

    /// Restricts to members of `room` (several calls: the union of the rooms).
    #[must_use]
    pub fn to(mut self, room: impl Into<Str>) -> Self {
        self.target = self.target.to(room);
        self
    }

    /// Leaves out the members of `room`.
    #[must_use]
    pub fn except(mut self, room: impl Into<Str>) -> Self {
        self.target = self.target.except(room);
        self
    }

    /// Leaves out one socket.
    #[must_use]
    pub fn except_socket(mut self, socket: SocketId) -> Self {
        self.target = self.target.except_socket(socket);
        self
    }

    /// Drops the packet for clients that cannot take it right now instead of queueing it.
    #[must_use]
    pub fn volatile(mut self) -> Self {
        self.target = self.target.volatile();
        self
    }

    /// Emits `event` with `args` (the argument rule of [`Socket::emit`]) to every selected
    /// socket; the packet is encoded once. Fire and forget: failures are logged.
    pub fn emit<A: ToArgs + ?Sized>(&self, event: &str, args: &A) {
        log_failure(
            "broadcast",
            self.send_broadcast(event, args, Vec::new(), None),
        );
    }

    /// As [`emit`](Self::emit), returning what went wrong.
    ///
    /// # Errors
    /// [`Error::Serialize`], [`Error::Stopped`].
    pub fn try_emit<A: ToArgs + ?Sized>(&self, event: &str, args: &A) -> Result<(), Error> {
        self.send_broadcast(event, args, Vec::new(), None)
    }

    /// [`emit`](Self::emit) with binary attachments.
    pub fn emit_binary<A: ToArgs + ?Sized>(&self, event: &str, args: &A, binary: Vec<Bytes>) {
        log_failure("broadcast", self.send_broadcast(event, args, binary, None));
    }

    /// Emits and gathers every recipient's acknowledgement, for at most `timeout`. With a
    /// cluster (and not [`local`](Self::local)) the other servers' clients are asked too
    /// and their acks are in [`BroadcastReplies::remote`] (node's broadcast with acks
    /// gathers all of them).
    ///
    /// # Errors
    /// [`Error::Usage`] (e.g. too many broadcast acks pending), [`Error::Serialize`],
    /// [`Error::Stopped`].
    pub async fn emit_with_ack<A: ToArgs + ?Sized>(
        &self,
        event: &str,
        args: &A,
        timeout: Duration,
    ) -> Result<BroadcastReplies, Error> {
        let (tx, rx) = oneshot::channel();
        self.send_broadcast(event, args, Vec::new(), Some((timeout, tx)))?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// This server's sockets only, not those of the other servers of a cluster (node's
    /// `local`).
    #[must_use]
    pub fn local(mut self) -> Self {
        self.target = self.target.local();
        self
    }

    /// The other servers' sockets this operator selects (with [`App::redis`](crate::App):
    /// node's `fetchSockets` across the cluster, without this server's own, which are
    /// [`sockets`](Self::sockets)), each one to emit to, join, leave or disconnect.
    /// Without a cluster there is no other server: an empty list.
    ///
    /// # Errors
    /// [`Error::ClusterTimeout`] when not every other server answered within the requests
    /// timeout (node's 5 s), [`Error::Usage`] for an unknown namespace, [`Error::Stopped`].
    pub async fn cluster_sockets(&self) -> Result<Vec<RemoteSocket>, Error> {
        let (tx, rx) = oneshot::channel();
        self.handle.send(Command::ClusterSockets {
            target: self.target.clone(),
            reply: tx,
        })?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// The selected sockets (Node's `fetchSockets`).
    ///
    /// # Errors
    /// [`Error::Usage`] for an unknown namespace, [`Error::Stopped`].
    pub async fn sockets(&self) -> Result<Vec<Socket>, Error> {
        let (tx, rx) = oneshot::channel();
        self.handle.send(Command::Sockets {
            target: self.target.clone(),
            reply: tx,
        })?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// Makes the selected sockets join `room`.
    pub fn join(&self, room: impl Into<Str>) {
        log_failure(
            "join",
            self.handle.send(Command::SocketsJoin {
                target: self.target.clone(),
                room: room.into(),
            }),
        );
    }

    /// Makes the selected sockets leave `room`.
    pub fn leave(&self, room: impl Into<Str>) {
        log_failure(
            "leave",
            self.handle.send(Command::SocketsLeave {
                target: self.target.clone(),
                room: room.into(),
            }),
        );
    }

    /// Disconnects the selected sockets.
    pub fn disconnect(&self) {
        log_failure(
            "disconnect",
            self.handle.send(Command::DisconnectSockets {
                target: self.target.clone(),
            }),
        );
    }

    /// Sends this operator's broadcast to the hub, with or without gathering acks.
    fn send_broadcast<A: ToArgs + ?Sized>(
        &self,
        event: &str,
        args: &A,
        binary: Vec<Bytes>,
        ack: Option<(Duration, Reply<BroadcastReplies>)>,
    ) -> Result<(), Error> {
        self.handle.send(Command::Broadcast {
            target: self.target.clone(),
            event: event.to_owned(),
            args: to_args(args)?,
            binary,
            ack,
        })
    }
}
