//! The Socket.IO application inside the hub: turns engine events into handler tasks and
//! handle commands into engine calls.
//!
//! # Theory of operation
//! - `Event::Connect`: with a connect step (an `on_connect` closure, or a namespace
//!   object's `connect`), the `PendingConnect` waits here (keyed) while the step runs as a
//!   task; its decision comes back as `Command::Connect`, with the built object for an
//!   object namespace. A guard rejects the request if the task dies without deciding, so
//!   nothing leaks. Without a step the request is accepted at once. On accept a [`Socket`]
//!   handle is made; a closure namespace runs `on_connection`, an object namespace gets its
//!   socket task (`actor`), fed through the socket's mailbox.
//! - `Event::Recovered` (connection state recovery with `skip_middlewares`): the engine
//!   restored the socket without a decision; it gets its handle (with the data kept at its
//!   disconnect) and its connection handler, or a fresh namespace object (`on_recovered`),
//!   started once its previous life's disconnect handlers have finished (`lives`).
//! - `Event::Message`: the closure handler (or `on_any`) is polled on the hub and goes on as
//!   a task only if it waits (`HubCx::run_handler`); for an object
//!   namespace the event goes to the socket's mailbox (a socket `max_queued_events` behind is
//!   disconnected).
//! - Acks the application waits for are oneshots keyed by `AckId`, resolved by `AckReply`,
//!   `AckTimeout` and `BroadcastAck`.
//! - `Event::Disconnect`: the socket's handle, gate and mailbox are forgotten here at once
//!   (every map is keyed by live sockets only); the disconnect handlers run after the
//!   socket's earlier handlers started (closures: ordered by the gate; objects: the last
//!   mail), `disconnecting` (with the rooms it was in) first, then `disconnect`.
//! - A closure namespace's handler tasks start in event order (`order`): each runs once its
//!   predecessor reached its first await, so emits made before awaiting keep the order of the
//!   events.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use socketio_engine::eio::HandshakeInfo;
use socketio_engine::handler::ConnectDecision;
use socketio_engine::{AckId, Engine, Event, PendingConnect, SocketId};
use socketio_proto::Str;
use socketio_proto::sio::Payload;

use super::actor::{Mailbox, ObjectRunner, mailbox};
use super::cluster::{ClusterWaits, ServerSideHandlers};
use super::command::{Command, Reply};
use super::error::Error;
use super::handle::ServerHandle;
use super::lives::Lives;
use super::object::AnyState;
use super::order::{self, Gate, ordered};
use super::socket::{
    AckReply, AckSender, BroadcastReplies, ConnectRequest, EventData, Socket, SocketData,
};
use super::{BoxFut, Namespace};
use crate::config::DriverConfig;
use crate::hub::{Dispatcher, HubCx};
use crate::idmap::IdMap;
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
    objects: HashMap<Str, Arc<dyn ObjectRunner>>,
    state: AnyState,
    max_queued_events: usize,
    pending: HashMap<u64, Pending>,
    next_key: u64,
    pub(super) sockets: IdMap<SocketId, Socket>,
    acks: HashMap<AckId, Reply<AckReply>>,
    /// Server-side handlers, cluster requests and broadcasts with acks (`cluster`).
    cluster: ClusterWaits,
    /// The gate of each closure socket's latest handler task (see `order`).
    gates: IdMap<SocketId, Gate>,
    /// The mailbox of each object socket's task.
    mailboxes: IdMap<SocketId, Mailbox>,
    /// Kept sessions' disconnect handlers, which their recovered lives wait for (`lives`).
    lives: Lives,
    /// The admin UI's hub-side state, when `App::admin_ui` turned it on (`admin::hooks`).
    pub(super) admin: Option<Box<super::admin::monitor::Monitor>>,
}

/// Rejects a pending connect if its handler task ends without deciding.
struct DecisionGuard {
    key: u64,
    ctl: Option<async_channel::Sender<Ctl<Command>>>,
}

impl DecisionGuard {
    fn decide(mut self, decision: ConnectDecision, object: Option<Box<dyn Any + Send>>) {
        if let Some(ctl) = self.ctl.take() {
            let _ = ctl.try_send(Ctl::Command(Command::Connect {
                key: self.key,
                decision,
                object,
            }));
        }
    }
}

