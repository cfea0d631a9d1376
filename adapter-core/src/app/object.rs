//! Namespace objects: see [`SocketNamespace`].

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use socketio_engine::DisconnectReason;
use socketio_proto::Str;
use socketio_proto::sio::ToArgs;

use super::socket::{ConnectRequest, EventData, Socket};

/// A boxed future borrowing for `'a`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Namespace objects: gevent-socketio's model (a class per namespace, one instance per
/// socket, an `on_<event>` method per event) in async Rust.
///
/// A type implementing [`SocketNamespace`] serves one namespace. Each connecting client gets
/// its own value, built by [`SocketNamespace::connect`] (where authentication lives: return
/// a [`Refusal`] to refuse). The value then belongs to that socket alone: its event methods
/// take `&mut self` and run **one at a time, in the order the client sent the events**, so
/// per-socket state is plain fields, with no lock. [`SocketNamespace::disconnect`] consumes
/// it when the socket leaves.
///
/// Event names map to methods in a table built once per namespace
/// ([`SocketNamespace::events`]): `events.on("nick", Self::nick)`. A method is an `async fn`
/// taking `&mut self`, a [`Ctx`] (the socket and the application's state) and its
/// arguments, read with serde by the argument rule (a tuple is the argument list, any other
/// type the first argument). What it returns is the acknowledgement, sent when the client
/// asked for one (`()` answers with no arguments). Arguments that do not fit the method are
/// reported to [`SocketNamespace::bad_event`] (by default a `tracing` warning naming the
/// event and the serde error), and the method is not called.
///
/// # The methods, and the client calls they answer
/// | client (socket.io-client) | server (this trait) |
/// |---|---|
/// | `io(url + "/nsp", { auth })` | [`connect`](Self::connect)`(req, state)`: `req.auth`, `req.handshake`; `Err(Refusal)` → the client's `connect_error` |
/// | (connected) | [`connected`](Self::connected)`(&mut self, cx)`: node's `connection` listener |
/// | `socket.emit("name", a)` | `events.on("name", Self::name)` with `async fn name(&mut self, cx: Ctx<S>, a: A)` |
/// | `socket.emit("name", a, b)` | the same with `(a, b): (A, B)`: a tuple reads the argument list |
/// | `socket.emit("name", a, (reply) => ..)` | the method's return value is `reply`'s argument (a tuple for several) |
/// | `socket.emit("file", buffer)` | take [`EventData`] as the argument: attachments and the ack by hand |
/// | `socket.emit("unheard")` | [`unknown_event`](Self::unknown_event) |
/// | `socket.emit("name", "wrong type")` | [`bad_event`](Self::bad_event), the method is not called |
/// | `socket.disconnect()`, a lost connection | [`disconnecting`](Self::disconnecting), then [`disconnect`](Self::disconnect)`(self, ..)` |
///
/// # Ordering when a method awaits
/// The next event of the same socket waits until the running method returns, also while it
/// awaits: a method that awaits an acknowledgement from its own client
/// ([`Socket::emit_with_ack`]) holds that socket's later events until the ack or its
/// timeout (the ack itself does not queue behind them, so this cannot deadlock). Other
/// sockets are never held up. To keep serving while waiting for something slow, clone the
/// [`Ctx`] and spawn the wait, and return.
///
/// # Where data lives
/// - One namespace of one socket: the fields of the namespace object.
/// - The whole client, across its namespaces: [`Socket::insert_data`] is per namespace
///   socket; data shared by one client's namespaces belongs in the application state, keyed
///   by the Engine.IO session ([`Socket::handshake`] carries the `sid`), or in a web
///   framework's own session: the handshake carries the request's cookies and headers, so a
///   `connect` can look the framework's session up and keep what it needs in the object.
/// - Everyone: the application state ([`App::with_state`](super::App::with_state)), reached
///   from every method as [`Ctx::state`].
///
/// # Recovered sockets (connection state recovery)
/// With [`RecoveryConfig`](socketio_engine::RecoveryConfig) on, a client back from a short
/// disconnection keeps its socket id, rooms and [`Socket::insert_data`] data, and is sent
/// the events it missed, but **not its namespace object**: the object of its previous life
/// was consumed by [`disconnect`](Self::disconnect), and objects are not required to be
/// storable. So [`connect`](Self::connect) builds a fresh one, with
/// [`ConnectRequest::recovered`] true (also under `skip_middlewares`, where closures'
/// `on_connect` is not asked: the object has to come from somewhere), then
/// [`connected`](Self::connected) runs, where [`Socket::recovered`] is true. Keep what must
/// survive a reconnect in the socket's data, not in fields. The new life starts only once the
/// previous life's [`disconnect`](Self::disconnect) has returned, so what `disconnect` put
/// away is there for `connect`/`connected` to take back (with `skip_middlewares` off, the
/// `connect` decision itself may run alongside it; `connected` still waits). A refusal from `connect` for a
/// recovered socket under `skip_middlewares` disconnects it (server namespace disconnect),
/// since the client was already told it is connected.
///
/// # Example
/// ```
/// use adapter_core::app::{App, Ctx, Events, Refusal, ConnectRequest, SocketNamespace};
/// use std::sync::Arc;
///
/// #[derive(Default)]
/// struct Counter { hits: u64 }
///
/// impl SocketNamespace for Counter {
///     type State = ();
///     async fn connect(_req: ConnectRequest, _state: Arc<()>) -> Result<Self, Refusal> {
///         Ok(Self::default())
///     }
///     fn events(events: &mut Events<Self>) {
///         events.on("hit", Self::hit);
///     }
/// }
///
/// impl Counter {
///     /// `socket.emit("hit", 2, (total) => ...)` adds 2 and answers the new total.
///     async fn hit(&mut self, _cx: Ctx<()>, by: u64) -> u64 {
///         self.hits += by;
///         self.hits
///     }
/// }
///
/// let app = App::new().socket_namespace::<Counter>("/counter");
/// # let _ = app;
/// ```
pub trait SocketNamespace: Sized + Send + 'static {
    /// The application state every socket of this namespace reaches through [`Ctx::state`]
    /// (`()` for none); [`App::with_state`](super::App::with_state) sets it.
    type State: Send + Sync + 'static;

    /// Builds this socket's value from the client's request (auth, handshake), or refuses
    /// it: the client gets a `connect_error` with the refusal's message and data.
    fn connect(
        req: ConnectRequest,
        state: Arc<Self::State>,
    ) -> impl Future<Output = Result<Self, Refusal>> + Send;

    /// Registers the event methods; called once per namespace, when the app is built.
    fn events(events: &mut Events<Self>);

    /// Runs once the socket is connected, before any of its events (node's `connection`
    /// listener). Default: nothing.
    fn connected(&mut self, cx: Ctx<Self::State>) -> impl Future<Output = ()> + Send {
        let _ = cx;
        async {}
    }

    /// An event with no method in [`events`](Self::events). Default: logged at debug level
    /// and dropped, as node drops an event nobody listens to.
    fn unknown_event(
        &mut self,
        cx: Ctx<Self::State>,
        event: Str,
        data: EventData,
    ) -> impl Future<Output = ()> + Send {
        tracing::debug!(socket = cx.id(), %event, args = %data.args.as_event_payload(), "no method for event");
        async {}
    }

    /// An event whose arguments do not fit its method (the method is not called). Default:
    /// a warning naming the socket, the event and serde's reason.
    fn bad_event(
        &mut self,
        cx: Ctx<Self::State>,
        error: BadEvent,
    ) -> impl Future<Output = ()> + Send {
        tracing::warn!(socket = cx.id(), event = %error.event, "{error}");
        async {}
    }

    /// Runs when the socket leaves, before [`disconnect`](Self::disconnect), with the rooms
    /// it was in (node's `disconnecting`: `socket.rooms` still readable there). The socket
    /// is already out of them. Default: nothing.
    fn disconnecting(
        &mut self,
        cx: Ctx<Self::State>,
        reason: DisconnectReason,
        rooms: Vec<Str>,
    ) -> impl Future<Output = ()> + Send {
        let _ = (cx, reason, rooms);
        async {}
    }

    /// The socket left; the value is consumed. Runs after every earlier event's method.
    /// Default: nothing.
    fn disconnect(
        self,
        cx: Ctx<Self::State>,
        reason: DisconnectReason,
    ) -> impl Future<Output = ()> + Send {
        let _ = (cx, reason);
        async {}
    }
}

