//! The Socket.IO application inside the hub: turns engine events into handler tasks and
//! handle commands into engine calls.
//!
//! # Theory of operation
//! - `Event::Connect`: with an `on_connect` handler, the `PendingConnect` waits here (keyed)
//!   while the handler runs as a task; its decision comes back as `Command::Connect`. A guard
//!   rejects the request if the handler task dies without deciding, so nothing leaks.
//!   Without a handler the request is accepted at once. On accept a [`Socket`] handle is made
//!   and `on_connection` runs.
//! - `Event::Message`: the event's handler (or `on_any`) runs as a task.
//! - Acks the application waits for are oneshots keyed by `AckId`, resolved by `AckReply`,
//!   `AckTimeout` and `BroadcastAck`.
//! - `Event::Disconnect`: the socket's handle is forgotten and `on_disconnect` runs.
//! - A socket's handler tasks start in event order (`order`): each runs once its predecessor
//!   reached its first await, so emits made before awaiting keep the order of the events.

use std::collections::HashMap;
use std::sync::Arc;

use socketio_engine::eio::HandshakeInfo;
use socketio_engine::handler::ConnectDecision;
use socketio_engine::{AckId, Engine, Event, PendingConnect, SocketId};
use socketio_proto::Str;
use socketio_proto::sio::Payload;

use super::command::{Command, Reply};
use super::error::Error;
use super::handle::ServerHandle;
use super::order::{Gate, ordered};
use super::socket::{AckReply, AckSender, BroadcastReplies, ConnectRequest, EventData, Socket};
use super::{BoxFut, Namespace};
use crate::hub::{Dispatcher, HubCx};
use crate::msg::Ctl;

type Cx<'a> = HubCx<'a, Engine, Command>;

struct Pending {
    connect: PendingConnect,
    auth: Option<Payload>,
    handshake: Arc<HandshakeInfo>,
}

/// The application side of a Socket.IO hub.
pub(crate) struct SioDispatcher {
    namespaces: HashMap<Str, Arc<Namespace>>,
    pending: HashMap<u64, Pending>,
    next_key: u64,
    sockets: HashMap<SocketId, Socket>,
    acks: HashMap<AckId, Reply<AckReply>>,
    broadcast_acks: HashMap<AckId, Reply<BroadcastReplies>>,
    /// The gate of each socket's latest handler task (see `order`).
    gates: HashMap<SocketId, Gate>,
}

/// Rejects a pending connect if its handler task ends without deciding.
struct DecisionGuard {
    key: u64,
    ctl: Option<async_channel::Sender<Ctl<Command>>>,
}

impl DecisionGuard {
    fn decide(mut self, decision: ConnectDecision) {
        if let Some(ctl) = self.ctl.take() {
            let _ = ctl.try_send(Ctl::Command(Command::Connect {
                key: self.key,
                decision,
            }));
        }
    }
}

impl Drop for DecisionGuard {
    fn drop(&mut self) {
        if let Some(ctl) = self.ctl.take() {
            let _ = ctl.try_send(Ctl::Command(Command::Connect {
                key: self.key,
                decision: ConnectDecision::Reject {
                    message: "internal error".to_owned(),
                    data: None,
                },
            }));
        }
    }
}

impl SioDispatcher {
    pub(crate) fn new(namespaces: Vec<Namespace>) -> Self {
        Self {
            namespaces: namespaces
                .into_iter()
                .map(|n| (n.name.clone(), Arc::new(n)))
                .collect(),
            pending: HashMap::new(),
            next_key: 0,
            sockets: HashMap::new(),
            acks: HashMap::new(),
            broadcast_acks: HashMap::new(),
            gates: HashMap::new(),
        }
    }

    /// Spawns a handler of `socket` after the handlers before it (see `order`).
    fn spawn_ordered(&mut self, cx: &mut Cx<'_>, socket: SocketId, fut: BoxFut<()>) {
        let (task, gate) = ordered(self.gates.remove(&socket), fut);
        self.gates.insert(socket, gate);
        cx.spawn_handler(task);
    }

    fn handle(cx: &Cx<'_>) -> ServerHandle {
        ServerHandle::new(cx.ctl().clone())
    }

    fn on_connect(&mut self, cx: &mut Cx<'_>, p: PendingConnect) {
        let Some(info) = cx.machine.handshake(p.session()).cloned() else {
            return; // the session is gone; nothing to answer
        };
        let pending = Pending {
            auth: p.auth().cloned(),
            connect: p,
            handshake: Arc::new(info),
        };
        let decide = self
            .namespaces
            .get(pending.connect.nsp())
            .and_then(|ns| ns.on_connect.clone());
        let Some(decide) = decide else {
            self.accept(cx, pending);
            return;
        };
        let key = self.next_key;
        self.next_key = self.next_key.wrapping_add(1);
        let req = ConnectRequest {
            nsp: pending.connect.nsp().clone(),
            auth: pending.auth.clone(),
            handshake: pending.handshake.clone(),
        };
        self.pending.insert(key, pending);
        let guard = DecisionGuard {
            key,
            ctl: Some(cx.ctl().clone()),
        };
        cx.spawn_handler(async move {
            let decision = decide(req).await;
            guard.decide(decision);
        });
    }

    fn accept(&mut self, cx: &mut Cx<'_>, p: Pending) {
        let nsp = p.connect.nsp().clone();
        let Ok(id) = cx.machine.accept_connect(cx.now, p.connect) else {
            return; // the client left meanwhile
        };
        let Some(name) = cx.machine.socket_name(id) else {
            return;
        };
        let socket = Socket::new(id, name, nsp.clone(), p.handshake, Self::handle(cx));
        self.sockets.insert(id, socket.clone());
        if let Some(f) = self
            .namespaces
            .get(&nsp)
            .and_then(|ns| ns.on_connection.clone())
        {
            self.spawn_ordered(cx, id, f(socket, p.auth));
        }
    }

