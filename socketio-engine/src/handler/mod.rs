//! A synchronous handler layer in the spirit of gevent-socketio's `BaseNamespace`, usable
//! from any loop: one [`NamespaceHandler`] per namespace, fed by [`Handlers::handle`] with the
//! events the driver drains from [`Engine::poll_action`](crate::Engine::poll_action).
//!
//! - Implement [`NamespaceHandler`] directly (one `on_event` receiving the event name), or
//!   use [`EventRouter`] to register a closure per event name (`router.on("chat", ...)`).
//! - Handlers act through a [`SocketCtx`]: emit, ack, join, leave, broadcast, disconnect, and
//!   typed per-socket data ([`Extensions`], allocated only for sockets that store some).
//! - Events no handler takes (an unregistered namespace, broadcast acks) are handed back, so
//!   the raw [`Event`] stream stays available next to handlers.

mod context;
mod extensions;
mod router;

use std::collections::HashMap;
use std::time::Instant;

use bytes::Bytes;
use socketio_proto::sio::Args;

pub use context::{ConnectCtx, SocketCtx};
pub use extensions::Extensions;
pub use router::{EventFn, EventRouter};

use crate::engine::Engine;
use crate::event::{AckToken, DisconnectReason, Event, EventArgs};
use crate::sio::{AckId, SocketId};

/// A handler's answer to a connect request.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectDecision {
    /// Accept: the socket is created, then [`NamespaceHandler::on_connected`] runs.
    Accept,
    /// Refuse with CONNECT_ERROR `{"message","data"}`.
    Reject {
        /// The error message the client sees.
        message: String,
        /// Optional details.
        data: Option<serde_json::Value>,
    },
}

impl ConnectDecision {
    /// Refuse with `message` (the client's `err.message`) and no data.
    #[must_use]
    pub fn reject(message: impl Into<String>) -> Self {
        Self::Reject {
            message: message.into(),
            data: None,
        }
    }

    /// Refuse with `message` and `data` (the client's `err.data`).
    #[must_use]
    pub fn reject_with(message: impl Into<String>, data: serde_json::Value) -> Self {
        Self::Reject {
            message: message.into(),
            data: Some(data),
        }
    }
}

/// How an `emit_with_ack` ended.
#[derive(Debug, Clone, PartialEq)]
pub enum AckResult {
    /// The client answered.
    Reply {
        /// The answer's arguments.
        args: Args,
        /// Its attachments.
        binary: Vec<Bytes>,
    },
    /// No answer in time.
    Timeout,
}

/// The handler of one namespace. Every method has a default, so implement what you need.
pub trait NamespaceHandler: Send {
    /// Decides on a connect request. Default: accept.
    fn on_connect(&mut self, ctx: &ConnectCtx<'_>) -> ConnectDecision {
        let _ = ctx;
        ConnectDecision::Accept
    }

    /// A socket was accepted (join rooms, attach data, greet here). Default: nothing.
    fn on_connected(&mut self, ctx: &mut SocketCtx<'_>) {
        let _ = ctx;
    }

    /// The client emitted `event`. Default: nothing (an ack, if asked, is never sent).
    fn on_event(
        &mut self,
        ctx: &mut SocketCtx<'_>,
        event: &str,
        args: EventArgs,
        binary: Vec<Bytes>,
        ack: Option<AckToken>,
    ) {
        let _ = (ctx, event, args, binary, ack);
    }

    /// An `emit_with_ack` to this socket ended. Default: nothing.
    fn on_ack(&mut self, ctx: &mut SocketCtx<'_>, ack: AckId, result: AckResult) {
        let _ = (ctx, ack, result);
    }

    /// The socket left; `data` is what it had attached. Whatever is still in `data` when
    /// this returns is kept with the socket's session if connection state recovery kept one
    /// ([`DisconnectReason::is_recoverable`]), and is the socket's data again when it
    /// recovers (take out what must not survive); otherwise it is dropped. Default: nothing.
    fn on_disconnect(&mut self, socket: SocketId, reason: DisconnectReason, data: &mut Extensions) {
        let _ = (socket, reason, data);
    }
}

/// The handlers of every namespace, and the per-socket data they attach.
#[derive(Default)]
pub struct Handlers {
    by_nsp: HashMap<String, Box<dyn NamespaceHandler>>,
    data: HashMap<SocketId, Extensions>,
}

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handlers")
            .field("namespaces", &self.by_nsp.keys().collect::<Vec<_>>())
            .field("sockets_with_data", &self.data.len())
            .finish()
    }
}