impl Drop for DecisionGuard {
    fn drop(&mut self) {
        if let Some(ctl) = self.ctl.take() {
            let _ = ctl.try_send(Ctl::Command(Command::Connect {
                key: self.key,
                decision: ConnectDecision::reject("internal error"),
                object: None,
            }));
        }
    }
}

impl SioDispatcher {
    pub(crate) fn new(
        namespaces: Vec<Namespace>,
        objects: Vec<(Str, Arc<dyn ObjectRunner>)>,
        state: AnyState,
        driver: &DriverConfig,
        server_side: ServerSideHandlers,
    ) -> Self {
        Self {
            namespaces: namespaces
                .into_iter()
                .map(|n| (n.name.clone(), Arc::new(n)))
                .collect(),
            objects: objects.into_iter().collect(),
            state,
            max_queued_events: driver.max_queued_events,
            pending: HashMap::new(),
            next_key: 0,
            sockets: IdMap::default(),
            acks: HashMap::new(),
            cluster: ClusterWaits::new(server_side),
            gates: IdMap::default(),
            mailboxes: IdMap::default(),
            lives: Lives::default(),
            admin: None,
        }
    }

    /// The application state handles carry.
    pub(crate) fn state(&self) -> &AnyState {
        &self.state
    }

    /// How many sockets the dispatcher holds anything for (tests check it returns to 0).
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.sockets.len()
            + self.gates.len()
            + self.mailboxes.len()
            + self.pending.len()
            + self.cluster.held()
    }

    /// Runs a handler of `socket` after the handlers before it (see `order`): at once, on
    /// the hub, when every earlier handler has reached its first await (then it needs no
    /// gate either: once polled, so has it); otherwise as a task behind the gate.
    fn spawn_ordered(&mut self, cx: &mut Cx<'_>, socket: SocketId, fut: BoxFut<()>) {
        let mut gate = self.gates.remove(&socket);
        if order::is_open(gate.as_mut()) {
            cx.run_handler(fut);
            return;
        }
        let (task, gate) = ordered(gate, fut);
        self.gates.insert(socket, gate);
        cx.spawn_handler(task);
    }

    fn handle(&self, cx: &Cx<'_>) -> ServerHandle {
        ServerHandle::new(cx.ctl().clone(), self.state.clone())
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
        let nsp = pending.connect.nsp().clone();
        let decide = self
            .namespaces
            .get(&nsp)
            .and_then(|ns| ns.on_connect.clone());
        let object = self.objects.get(&nsp).cloned();
        if decide.is_none() && object.is_none() {
            self.accept(cx, pending, None);
            return;
        }
        let key = self.next_key;
        self.next_key = self.next_key.wrapping_add(1);
        let req = ConnectRequest {
            nsp: pending.connect.nsp().clone(),
            auth: pending.auth.clone(),
            handshake: pending.handshake.clone(),
            recovered: pending.connect.is_recovery(),
        };
        self.pending.insert(key, pending);
        let guard = DecisionGuard {
            key,
            ctl: Some(cx.ctl().clone()),
        };
        let state = self.state.clone();
        cx.run_handler(async move {
            if let Some(runner) = object {
                match runner.connect(req, &state).await {
                    Ok(object) => guard.decide(ConnectDecision::Accept, Some(object)),
                    Err(r) => guard.decide(
                        ConnectDecision::Reject {
                            message: r.message,
                            data: r.data,
                        },
                        None,
                    ),
                }
            } else if let Some(decide) = decide {
                guard.decide(decide(req).await, None);
            }
        });
    }

    fn accept(&mut self, cx: &mut Cx<'_>, p: Pending, object: Option<Box<dyn Any + Send>>) {
        let nsp = p.connect.nsp().clone();
        // The engine has no clock: node's `handshake.issued`, for other servers' fetchSockets.
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let Ok(id) = cx.machine.accept_connect_issued(cx.now, p.connect, unix_ms) else {
            return; // the client left meanwhile
        };
        let Some(name) = cx.machine.socket_name(id) else {
            return;
        };
        // A request that asked to recover may have been restored (then its data comes back,
        // and its previous life's disconnect handlers finish before anything of this one).
        let recovered = cx.machine.take_recovered(id).map(restored_data);
        let previous = recovered.as_ref().and_then(|_| self.lives.take(&name));
        let socket = Socket::new(
            id,
            name,
            nsp.clone(),
            p.handshake,
            self.handle(cx),
            recovered,
        );
        self.sockets.insert(id, socket.clone());
        self.admin_connected(cx, id);
        if let (Some(object), Some(runner)) = (object, self.objects.get(&nsp)) {
            let (mailbox, inbox) = mailbox();
            self.mailboxes.insert(id, mailbox);
            let run = runner.run(object, socket, &self.state, inbox);
            cx.spawn_socket_task(async move {
                if let Some(previous) = previous {
                    let _ = previous.await;
                }
                run.await;
            });
            return;
        }
        if let Some(f) = self
            .namespaces
            .get(&nsp)
            .and_then(|ns| ns.on_connection.clone())
        {
            // The connection handler starts once the previous life ended; events after it.
            if let Some(previous) = previous {
                self.gates.insert(id, previous);
            }
            self.spawn_ordered(cx, id, f(socket, p.auth));
        }
    }

    /// Connection state recovery restored a socket without a connect decision
    /// (`skip_middlewares`): it is connected, so its connection handler runs, seeing
    /// `recovered()`. A namespace object is built afresh by its `connect` step (told
    /// `req.recovered`), while the socket's events wait in its mailbox; a refusal there
    /// disconnects the socket, as the client was already told it is connected.
    fn on_recovered(&mut self, cx: &mut Cx<'_>, r: socketio_engine::Recovered) {
        let (Some(info), Some(name)) = (
            cx.machine.handshake(r.session).cloned(),
            cx.machine.socket_name(r.socket),
        ) else {
            return;
        };
        let handshake = Arc::new(info);
        let data = restored_data(r.data);
        let previous = self.lives.take(&name);
        let socket = Socket::new(
            r.socket,
            name,
            r.nsp.clone(),
            handshake.clone(),
            self.handle(cx),
            Some(data),
        );
        self.sockets.insert(r.socket, socket.clone());
        self.admin_connected(cx, r.socket);
        if let Some(runner) = self.objects.get(&r.nsp).cloned() {
            let (mailbox, inbox) = mailbox();
            self.mailboxes.insert(r.socket, mailbox);
            let req = ConnectRequest {
                nsp: r.nsp,
                auth: r.auth,
                handshake,
                recovered: true,
            };
            let state = self.state.clone();
            cx.spawn_socket_task(async move {
                if let Some(previous) = previous {
                    let _ = previous.await;
                }
                match runner.connect(req, &state).await {
                    Ok(object) => runner.run(object, socket, &state, inbox).await,
                    Err(refusal) => {
                        tracing::debug!(message = %refusal.message, "recovered socket refused");
                        socket.disconnect();
                    }
                }
            });
            return;
        }
        if let Some(f) = self
            .namespaces
            .get(&r.nsp)
            .and_then(|ns| ns.on_connection.clone())
        {
            if let Some(previous) = previous {
                self.gates.insert(r.socket, previous);
            }
            self.spawn_ordered(cx, r.socket, f(socket, r.auth));
        }
    }

    fn on_message(&mut self, cx: &mut Cx<'_>, socket: SocketId, event: Str, data: EventData) {
        self.admin_received(cx, socket, &event, &data);
        if let Some(mailbox) = self.mailboxes.get(&socket) {
            if !mailbox.push_event(event, data, self.max_queued_events) {
                tracing::warn!(
                    ?socket,
                    limit = self.max_queued_events,
                    "events arrive faster than the socket's namespace object handles them: disconnecting it"
                );
                log_err("disconnect", cx.machine.disconnect(cx.now, socket));
            }
            return;
        }
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

    /// Forgets everything held for `socket` and runs its disconnect handlers after its
    /// earlier ones (see the theory of operation).
    fn on_disconnect(
        &mut self,
        cx: &mut Cx<'_>,
        socket: SocketId,
        nsp: &Str,
        reason: socketio_engine::DisconnectReason,
        rooms: Vec<Str>,
    ) {
        self.admin_disconnected(cx, socket, nsp, reason, &rooms);
        let gate = self.gates.remove(&socket);
        let Some(s) = self.sockets.remove(&socket) else {
            return;
        };
        // Connection state recovery keeps the data with the session, if it kept one; then
        // the socket's next life waits for the disconnect handlers below (`lives`).
        let kept = cx
            .machine
            .keep_data(socket, Box::new(s.shared_data()))
            .is_ok();
        let end = kept.then(|| self.lives.ending(s.name().clone()));
        if let Some(mailbox) = self.mailboxes.remove(&socket) {
            mailbox.close(reason, rooms, end);
            return;
        }
        let Some(ns) = self.namespaces.get(nsp) else {
            return;
        };
        let (disconnecting, disconnect) = (ns.on_disconnecting.clone(), ns.on_disconnect.clone());
        if disconnecting.is_none() && disconnect.is_none() {
            return;
        }
        let fut: BoxFut<()> = Box::pin(async move {
            if let Some(f) = disconnecting {
                f(s.clone(), reason, rooms).await;
            }
            if let Some(f) = disconnect {
                f(s, reason).await;
            }
            drop(end);
        });
        let mut gate = gate;
        if order::is_open(gate.as_mut()) {
            cx.run_handler(fut);
        } else {
            cx.spawn_handler(ordered(gate, fut).0);
        }
    }

    fn sockets_of(&self, ids: Vec<SocketId>) -> Vec<Socket> {
        ids.into_iter()
            .filter_map(|id| self.sockets.get(&id).cloned())
            .collect()
    }
}