    fn on_message(&mut self, cx: &mut Cx<'_>, socket: SocketId, event: Str, data: EventData) {
        let Some(s) = self.sockets.get(&socket) else {
            return;
        };
        let Some(ns) = self.namespaces.get(s.nsp()) else {
            return;
        };
        let fut = if let Some(f) = ns.events.get(event.as_str()) {
            f(s.clone(), data)
        } else if let Some(f) = &ns.on_any {
            f(s.clone(), event, data)
        } else {
            return;
        };
        self.spawn_ordered(cx, socket, fut);
    }

    fn sockets_of(&self, ids: Vec<SocketId>) -> Vec<Socket> {
        ids.into_iter()
            .filter_map(|id| self.sockets.get(&id).cloned())
            .collect()
    }
}

fn log_err<T>(what: &str, r: Result<T, socketio_engine::UsageError>) {
    if let Err(e) = r {
        tracing::debug!("{what}: {e}");
    }
}

impl Dispatcher<Engine> for SioDispatcher {
    type Command = Command;

    fn on_event(&mut self, cx: &mut Cx<'_>, event: Event) {
        match event {
            Event::Connect(p) => self.on_connect(cx, p),
            Event::Message {
                socket,
                event,
                args,
                binary,
                ack,
            } => {
                let handle = Self::handle(cx);
                let data = EventData {
                    args,
                    binary,
                    ack: ack.map(|t| AckSender::new(t, handle)),
                };
                self.on_message(cx, socket, event, data);
            }
            Event::AckReply {
                ack, args, binary, ..
            } => {
                if let Some(tx) = self.acks.remove(&ack) {
                    let _ = tx.send(Ok(AckReply { args, binary }));
                }
            }
            Event::AckTimeout { ack, .. } => {
                if let Some(tx) = self.acks.remove(&ack) {
                    let _ = tx.send(Err(Error::AckTimeout));
                }
            }
            Event::BroadcastAck {
                ack,
                replies,
                timed_out,
            } => {
                if let Some(tx) = self.broadcast_acks.remove(&ack) {
                    let _ = tx.send(Ok(BroadcastReplies { replies, timed_out }));
                }
            }
            Event::Disconnect {
                socket,
                nsp,
                reason,
            } => {
                // The socket's handler gate goes with it (it was kept for every socket
                // that ever had a handler: ~100 bytes each, for the server's lifetime).
                self.gates.remove(&socket);
                let Some(s) = self.sockets.remove(&socket) else {
                    return;
                };
                if let Some(f) = self
                    .namespaces
                    .get(&nsp)
                    .and_then(|n| n.on_disconnect.clone())
                {
                    cx.spawn_handler(f(s, reason));
                }
            }
            _ => {}
        }
    }

    fn on_command(&mut self, cx: &mut Cx<'_>, cmd: Command) {
        let now = cx.now;
        match cmd {
            Command::Connect { key, decision } => {
                let Some(p) = self.pending.remove(&key) else {
                    return;
                };
                match decision {
                    ConnectDecision::Accept => self.accept(cx, p),
                    ConnectDecision::Reject { message, data } => log_err(
                        "reject",
                        cx.machine.reject_connect(now, p.connect, &message, data),
                    ),
                }
            }
            Command::Emit {
                socket,
                event,
                args,
                binary,
                ack: None,
            } => log_err("emit", cx.machine.emit(now, socket, &event, &args, binary)),
            Command::Emit {
                socket,
                event,
                args,
                binary,
                ack: Some((timeout, reply)),
            } => match cx
                .machine
                .emit_with_ack(now, socket, &event, &args, binary, timeout)
            {
                Ok(id) => {
                    self.acks.insert(id, reply);
                }
                Err(e) => {
                    let _ = reply.send(Err(e.into()));
                }
            },
            Command::Ack {
                token,
                args,
                binary,
            } => log_err("ack", cx.machine.ack(now, token, &args, binary)),
            Command::Broadcast {
                target,
                event,
                args,
                binary,
                ack: None,
            } => log_err(
                "broadcast",
                cx.machine.broadcast(now, &target, &event, &args, binary),
            ),
            Command::Broadcast {
                target,
                event,
                args,
                binary,
                ack: Some((timeout, reply)),
            } => match cx
                .machine
                .broadcast_with_ack(now, &target, &event, &args, binary, timeout)
            {
                Ok(id) => {
                    self.broadcast_acks.insert(id, reply);
                }
                Err(e) => {
                    let _ = reply.send(Err(e.into()));
                }
            },
            Command::Join { socket, room } => log_err("join", cx.machine.join(socket, room)),
            Command::Leave { socket, room } => log_err("leave", cx.machine.leave(socket, &room)),
            Command::Rooms { socket, reply } => {
                let _ = reply.send(cx.machine.rooms(socket).map_err(Into::into));
            }
            Command::Disconnect { socket } => {
                log_err("disconnect", cx.machine.disconnect(now, socket));
            }
            Command::Sockets { target, reply } => {
                let r = cx.machine.sockets(&target).map(|ids| self.sockets_of(ids));
                let _ = reply.send(r.map_err(Into::into));
            }
            Command::SocketsJoin { target, room } => {
                log_err("join", cx.machine.sockets_join(&target, room));
            }
            Command::SocketsLeave { target, room } => {
                log_err("leave", cx.machine.sockets_leave(&target, &room));
            }
            Command::DisconnectSockets { target } => {
                log_err("disconnect", cx.machine.disconnect_sockets(now, &target));
            }
        }
    }
}
