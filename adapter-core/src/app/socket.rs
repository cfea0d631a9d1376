//! [`Socket`]: a cloneable handle on one connected namespace socket, and the values handlers
//! receive ([`ConnectRequest`], [`EventData`], [`AckSender`], [`AckReply`]).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures_channel::oneshot;
use serde::de::DeserializeOwned;
use socketio_engine::eio::HandshakeInfo;
use socketio_engine::handler::Extensions;
use socketio_engine::{AckResponse, AckToken, BroadcastTarget, EventArgs, SocketId, SocketName};
use socketio_proto::Str;
use socketio_proto::sio::{Args, Payload, ToArgs};

use super::command::{Command, Reply, to_args};
use super::error::Error;
use super::error::log_failure;
use super::handle::{BroadcastOperator, ServerHandle};

/// A client's request to join a namespace, given to the `on_connect` handler.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    /// The namespace asked for.
    pub nsp: Str,
    /// The auth object the client sent (`io(url, { auth })`), if any.
    pub auth: Option<Payload>,
    /// The Engine.IO handshake: query, headers, peer address.
    pub handshake: Arc<HandshakeInfo>,
    /// Whether the client is recovering a session (connection state recovery; node's
    /// `socket.recovered`, known before the decision). Closures are asked only when
    /// `skip_middlewares` is off; a namespace object's `connect` always runs, as it builds
    /// the socket's object (see [`SocketNamespace`](super::SocketNamespace)).
    pub recovered: bool,
}

impl ConnectRequest {
    /// Field `key` of the client's auth object as a `T`; `None` when there is no auth,
    /// no such field, or it is not a `T`.
    #[must_use]
    pub fn auth_field<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let auth = self.auth.as_ref()?.to_value().ok()?;
        T::deserialize(auth.get(key)?).ok()
    }
}

/// One connected socket. Cheap to clone; usable from any task. Once the socket has
/// disconnected, commands on it fail with `UsageError::UnknownSocket` (or are ignored, for
/// the fire-and-forget ones).
#[derive(Clone)]
pub struct Socket {
    inner: Arc<SocketInner>,
}

struct SocketInner {
    id: SocketId,
    name: SocketName,
    nsp: Str,
    handshake: Arc<HandshakeInfo>,
    /// Shared, so connection state recovery can keep it for the socket's next life (node
    /// keeps the same `socket.data` object).
    data: SocketData,
    recovered: bool,
    handle: ServerHandle,
}

/// A socket's data, as connection state recovery keeps it.
pub(crate) type SocketData = Arc<Mutex<Extensions>>;

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket")
            .field("id", &self.id())
            .field("nsp", &self.inner.nsp)
            .finish_non_exhaustive()
    }
}

impl Socket {
    /// A handle; `recovered` carries the data of the socket's previous life when it is a
    /// recovered one.
    pub(crate) fn new(
        id: SocketId,
        name: SocketName,
        nsp: Str,
        handshake: Arc<HandshakeInfo>,
        handle: ServerHandle,
        recovered: Option<SocketData>,
    ) -> Self {
        Self {
            inner: Arc::new(SocketInner {
                id,
                name,
                nsp,
                handshake,
                recovered: recovered.is_some(),
                data: recovered.unwrap_or_default(),
                handle,
            }),
        }
    }

    /// The engine's name of the socket (its public id).
    pub(crate) fn name(&self) -> &SocketName {
        &self.inner.name
    }

    /// Whether connection state recovery restored this socket after a short disconnection
    /// (node's `socket.recovered`): it has its old [`id`](Self::id), rooms and data, and
    /// the client was sent the events it missed. False for a fresh socket.
    #[must_use]
    pub fn recovered(&self) -> bool {
        self.inner.recovered
    }

    /// The data, shared, for connection state recovery to keep.
    pub(crate) fn shared_data(&self) -> SocketData {
        self.inner.data.clone()
    }

    /// The public id (the client's `socket.id`, and the name of the socket's own room).
    #[must_use]
    pub fn id(&self) -> &str {
        self.inner.name.as_str()
    }

    /// The engine's handle of this socket.
    #[must_use]
    pub fn socket_id(&self) -> SocketId {
        self.inner.id
    }

    /// The namespace.
    #[must_use]
    pub fn nsp(&self) -> &Str {
        &self.inner.nsp
    }

    /// The Engine.IO handshake (query, headers, peer) of the client's connection.
    #[must_use]
    pub fn handshake(&self) -> &HandshakeInfo {
        &self.inner.handshake
    }

    /// The server this socket belongs to.
    #[must_use]
    pub fn server(&self) -> &ServerHandle {
        &self.inner.handle
    }

