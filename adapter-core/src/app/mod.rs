//! The application's async API, in the gevent-socketio tradition with socket.io-node's
//! feel. An [`App`] holds namespaces of two kinds, side by side:
//!
//! - **Namespace objects** ([`SocketNamespace`], [`App::socket_namespace`]): one value per
//!   connected socket, built by its `connect` step (authentication lives there), whose
//!   methods receive the client's events one at a time, in order, with `&mut self`; per-socket
//!   state is plain fields. Event names map to methods in a table built once. See
//!   [`object`](SocketNamespace) for the model, ordering and where data lives.
//! - **Closures** ([`Namespace`]): async handlers for connect, events and disconnect. Each
//!   invocation is first polled on the server's own task, so one that finishes without
//!   waiting (an ack, an emit) costs no task of its own; one that awaits goes on as its own
//!   task from there. Whatever a handler does before its first `.await` therefore holds up
//!   the server: never block there (move blocking work to a blocking thread). A socket's
//!   handlers start in the order of its events, each once the previous one reached its first
//!   await (as node runs listeners), and its disconnect handlers run after all of them
//!   started.
//!
//! Handlers reach the server through [`Socket`] handles usable from any task; the
//! application's shared state ([`App::with_state`]) is [`Ctx::state`] in namespace objects
//! and [`Socket::state`] in closures.
//!
//! Connection state recovery (node's `connectionStateRecovery`) is an engine setting:
//! `App::new().configure(|c| { c.sio.connection_state_recovery(Some(RecoveryConfig::default())); })`
//! with [`RecoveryConfig`](socketio_engine::RecoveryConfig). A recovered socket has
//! [`Socket::recovered`] true, its old id, rooms and data; see [`Namespace::on_connect`] and
//! [`SocketNamespace`] for the connect step.
//!
//! Arguments follow one rule everywhere (emit, broadcast, ack, and reading them): **a tuple
//! is the argument list, anything else is one argument**. `emit("stats", &stats)` sends one
//! argument, `emit("move", &(x, y))` two, `emit("list", &vec![1, 2])` one array.
//!
//! ```no_run
//! use std::sync::Arc;
//! use adapter_core::app::{App, ConnectDecision, ConnectRequest, Ctx, Events, Namespace};
//! use adapter_core::app::{Refusal, SocketNamespace};
//!
//! /// One per connected socket of `/count`.
//! struct Count { n: u64 }
//!
//! impl SocketNamespace for Count {
//!     type State = ();
//!     async fn connect(req: ConnectRequest, _: Arc<()>) -> Result<Self, Refusal> {
//!         match req.auth_field::<String>("token").as_deref() {
//!             Some("secret") => Ok(Self { n: 0 }),
//!             _ => Err(Refusal::new("unauthorized")),
//!         }
//!     }
//!     fn events(events: &mut Events<Self>) {
//!         events.on("add", Self::add);
//!     }
//! }
//!
//! impl Count {
//!     async fn add(&mut self, _cx: Ctx<()>, by: u64) -> u64 {
//!         self.n += by;
//!         self.n // the acknowledgement
//!     }
//! }
//!
//! let app = App::new()
//!     .namespace(
//!         Namespace::new("/")
//!             .on_connection(|socket, _auth| async move { socket.emit("hello", "world") })
//!             .on("echo", |socket, data| async move {
//!                 socket.emit_binary("echo", &data.args, data.binary);
//!             }),
//!     )
//!     .socket_namespace::<Count>("/count")
//!     .namespace(Namespace::new("/admin").on_connect(|req| async move {
//!         if req.auth_field::<String>("token").as_deref() == Some("secret") {
//!             ConnectDecision::Accept
//!         } else {
//!             ConnectDecision::reject("unauthorized")
//!         }
//!     }));
//! # let _ = app;
//! ```

