//! [`EventRouter`]: a [`NamespaceHandler`] built from closures, one per event name, with an
//! optional fallback, connect check and disconnect hook.

use std::collections::HashMap;

use bytes::Bytes;

use super::{ConnectCtx, ConnectDecision, Extensions, NamespaceHandler, SocketCtx};
use crate::event::{AckToken, DisconnectReason, EventArgs};
use crate::sio::SocketId;

/// A closure handling one event: context, arguments, attachments, ack token.
pub type EventFn =
    Box<dyn FnMut(&mut SocketCtx<'_>, EventArgs, Vec<Bytes>, Option<AckToken>) + Send>;
type AnyFn =
    Box<dyn FnMut(&mut SocketCtx<'_>, &str, EventArgs, Vec<Bytes>, Option<AckToken>) + Send>;
type ConnectFn = Box<dyn FnMut(&ConnectCtx<'_>) -> ConnectDecision + Send>;
type ConnectedFn = Box<dyn FnMut(&mut SocketCtx<'_>) + Send>;
type DisconnectFn = Box<dyn FnMut(SocketId, DisconnectReason, &mut Extensions) + Send>;

/// Named-event dispatch: `router.on("chat", |ctx, args, binary, ack| ...)`.
#[derive(Default)]
pub struct EventRouter {
    events: HashMap<String, EventFn>,
    fallback: Option<AnyFn>,
    connect: Option<ConnectFn>,
    connected: Option<ConnectedFn>,
    disconnect: Option<DisconnectFn>,
}

impl std::fmt::Debug for EventRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventRouter")
            .field("events", &self.events.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl EventRouter {
    /// A router with no routes (every connect accepted, every event ignored).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles event `name` with `f` (replacing an earlier route for it).
    #[must_use]
    pub fn on(
        mut self,
        name: &str,
        f: impl FnMut(&mut SocketCtx<'_>, EventArgs, Vec<Bytes>, Option<AckToken>) + Send + 'static,
    ) -> Self {
        self.events.insert(name.to_owned(), Box::new(f));
        self
    }

    /// Handles events with no route of their own.
    #[must_use]
    pub fn on_any(
        mut self,
        f: impl FnMut(&mut SocketCtx<'_>, &str, EventArgs, Vec<Bytes>, Option<AckToken>)
        + Send
        + 'static,
    ) -> Self {
        self.fallback = Some(Box::new(f));
        self
    }

    /// Decides connect requests (default: accept).
    #[must_use]
    pub fn on_connect(
        mut self,
        f: impl FnMut(&ConnectCtx<'_>) -> ConnectDecision + Send + 'static,
    ) -> Self {
        self.connect = Some(Box::new(f));
        self
    }

    /// Runs after a socket is accepted.
    #[must_use]
    pub fn on_connected(mut self, f: impl FnMut(&mut SocketCtx<'_>) + Send + 'static) -> Self {
        self.connected = Some(Box::new(f));
        self
    }

    /// Runs when a socket leaves, with its data: what is left in it afterwards comes back
    /// with the socket if connection state recovery restores it (see
    /// [`NamespaceHandler::on_disconnect`]).
    #[must_use]
    pub fn on_disconnect(
        mut self,
        f: impl FnMut(SocketId, DisconnectReason, &mut Extensions) + Send + 'static,
    ) -> Self {
        self.disconnect = Some(Box::new(f));
        self
    }
}

impl NamespaceHandler for EventRouter {
    fn on_connect(&mut self, ctx: &ConnectCtx<'_>) -> ConnectDecision {
        self.connect
            .as_mut()
            .map_or(ConnectDecision::Accept, |f| f(ctx))
    }

    fn on_connected(&mut self, ctx: &mut SocketCtx<'_>) {
        if let Some(f) = self.connected.as_mut() {
            f(ctx);
        }
    }

    fn on_event(
        &mut self,
        ctx: &mut SocketCtx<'_>,
        event: &str,
        args: EventArgs,
        binary: Vec<Bytes>,
        ack: Option<AckToken>,
    ) {
        if let Some(f) = self.events.get_mut(event) {
            f(ctx, args, binary, ack);
        } else if let Some(f) = self.fallback.as_mut() {
            f(ctx, event, args, binary, ack);
        }
    }

    fn on_disconnect(&mut self, socket: SocketId, reason: DisconnectReason, data: &mut Extensions) {
        if let Some(f) = self.disconnect.as_mut() {
            f(socket, reason, data);
        }
    }
}