    /// Sends `event` with `args`, by the argument rule: a tuple is the argument list
    /// (`&("a", 1)` two arguments, `&()` none), anything else one argument (`&stats`, `&5`,
    /// `&vec![1, 2]` one array, as node sends it); prepared [`Args`] and a received event's
    /// arguments go as they are.
    ///
    /// Fire and forget, like node's `socket.emit`: a failure (the socket or the server is
    /// gone, a reserved event name, arguments serde cannot serialize) is logged, since the
    /// caller could not act on it; [`try_emit`](Self::try_emit) returns it instead.
    pub fn emit<A: ToArgs + ?Sized>(&self, event: &str, args: &A) {
        log_failure("emit", self.try_emit(event, args));
    }

    /// As [`emit`](Self::emit), returning what went wrong.
    ///
    /// # Errors
    /// [`Error::Serialize`], [`Error::Stopped`] (the engine's own refusals, such as a
    /// reserved event name, are logged by the hub).
    pub fn try_emit<A: ToArgs + ?Sized>(&self, event: &str, args: &A) -> Result<(), Error> {
        self.send_emit(event, args, Vec::new(), None)
    }

    /// As [`emit`](Self::emit) with binary attachments, referenced from `args` by
    /// [`Placeholder`](socketio_proto::sio::Placeholder)s numbered in order.
    pub fn emit_binary<A: ToArgs + ?Sized>(&self, event: &str, args: &A, binary: Vec<Bytes>) {
        log_failure("emit", self.send_emit(event, args, binary, None));
    }

    /// Sends `event` and waits for the client's acknowledgement, at most `timeout`.
    ///
    /// # Errors
    /// [`Error::AckTimeout`] (also when the socket disconnects first), [`Error::Usage`],
    /// [`Error::Serialize`], [`Error::Stopped`].
    pub async fn emit_with_ack<A: ToArgs + ?Sized>(
        &self,
        event: &str,
        args: &A,
        timeout: Duration,
    ) -> Result<AckReply, Error> {
        self.emit_binary_with_ack(event, args, Vec::new(), timeout)
            .await
    }

    /// [`emit_with_ack`](Self::emit_with_ack) with binary attachments.
    ///
    /// # Errors
    /// As [`emit_with_ack`](Self::emit_with_ack).
    pub async fn emit_binary_with_ack<A: ToArgs + ?Sized>(
        &self,
        event: &str,
        args: &A,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckReply, Error> {
        let (tx, rx) = oneshot::channel();
        self.send_emit(event, args, binary, Some((timeout, tx)))?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// Sends an emit to this socket through the hub, with or without awaiting its ack.
    fn send_emit<A: ToArgs + ?Sized>(
        &self,
        event: &str,
        args: &A,
        binary: Vec<Bytes>,
        ack: Option<(Duration, Reply<AckReply>)>,
    ) -> Result<(), Error> {
        self.inner.handle.send(Command::Emit {
            socket: self.inner.id,
            event: event.to_owned(),
            args: to_args(args)?,
            binary,
            ack,
        })
    }

    /// Joins `room` (nothing happens if it is a member already, or gone).
    pub fn join(&self, room: impl Into<Str>) {
        log_failure(
            "join",
            self.inner.handle.send(Command::Join {
                socket: self.inner.id,
                room: room.into(),
            }),
        );
    }

    /// Leaves `room` (nothing happens if it is not a member, or gone).
    pub fn leave(&self, room: impl Into<Str>) {
        log_failure(
            "leave",
            self.inner.handle.send(Command::Leave {
                socket: self.inner.id,
                room: room.into(),
            }),
        );
    }

    /// The socket's rooms: its own id first, then the rooms it joined (commands sent before
    /// this one, e.g. `join`, are applied first).
    ///
    /// # Errors
    /// [`Error::Usage`] once disconnected, [`Error::Stopped`].
    pub async fn rooms(&self) -> Result<Vec<Str>, Error> {
        let (tx, rx) = oneshot::channel();
        self.inner.handle.send(Command::Rooms {
            socket: self.inner.id,
            reply: tx,
        })?;
        rx.await.unwrap_or(Err(Error::Stopped))
    }

    /// Disconnects the socket from its namespace (the client sees "io server disconnect");
    /// nothing happens if it is gone already.
    pub fn disconnect(&self) {
        log_failure(
            "disconnect",
            self.inner.handle.send(Command::Disconnect {
                socket: self.inner.id,
            }),
        );
    }

    /// Closes the client's connection without a Socket.IO disconnect, as node's
    /// `socket.conn.close()`: every socket of the connection leaves with "forced close", and
    /// the client reconnects (recovering its sockets when connection state recovery is on).
    /// Nothing happens if it is gone already.
    pub fn close_connection(&self) {
        log_failure(
            "close connection",
            self.inner.handle.send(Command::CloseTransport {
                socket: self.inner.id,
            }),
        );
    }

    /// The application state set with [`App::with_state`](super::App::with_state), if it
    /// is a `T`. Namespace objects get it typed, as [`Ctx::state`](super::Ctx::state).
    #[must_use]
    pub fn state<T: std::any::Any + Send + Sync>(&self) -> Option<&T> {
        self.inner.handle.state()
    }

    /// A broadcast to `room` in this namespace, leaving this socket out (Node's
    /// `socket.to(room)`).
    #[must_use]
    pub fn to(&self, room: impl Into<Str>) -> BroadcastOperator {
        self.broadcast().to(room)
    }

    /// A broadcast to the whole namespace but this socket (Node's `socket.broadcast`).
    #[must_use]
    pub fn broadcast(&self) -> BroadcastOperator {
        BroadcastOperator::new(
            self.inner.handle.clone(),
            BroadcastTarget::namespace(self.inner.nsp.clone()).except_socket(self.inner.id),
        )
    }

    /// Stores typed per-socket data, returning the previous value of that type.
    pub fn insert_data<T: std::any::Any + Send>(&self, value: T) -> Option<T> {
        self.with_data(|d| d.insert(value))
    }

    /// A clone of the stored value of type `T`.
    #[must_use]
    pub fn data<T: std::any::Any + Send + Clone>(&self) -> Option<T> {
        self.with_data(|d| d.get::<T>().cloned())
    }

    /// Runs `f` with the socket's data (do not hold it across an await).
    pub fn with_data<R>(&self, f: impl FnOnce(&mut Extensions) -> R) -> R {
        let mut guard = self
            .inner
            .data
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }
}

/// What an event handler receives besides the socket.
#[derive(Debug)]
pub struct EventData {
    /// The event's arguments (without its name).
    pub args: EventArgs,
    /// Binary attachments, referenced from `args` by placeholders.
    pub binary: Vec<Bytes>,
    /// Present when the client waits for an acknowledgement.
    pub ack: Option<AckSender>,
}

impl EventData {
    /// The arguments as `T`, by the argument rule: a tuple reads the argument list, any
    /// other type the first argument (see [`EventArgs::deserialize`]).
    ///
    /// # Errors
    /// When the arguments do not fit `T`.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        self.args.deserialize()
    }

    /// The first argument as `T`.
    ///
    /// # Errors
    /// When there is no first argument or it does not fit `T`.
    pub fn arg<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        self.args.deserialize::<(T,)>().map(|(t,)| t)
    }
}

