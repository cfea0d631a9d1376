//! The application's async API, in the gevent-socketio tradition with socket.io-node's
//! feel: an [`App`] of [`Namespace`]s, each with async handlers for connect (auth lives
//! here), events and disconnect; handlers get [`Socket`] handles usable from any task.
//!
//! Every handler invocation runs as its own task, so a handler may await (an ack from the
//! client, a database) without holding up the hub; whatever it does goes back to the hub as
//! a command over a channel.
//!
//! ```no_run
//! use adapter_core::app::{App, ConnectDecision, Namespace};
//!
//! let app = App::new()
//!     .namespace(
//!         Namespace::new("/")
//!             .on_connection(|socket, _auth| async move {
//!                 let _ = socket.emit("hello", &("world",));
//!             })
//!             .on("echo", |socket, data| async move {
//!                 if let Ok(args) = data.args.to_value() {
//!                     let _ = socket.emit_binary("echo", &args, data.binary);
//!                 }
//!             }),
//!     )
//!     .namespace(Namespace::new("/admin").on_connect(|req| async move {
//!         match req.auth.as_ref().map(|a| a.as_str()) {
//!             Some(r#"{"token":"secret"}"#) => ConnectDecision::Accept,
//!             _ => ConnectDecision::Reject { message: "unauthorized".into(), data: None },
//!         }
//!     }));
//! # let _ = app;
//! ```

mod command;
mod dispatch;
mod error;
mod handle;
mod socket;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use socketio_engine::{DisconnectReason, Engine, EngineConfig};
use socketio_proto::Str;
use socketio_proto::sio::Payload;

pub use error::Error;
pub use handle::{BroadcastOperator, ServerHandle};
pub use socket::{AckReply, AckSender, BroadcastReplies, ConnectRequest, EventData, Socket};
pub use socketio_engine::handler::{ConnectDecision, Extensions};

pub(crate) use dispatch::SioDispatcher;

use crate::config::DriverConfig;

type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
pub(crate) type ConnectFn = Arc<dyn Fn(ConnectRequest) -> BoxFut<ConnectDecision> + Send + Sync>;
pub(crate) type ConnectionFn = Arc<dyn Fn(Socket, Option<Payload>) -> BoxFut<()> + Send + Sync>;
pub(crate) type EventFn = Arc<dyn Fn(Socket, EventData) -> BoxFut<()> + Send + Sync>;
pub(crate) type AnyEventFn = Arc<dyn Fn(Socket, Str, EventData) -> BoxFut<()> + Send + Sync>;
pub(crate) type DisconnectFn = Arc<dyn Fn(Socket, DisconnectReason) -> BoxFut<()> + Send + Sync>;

/// The handlers of one namespace.
#[derive(Clone)]
pub struct Namespace {
    pub(crate) name: Str,
    pub(crate) on_connect: Option<ConnectFn>,
    pub(crate) on_connection: Option<ConnectionFn>,
    pub(crate) events: HashMap<String, EventFn>,
    pub(crate) on_any: Option<AnyEventFn>,
    pub(crate) on_disconnect: Option<DisconnectFn>,
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
            on_disconnect: None,
        }
    }

    /// Decides on each connect request (middleware, authentication): accept, or reject
    /// with a message and optional data the client receives in its `connect_error`.
    #[must_use]
    pub fn on_connect<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(ConnectRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ConnectDecision> + Send + 'static,
    {
        self.on_connect = Some(Arc::new(move |r| Box::pin(f(r))));
        self
    }

    /// Runs once a socket is connected, with the auth object the client sent.
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

    /// Runs when a socket left, with the reason (`reason.as_str()` is Node's name).
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

/// A Socket.IO application: engine settings, driver limits and namespaces. Serve it with
/// an adapter's `serve`, or mount it with [`Server::socketio`](crate::Server::socketio).
#[derive(Debug, Clone, Default)]
pub struct App {
    config: EngineConfig,
    driver: DriverConfig,
    namespaces: Vec<Namespace>,
}

impl App {
    /// An application with default settings (path `/socket.io/`) and no handlers; the
    /// namespace `/` exists and accepts everyone.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

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

    /// Replaces the driver limits.
    #[must_use]
    pub fn driver(mut self, driver: DriverConfig) -> Self {
        self.driver = driver;
        self
    }

    /// Adds (or replaces) a namespace.
    #[must_use]
    pub fn namespace(mut self, ns: Namespace) -> Self {
        self.namespaces.retain(|n| n.name != ns.name);
        self.namespaces.push(ns);
        self
    }

    pub(crate) fn into_parts(self) -> (Engine, SioDispatcher, DriverConfig) {
        let mut engine = Engine::new(self.config);
        for ns in &self.namespaces {
            engine.add_namespace(ns.name.clone());
        }
        (engine, SioDispatcher::new(self.namespaces), self.driver)
    }
}