/// Why a connect was refused: the message (and optional data) of the client's
/// `connect_error`.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The message the client sees (`err.message`).
    pub message: String,
    /// Optional details (`err.data`).
    pub data: Option<serde_json::Value>,
}

impl Refusal {
    /// A refusal with `message` and no data.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            data: None,
        }
    }

    /// Adds details the client reads as `err.data`.
    #[must_use]
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// An event whose arguments did not fit its method.
#[derive(Debug, thiserror::Error)]
#[error("bad arguments for event {event:?}: {source}")]
pub struct BadEvent {
    /// The event's name.
    pub event: Str,
    /// The arguments as received, name first.
    pub payload: String,
    /// serde's reason.
    #[source]
    pub source: serde_json::Error,
}

/// What a method sees besides its object and arguments: the socket (every [`Socket`] method
/// is reachable through `Deref`: `cx.emit(..)`, `cx.join(..)`) and the application state.
/// Cheap to clone, and usable from spawned tasks.
pub struct Ctx<S> {
    socket: Socket,
    state: Arc<S>,
}

impl<S> Clone for Ctx<S> {
    fn clone(&self) -> Self {
        Self {
            socket: self.socket.clone(),
            state: self.state.clone(),
        }
    }
}

impl<S> std::fmt::Debug for Ctx<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("socket", &self.socket)
            .finish_non_exhaustive()
    }
}

impl<S> Ctx<S> {
    pub(crate) fn new(socket: Socket, state: Arc<S>) -> Self {
        Self { socket, state }
    }