mod actor;
mod admin;
mod cluster;
mod command;
mod dispatch;
mod error;
mod handle;
mod lives;
mod object;
mod order;
mod remote;
mod socket;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use socketio_engine::{DisconnectReason, Engine, EngineConfig};
use socketio_proto::Str;
use socketio_proto::sio::Payload;

pub use admin::{AdminAuth, AdminConfig, MAX_ADMIN_SESSIONS};
pub use cluster::{ServerSideAckSender, ServerSideEvent, ServerSideReplies};
pub use error::Error;
pub use handle::{BroadcastOperator, ServerHandle};
pub use object::{BadEvent, BoxFuture, Ctx, Events, FromEvent, Method, Refusal, SocketNamespace};
pub use remote::RemoteSocket;
pub use socket::{AckReply, AckSender, BroadcastReplies, ConnectRequest, EventData, Socket};
pub use socketio_engine::handler::{ConnectDecision, Extensions};

#[cfg(test)]
pub(crate) use command::Command;
pub(crate) use dispatch::SioDispatcher;

use actor::{ObjectRunner, Runner};
use object::AnyState;

use crate::config::DriverConfig;

type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
pub(crate) type ConnectFn = Arc<dyn Fn(ConnectRequest) -> BoxFut<ConnectDecision> + Send + Sync>;
pub(crate) type ConnectionFn = Arc<dyn Fn(Socket, Option<Payload>) -> BoxFut<()> + Send + Sync>;
pub(crate) type EventFn = Arc<dyn Fn(Socket, EventData) -> BoxFut<()> + Send + Sync>;
pub(crate) type AnyEventFn = Arc<dyn Fn(Socket, Str, EventData) -> BoxFut<()> + Send + Sync>;
pub(crate) type DisconnectFn = Arc<dyn Fn(Socket, DisconnectReason) -> BoxFut<()> + Send + Sync>;
pub(crate) type DisconnectingFn =
    Arc<dyn Fn(Socket, DisconnectReason, Vec<Str>) -> BoxFut<()> + Send + Sync>;

/// The handlers of one namespace.
#[derive(Clone)]
pub struct Namespace {
    pub(crate) name: Str,
    pub(crate) on_connect: Option<ConnectFn>,
    pub(crate) on_connection: Option<ConnectionFn>,
    pub(crate) events: HashMap<String, EventFn>,
    pub(crate) on_any: Option<AnyEventFn>,
    pub(crate) on_disconnecting: Option<DisconnectingFn>,
    pub(crate) on_disconnect: Option<DisconnectFn>,
    pub(crate) server_side: HashMap<String, cluster::ServerSideFn>,
}