/// The right to acknowledge one client event, at most once (sending consumes it; dropping
/// it sends nothing, as a Node listener ignoring its callback).
#[derive(Debug)]
pub struct AckSender {
    token: AckToken,
    handle: ServerHandle,
}

impl AckSender {
    pub(crate) fn new(token: AckToken, handle: ServerHandle) -> Self {
        Self { token, handle }
    }

    /// Acknowledges with `args`, by the argument rule of [`Socket::emit`]: `send(&5)`
    /// answers `5`, `send(&"ok")` answers `"ok"`, `send(&(a, b))` two arguments, `send(&())`
    /// none. Failures are logged (the client may have left meanwhile).
    pub fn send<A: ToArgs + ?Sized>(self, args: &A) {
        self.send_binary(args, Vec::new());
    }

    /// Acknowledges with `args` and binary attachments.
    pub fn send_binary<A: ToArgs + ?Sized>(self, args: &A, binary: Vec<Bytes>) {
        let r = to_args(args).and_then(|args| {
            self.handle.send(Command::Ack {
                token: self.token,
                args,
                binary,
            })
        });
        log_failure("ack", r);
    }
}

/// A client's acknowledgement of an `emit_with_ack`.
#[derive(Debug, Clone, PartialEq)]
pub struct AckReply {
    /// The acknowledgement's arguments.
    pub args: Args,
    /// Its binary attachments.
    pub binary: Vec<Bytes>,
}

impl AckReply {
    /// The arguments as `T`, by the argument rule: a tuple reads the argument list, any
    /// other type the first argument.
    ///
    /// # Errors
    /// When they do not fit `T`.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        self.args.parse()
    }

    /// The first argument as JSON (`null` when there is none).
    #[must_use]
    pub fn first(&self) -> serde_json::Value {
        self.args.parse().unwrap_or(serde_json::Value::Null)
    }
}

/// The outcome of a broadcast with acks.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastReplies {
    /// The answers, in arrival order.
    pub replies: Vec<AckResponse>,
    /// The recipients that did not answer in time.
    pub timed_out: Vec<SocketId>,
    /// With a cluster: the other servers' clients' acks (each ack's first argument, as
    /// node's servers send them; binaries as node's `Buffer` JSON), in arrival order.
    pub remote: Vec<serde_json::Value>,
    /// Set when not every other server's clients answered within the broadcast's timeout
    /// (`answered` counts the servers that sent their client count).
    pub remote_timeout: Option<socketio_engine::cluster::RequestTimeout>,
}