    /// The socket.
    #[must_use]
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The application state.
    #[must_use]
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The application state, shared (to move into a spawned task).
    #[must_use]
    pub fn state_arc(&self) -> Arc<S> {
        self.state.clone()
    }
}

impl<S> Deref for Ctx<S> {
    type Target = Socket;
    fn deref(&self) -> &Socket {
        &self.socket
    }
}

/// What a method takes as its arguments: any `DeserializeOwned` type, read by the argument
/// rule, or the whole [`EventData`] (arguments, attachments and the ack, for methods that
/// deal with binary data or answer by hand).
pub trait FromEvent: Sized + Send + 'static {
    /// Takes the arguments out of `data`; whatever is left of it (the ack, unless taken) is
    /// the caller's.
    ///
    /// # Errors
    /// serde's error when the arguments do not fit.
    fn from_event(data: &mut EventData) -> Result<Self, serde_json::Error>;
}

impl<T: DeserializeOwned + Send + 'static> FromEvent for T {
    fn from_event(data: &mut EventData) -> Result<Self, serde_json::Error> {
        data.args.deserialize()
    }
}

impl FromEvent for EventData {
    fn from_event(data: &mut EventData) -> Result<Self, serde_json::Error> {
        Ok(Self {
            args: data.args.clone(),
            binary: std::mem::take(&mut data.binary),
            ack: data.ack.take(),
        })
    }
}

/// An event method: `async fn name(&mut self, cx: Ctx<State>, args: A) -> R` where `A`
/// is [`FromEvent`] and `R` is the acknowledgement ([`ToArgs`]). Implemented for every
/// such `async fn` (and any function of that shape returning a `Send` future).
pub trait Method<'a, N: 'a, S, A>: Send + Sync + 'static {
    /// Calls the method; the future yields the acknowledgement's arguments.
    fn call(
        &self,
        this: &'a mut N,
        cx: Ctx<S>,
        args: A,
    ) -> BoxFuture<'a, Result<socketio_proto::sio::Args, serde_json::Error>>;
}

impl<'a, N, S, A, F, Fut> Method<'a, N, S, A> for F
where
    N: 'a,
    F: Fn(&'a mut N, Ctx<S>, A) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'a,
    Fut::Output: ToArgs,
{
    fn call(
        &self,
        this: &'a mut N,
        cx: Ctx<S>,
        args: A,
    ) -> BoxFuture<'a, Result<socketio_proto::sio::Args, serde_json::Error>> {
        let fut = self(this, cx, args);
        Box::pin(async move { fut.await.to_args() })
    }
}

/// One registered method, with its argument type erased.
type Erased<N, S> =
    Box<dyn for<'a> Fn(&'a mut N, Ctx<S>, EventData, Str) -> BoxFuture<'a, ()> + Send + Sync>;

/// The event table of a namespace: event name → method. Built once by
/// [`SocketNamespace::events`].
pub struct Events<N: SocketNamespace> {
    methods: HashMap<Str, Erased<N, N::State>>,
}

impl<N: SocketNamespace> std::fmt::Debug for Events<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.methods.keys()).finish()
    }
}

impl<N: SocketNamespace> Events<N> {
    pub(crate) fn build() -> Self {
        let mut events = Self {
            methods: HashMap::new(),
        };
        N::events(&mut events);
        events
    }

    /// Routes the client event `event` to `method` (a later `on` for the same name
    /// replaces the earlier one).
    pub fn on<A, F>(&mut self, event: &str, method: F) -> &mut Self
    where
        A: FromEvent,
        F: for<'a> Method<'a, N, N::State, A>,
    {
        let erased: Erased<N, N::State> = Box::new(move |this, cx, mut data, event| {
            let args = match A::from_event(&mut data) {
                Ok(args) => args,
                Err(source) => {
                    let error = BadEvent {
                        event,
                        payload: data.args.as_event_payload().as_str().to_owned(),
                        source,
                    };
                    return Box::pin(this.bad_event(cx, error));
                }
            };
            let ack = data.ack.take();
            let socket = cx.socket().clone();
            let fut = method.call(this, cx, args);
            Box::pin(async move {
                match fut.await {
                    Ok(reply) => {
                        if let Some(ack) = ack {
                            ack.send(&reply);
                        }
                    }
                    Err(e) => {
                        tracing::error!(socket = socket.id(), %event, "the method's answer could not be serialized: {e}");
                    }
                }
            })
        });
        self.methods.insert(Str::from(event), erased);
        self
    }

    /// Runs the method of `event`, or [`SocketNamespace::unknown_event`].
    pub(crate) fn dispatch<'a>(
        &'a self,
        this: &'a mut N,
        cx: Ctx<N::State>,
        event: Str,
        data: EventData,
    ) -> BoxFuture<'a, ()> {
        match self.methods.get(&event) {
            Some(m) => m(this, cx, data, event),
            None => Box::pin(this.unknown_event(cx, event, data)),
        }
    }
}

/// The application state as the dispatcher holds it, whatever its type.
pub(crate) type AnyState = Arc<dyn Any + Send + Sync>;