impl std::fmt::Debug for Namespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Namespace")
            .field("name", &self.name)
            .field("events", &self.events.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Namespace {
    /// A namespace named `name` (`"/"`, `"/admin"`), accepting everyone until
    /// [`on_connect`](Self::on_connect) says otherwise.
    pub fn new(name: impl Into<Str>) -> Self {
        Self {
            name: name.into(),
            on_connect: None,
            on_connection: None,
            events: HashMap::new(),
            on_any: None,
            on_disconnecting: None,
            on_disconnect: None,
            server_side: HashMap::new(),
        }
    }

    /// Handles `event` emitted by another server of the cluster in this namespace (node's
    /// `io.on(event, ...)` for `serverSideEmit`), with its answer callback when the sender
    /// waits for one. Without a cluster nothing arrives. (A namespace object's namespace
    /// registers these with [`App::on_server_side_emit`].)
    #[must_use]
    pub fn on_server_side_emit<F, Fut>(mut self, event: &str, f: F) -> Self
    where
        F: Fn(ServerHandle, ServerSideEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.server_side
            .insert(event.to_owned(), cluster::server_side_fn(f));
        self
    }

    /// Decides on each connect request (middleware, authentication): accept, or reject
    /// with a message and optional data the client receives in its `connect_error`.
    ///
    /// With connection state recovery on and `skip_middlewares` (its default), a client
    /// that recovers its session is not asked again, as in node; otherwise
    /// [`ConnectRequest::recovered`] tells the decision it is a recovery.
    #[must_use]
    pub fn on_connect<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(ConnectRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ConnectDecision> + Send + 'static,
    {
        self.on_connect = Some(Arc::new(move |r| Box::pin(f(r))));
        self
    }

    /// Runs once a socket is connected, with the auth object the client sent; also for a
    /// socket restored by connection state recovery, where [`Socket::recovered`] is true
    /// (node's `connection` listener runs for it too).
    #[must_use]
    pub fn on_connection<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Socket, Option<Payload>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_connection = Some(Arc::new(move |s, a| Box::pin(f(s, a))));
        self
    }

    /// Handles the client event `event`.
    #[must_use]
    pub fn on<F, Fut>(mut self, event: &str, f: F) -> Self
    where
        F: Fn(Socket, EventData) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.events
            .insert(event.to_owned(), Arc::new(move |s, d| Box::pin(f(s, d))));
        self
    }

    /// Handles every client event that has no handler of its own, with its name.
    #[must_use]
    pub fn on_any<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Socket, Str, EventData) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_any = Some(Arc::new(move |s, n, d| Box::pin(f(s, n, d))));
        self
    }

    /// Runs when a socket leaves, before [`on_disconnect`](Self::on_disconnect), with the
    /// reason and the rooms it was in (node's `disconnecting`, where `socket.rooms` is still
    /// readable); the socket is already out of them. Runs after every handler of the
    /// socket's earlier events has started.
    #[must_use]
    pub fn on_disconnecting<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Socket, DisconnectReason, Vec<Str>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_disconnecting = Some(Arc::new(move |s, r, rooms| Box::pin(f(s, r, rooms))));
        self
    }

    /// Runs when a socket left, with the reason (`reason.as_str()` is Node's name), after
    /// every handler of its earlier events has started and after
    /// [`on_disconnecting`](Self::on_disconnecting).
    #[must_use]
    pub fn on_disconnect<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Socket, DisconnectReason) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_disconnect = Some(Arc::new(move |s, r| Box::pin(f(s, r))));
        self
    }
}

/// A Socket.IO application: engine settings, driver limits, namespaces, and the shared
/// state `S` every handler reaches ([`with_state`](App::with_state)). Serve it with an
/// adapter's `serve`, or mount it with [`Server::socketio`](crate::Server::socketio).
pub struct App<S = ()> {
    config: EngineConfig,
    driver: DriverConfig,
    namespaces: Vec<Namespace>,
    objects: Vec<(Str, Arc<dyn ObjectRunner>)>,
    state: Arc<S>,
    /// The cluster's Redis, when this server is one of several (`redis`).
    redis: Option<String>,
    /// Server-side emit handlers added with `on_server_side_emit`.
    server_side: cluster::ServerSideHandlers,
    admin: Option<Arc<AdminConfig>>,
}

impl<S> Clone for App<S> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            driver: self.driver,
            namespaces: self.namespaces.clone(),
            objects: self.objects.clone(),
            state: self.state.clone(),
            redis: self.redis.clone(),
            server_side: self.server_side.clone(),
            admin: self.admin.clone(),
        }
    }
}

impl<S> std::fmt::Debug for App<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .field("driver", &self.driver)
            .field("namespaces", &self.namespaces)
            .field(
                "socket_namespaces",
                &self.objects.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl App {
    /// An application with default settings (path `/socket.io/`), no state and no
    /// handlers; the namespace `/` exists and accepts everyone.
    #[must_use]
    pub fn new() -> Self {
        Self {
            config: EngineConfig::default(),
            driver: DriverConfig::default(),
            namespaces: Vec::new(),
            objects: Vec::new(),
            state: Arc::new(()),
            redis: None,
            server_side: HashMap::new(),
            admin: None,
        }
    }

    /// Gives the application its shared state: [`Ctx::state`] in every namespace object
    /// (whose [`SocketNamespace::State`] must then be `S`), [`Socket::state`] in closures.
    /// Put what several sockets share here (behind a lock where it changes), rather than
    /// in `Arc`s cloned into each closure.
    #[must_use]
    pub fn with_state<S: Send + Sync + 'static>(self, state: S) -> App<S> {
        App {
            config: self.config,
            driver: self.driver,
            namespaces: self.namespaces,
            objects: self.objects,
            state: Arc::new(state),
            redis: self.redis,
            server_side: self.server_side,
            admin: self.admin,
        }
    }
}