impl Handlers {
    /// No handlers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles namespace `nsp` with `handler` (registers the namespace in `engine` too).
    pub fn register(
        &mut self,
        engine: &mut Engine,
        nsp: &str,
        handler: impl NamespaceHandler + 'static,
    ) -> &mut Self {
        engine.add_namespace(nsp);
        self.by_nsp.insert(nsp.to_owned(), Box::new(handler));
        self
    }

    /// Runs `f` with the handler of `socket`'s namespace and a context for `socket`.
    fn with_socket(
        &mut self,
        engine: &mut Engine,
        now: Instant,
        socket: SocketId,
        f: impl FnOnce(&mut dyn NamespaceHandler, &mut SocketCtx<'_>),
    ) -> bool {
        let Some(nsp) = engine.socket_nsp(socket) else {
            return false;
        };
        let Some(handler) = self.by_nsp.get_mut(nsp.as_str()) else {
            return false;
        };
        let mut ext = self.data.remove(&socket);
        let mut ctx = SocketCtx {
            engine,
            now,
            socket,
            ext: &mut ext,
        };
        f(handler.as_mut(), &mut ctx);
        // Keep the data only while the socket lives (a handler may have disconnected it).
        if let Some(ext) = ext
            && !ext.is_empty()
            && engine.socket_nsp(socket).is_some()
        {
            self.data.insert(socket, ext);
        }
        true
    }

    /// Gives `event` to the handler of its namespace; returns it when no handler took it.
    pub fn handle(&mut self, engine: &mut Engine, now: Instant, event: Event) -> Option<Event> {
        match event {
            Event::Connect(p) => {
                let Some(handler) = self.by_nsp.get_mut(p.nsp().as_str()) else {
                    return Some(Event::Connect(p));
                };
                let decision = handler.on_connect(&ConnectCtx {
                    engine,
                    pending: &p,
                });
                match decision {
                    ConnectDecision::Accept => {
                        if let Ok(socket) = engine.accept_connect(now, p) {
                            self.with_socket(engine, now, socket, |h, ctx| h.on_connected(ctx));
                        }
                    }
                    ConnectDecision::Reject { message, data } => {
                        // Fails only if the request is gone; nothing left to answer then.
                        let _ = engine.reject_connect(now, p, &message, data);
                    }
                }
                None
            }
            Event::Recovered(r) => {
                // Connection state recovery restored a socket without asking on_connect
                // (skip_middlewares): it is connected, so on_connected runs, with the data
                // kept through `Engine::keep_data`, if it was this layer's.
                if let Some(ext) = r.data.and_then(|d| d.downcast::<Extensions>().ok()) {
                    self.data.insert(r.socket, *ext);
                }
                self.with_socket(engine, now, r.socket, |h, ctx| h.on_connected(ctx));
                None
            }
            Event::Message {
                socket,
                event,
                args,
                binary,
                ack,
            } => {
                let mut parts = Some((args, binary, ack));
                let taken = self.with_socket(engine, now, socket, |h, ctx| {
                    if let Some((args, binary, ack)) = parts.take() {
                        h.on_event(ctx, &event, args, binary, ack);
                    }
                });
                match (taken, parts) {
                    (false, Some((args, binary, ack))) => Some(Event::Message {
                        socket,
                        event,
                        args,
                        binary,
                        ack,
                    }),
                    _ => None,
                }
            }
            Event::AckReply {
                ack,
                socket,
                args,
                binary,
            } => {
                let mut result = Some(AckResult::Reply { args, binary });
                let taken = self.with_socket(engine, now, socket, |h, ctx| {
                    if let Some(r) = result.take() {
                        h.on_ack(ctx, ack, r);
                    }
                });
                match (taken, result) {
                    (false, Some(AckResult::Reply { args, binary })) => Some(Event::AckReply {
                        ack,
                        socket,
                        args,
                        binary,
                    }),
                    _ => None,
                }
            }
            Event::AckTimeout { ack, socket } => {
                let taken = self.with_socket(engine, now, socket, |h, ctx| {
                    h.on_ack(ctx, ack, AckResult::Timeout);
                });
                (!taken).then_some(Event::AckTimeout { ack, socket })
            }
            Event::Disconnect {
                socket,
                nsp,
                reason,
                rooms,
            } => {
                let mut data = self.data.remove(&socket).unwrap_or_default();
                match self.by_nsp.get_mut(nsp.as_str()) {
                    Some(h) => {
                        h.on_disconnect(socket, reason, &mut data);
                        // Back with the socket if it recovers (`Event::Recovered` above);
                        // dropped when no session was kept.
                        if !data.is_empty() {
                            let _ = engine.keep_data(socket, Box::new(data));
                        }
                        None
                    }
                    None => Some(Event::Disconnect {
                        socket,
                        nsp,
                        reason,
                        rooms,
                    }),
                }
            }
            other => Some(other),
        }
    }
}