/// The socket data recovery kept (ours, as `keep_data` was given it), or fresh data.
fn restored_data(kept: Option<socketio_engine::AppData>) -> SocketData {
    kept.and_then(|d| d.downcast::<SocketData>().ok())
        .map(|d| *d)
        .unwrap_or_default()
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
            Event::Recovered(r) => self.on_recovered(cx, r),
            Event::Message {
                socket,
                event,
                args,
                binary,
                ack,
            } => {
                let handle = self.handle(cx);
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
                let local = BroadcastReplies {
                    replies,
                    timed_out,
                    remote: Vec::new(),
                    remote_timeout: None,
                };
                self.cluster.broadcast_local(ack, local);
            }
            Event::Disconnect {
                socket,
                nsp,
                reason,
                rooms,
            } => self.on_disconnect(cx, socket, &nsp, reason, rooms),
            Event::Cluster(event) => {
                let handle = self.handle(cx);
                self.cluster.on_event(cx, handle, event);
            }
            _ => {}
        }
    }

    fn on_command(&mut self, cx: &mut Cx<'_>, cmd: Command) {
        let now = cx.now;
        let Some(cmd) = self.cluster.on_command(cx, cmd) else {
            return;
        };
        if self.admin_command(cx, &cmd) {
            return;
        }
        match cmd {
            Command::Connect {
                key,
                decision,
                object,
            } => {
                let Some(p) = self.pending.remove(&key) else {
                    return;
                };
                match decision {
                    ConnectDecision::Accept => self.accept(cx, p, object),
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
                    // The other servers' part comes too when the broadcast went to them.
                    let remote = cx.machine.cluster_uid().is_some() && !target.is_local();
                    self.cluster.broadcast_started(id, reply, remote);
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
            Command::CloseTransport { socket } => {
                log_err("close connection", cx.machine.close_transport(now, socket));
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
            #[cfg(test)]
            Command::Held { reply } => {
                let _ = reply.send(Ok(self.held()));
            }
            Command::DisconnectSockets { target } => {
                log_err("disconnect", cx.machine.disconnect_sockets(now, &target));
            }
            Command::ServerSideEmit { .. }
            | Command::ServerSideAck { .. }
            | Command::AllRooms { .. }
            | Command::ServerCount { .. }
            | Command::ClusterSockets { .. } => {} // taken by `cluster` above
            Command::AdminStats | Command::AdminAllSockets { .. } => {} // by `admin_command`
        }
    }
}