impl<S: Send + Sync + 'static> App<S> {
    /// Replaces the engine settings (Engine.IO and Socket.IO).
    #[must_use]
    pub fn config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// Edits the engine settings in place.
    #[must_use]
    pub fn configure(mut self, f: impl FnOnce(&mut EngineConfig)) -> Self {
        f(&mut self.config);
        self
    }

    /// The parser this server speaks (node's `parser` option):
    /// `App::new().parser(Parser::Msgpack)` for clients using socket.io-msgpack-parser.
    /// Shorthand for `configure(|c| { c.sio.parser(parser); })`; see
    /// [`Parser`](socketio_engine::Parser). Handlers see the same arguments and binaries
    /// whichever parser is chosen.
    #[must_use]
    pub fn parser(mut self, parser: socketio_engine::Parser) -> Self {
        self.config.sio.parser(parser);
        self
    }

    /// Makes this server one of a cluster sharing the Redis at `url` (e.g.
    /// `redis://127.0.0.1:6379`) with other servers of ours and node's
    /// (`@socket.io/redis-adapter`): broadcasts, `socketsJoin`/`socketsLeave`,
    /// `disconnectSockets`, `fetchSockets` and `allRooms` reach theirs too. Turns on the
    /// engine's cluster adapter with its defaults unless `EngineConfig::cluster` is set.
    ///
    /// The cluster's own calls: [`ServerHandle::server_side_emit`] (and `_with_ack`) with
    /// [`on_server_side_emit`](Self::on_server_side_emit) for those of the other servers,
    /// [`ServerHandle::all_rooms`], [`ServerHandle::server_count`],
    /// [`BroadcastOperator::cluster_sockets`], and [`BroadcastOperator::emit_with_ack`]
    /// gathering the other servers' clients' acks too. Without a cluster they give this
    /// server's answer.
    #[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
    #[must_use]
    pub fn redis(mut self, url: impl Into<String>) -> Self {
        self.config.cluster.get_or_insert_with(Default::default);
        self.redis = Some(url.into());
        self
    }

    /// Makes this server one of a cluster sharing the Redis at `url` through a Redis stream,
    /// wire-compatible with node's `@socket.io/redis-streams-adapter` 0.3: broadcasts,
    /// `socketsJoin`/`socketsLeave` and `disconnectSockets` reach the other servers, and
    /// with connection state recovery on, a client cut from one server recovers on any
    /// other (same id, rooms, every missed event). Turns on `EngineConfig::streams` with its
    /// defaults unless set (and turns the pub/sub backend off). Ephemeral requests
    /// (`fetchSockets`, server-side emits, broadcasts with acks) stay on this server in this
    /// mode for now.
    #[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
    #[must_use]
    pub fn redis_streams(mut self, url: impl Into<String>) -> Self {
        self.config.streams.get_or_insert_with(Default::default);
        self.config.cluster = None;
        self.redis = Some(url.into());
        self
    }

    /// As [`redis`](Self::redis), speaking node's sharded adapter (`createShardedAdapter`
    /// of `@socket.io/redis-adapter` 8.3, with its default `subscriptionMode: "dynamic"`):
    /// Redis 7 sharded pub/sub (`SPUBLISH`/`SSUBSCRIBE`), one shard channel per namespace
    /// plus one per room that exists on this server. Every server of the cluster must use
    /// the sharded adapter. Keeps the rest of `EngineConfig::cluster` when set. As node's,
    /// [`ServerHandle::all_rooms`] then lists this server's rooms only.
    #[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
    #[must_use]
    pub fn redis_sharded(mut self, url: impl Into<String>) -> Self {
        self.config
            .cluster
            .get_or_insert_with(Default::default)
            .mode =
            socketio_engine::ClusterMode::Sharded(socketio_engine::ShardedSubscription::Dynamic);
        self.redis = Some(url.into());
        self
    }

    /// Handles `event` emitted by another server of the cluster in namespace `nsp`, of
    /// either kind (node's `io.of(nsp).on(event, ...)` for `serverSideEmit`); see
    /// [`Namespace::on_server_side_emit`]. Without a cluster nothing arrives.
    #[must_use]
    pub fn on_server_side_emit<F, Fut>(mut self, nsp: impl Into<Str>, event: &str, f: F) -> Self
    where
        F: Fn(ServerHandle, ServerSideEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.server_side
            .entry(nsp.into())
            .or_default()
            .insert(event.to_owned(), cluster::server_side_fn(f));
        self
    }

    /// The cluster's Redis URL, if any.
    pub(crate) fn redis_url(&self) -> Option<&str> {
        self.redis.as_deref()
    }

    /// Replaces the driver limits.
    #[must_use]
    pub fn driver(mut self, driver: DriverConfig) -> Self {
        self.driver = driver;
        self
    }

    /// Adds (or replaces) a namespace of closures.
    #[must_use]
    pub fn namespace(mut self, ns: Namespace) -> Self {
        self.forget(&ns.name);
        self.namespaces.push(ns);
        self
    }

    /// Adds (or replaces) the namespace `name`, served by one `N` per socket. Its event
    /// table is built here, once.
    #[must_use]
    pub fn socket_namespace<N: SocketNamespace<State = S>>(mut self, name: impl Into<Str>) -> Self {
        let name = name.into();
        self.forget(&name);
        self.objects.push((name, Arc::new(Runner::<N>::new())));
        self
    }

    fn forget(&mut self, name: &Str) {
        self.namespaces.retain(|n| n.name != *name);
        self.objects.retain(|(n, _)| n != name);
    }

    /// Serves the Socket.IO admin UI (`@socket.io/admin-ui` 0.5, node's `instrument`) on
    /// `config.namespace`: authentication, `server_stats` every 2 s from the engine's
    /// counters, the UI's emit/join/leave/disconnect commands (not in read-only mode) and,
    /// in development mode, the socket list and live updates. Replaces a namespace of the
    /// same name. Point the UI (<https://admin.socket.io> or the package's `ui/dist`) at
    /// this server's URL with that namespace's path.
    #[must_use]
    pub fn admin_ui(mut self, config: AdminConfig) -> Self {
        let config = Arc::new(config);
        self = self.namespace(admin::namespace(&config));
        self.admin = Some(config);
        self
    }

    pub(crate) fn into_parts(self) -> (Engine, SioDispatcher, DriverConfig) {
        let mut engine = Engine::new(self.config);
        if self.admin.is_some() {
            engine.enable_stats();
        }
        for name in self
            .namespaces
            .iter()
            .map(|n| &n.name)
            .chain(self.objects.iter().map(|(n, _)| n))
        {
            engine.add_namespace(name.clone());
        }
        let state: AnyState = self.state;
        let mut server_side = self.server_side;
        for ns in &self.namespaces {
            let events = server_side.entry(ns.name.clone()).or_default();
            for (event, f) in &ns.server_side {
                events.insert(event.clone(), f.clone());
            }
        }
        let mut dispatcher = SioDispatcher::new(
            self.namespaces,
            self.objects,
            state,
            &self.driver,
            server_side,
        );
        dispatcher.admin = self
            .admin
            .map(|c| Box::new(admin::monitor::Monitor::new(c)));
        (engine, dispatcher, self.driver)
    }
}
