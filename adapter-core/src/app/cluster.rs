//! The cluster in the application API: server-side emits both ways, `allRooms`,
//! `serverCount`, and the merge of a broadcast's local and remote acks.
//!
//! Without a cluster every call here gives the local answer (node's in-memory adapter has
//! one server): `server_count` is 1, `all_rooms` this server's rooms, a server-side emit
//! reaches nobody and one with acks ends at once with no answers.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use socketio_engine::cluster::{ClusterEvent, ClusterRequestId, RequestTimeout, ServerSideAck};
use socketio_engine::{AckId, Engine};
use socketio_proto::Str;
use socketio_proto::sio::Args;

use super::BoxFut;
use super::command::{Command, Reply};
use super::error::{Error, log_failure};
use super::handle::ServerHandle;
use super::remote::RemoteSocket;
use super::socket::BroadcastReplies;
use crate::hub::HubCx;

type Cx<'a> = HubCx<'a, Engine, Command>;

/// A handler of the other servers' server-side emits of one event.
pub(crate) type ServerSideFn =
    Arc<dyn Fn(ServerHandle, ServerSideEvent) -> BoxFut<()> + Send + Sync>;

/// Server-side handlers by namespace, then event name.
pub(crate) type ServerSideHandlers = HashMap<Str, HashMap<String, ServerSideFn>>;

/// Wraps a handler closure.
pub(crate) fn server_side_fn<F, Fut>(f: F) -> ServerSideFn
where
    F: Fn(ServerHandle, ServerSideEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |h, e| Box::pin(f(h, e)))
}

/// The other servers' answers to a server-side emit with acks (node's
/// `serverSideEmitWithAck` resolves with them, or calls back with an error and them).
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSideReplies {
    /// Each answering server's answer, in arrival order.
    pub responses: Vec<serde_json::Value>,
    /// Set when not every other server answered within the requests timeout.
    pub timeout: Option<RequestTimeout>,
}

/// Another server's server-side emit, as a handler of
/// [`App::on_server_side_emit`](super::App::on_server_side_emit) receives it.
#[derive(Debug)]
pub struct ServerSideEvent {
    /// The namespace it was emitted in.
    pub nsp: Str,
    /// Its arguments (without the event name).
    pub args: Args,
    /// Present when the sender waits for an answer.
    pub ack: Option<ServerSideAckSender>,
}

impl ServerSideEvent {
    /// The arguments as `T`, by the argument rule (a tuple reads the list, anything else
    /// the first argument).
    ///
    /// # Errors
    /// When the arguments do not fit `T`.
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        self.args.parse()
    }
}

/// The right to answer one server-side emit, at most once (node's callback; its first
/// argument is what travels, so there is one value). Dropping it sends nothing: the sender
/// then waits until its timeout, as with a node listener ignoring its callback.
#[derive(Debug)]
pub struct ServerSideAckSender {
    ack: Box<ServerSideAck>,
    handle: ServerHandle,
}

impl ServerSideAckSender {
    /// Answers with `value`. Fire and forget: failures are logged.
    pub fn send<T: Serialize + ?Sized>(self, value: &T) {
        let r = serde_json::to_value(value)
            .map_err(Error::Serialize)
            .and_then(|value| {
                self.handle.send(Command::ServerSideAck {
                    ack: self.ack,
                    value,
                })
            });
        log_failure("server-side ack", r);
    }
}

/// A broadcast with acks waiting for its local part, and for the other servers' part when
/// it went to them.
struct BroadcastWait {
    reply: Reply<BroadcastReplies>,
    local: Option<BroadcastReplies>,
    remote: Option<(Vec<serde_json::Value>, Option<RequestTimeout>)>,
}

/// What the application waits for from the cluster.
#[derive(Default)]
pub(crate) struct ClusterWaits {
    handlers: ServerSideHandlers,
    rooms: HashMap<ClusterRequestId, (Vec<Str>, Reply<Vec<Str>>)>,
    emits: HashMap<ClusterRequestId, Reply<ServerSideReplies>>,
    /// `fetchSockets` requests, with their namespace.
    sockets: HashMap<ClusterRequestId, (Str, Reply<Vec<RemoteSocket>>)>,
    broadcasts: HashMap<AckId, BroadcastWait>,
}

impl ClusterWaits {
    pub(crate) fn new(handlers: ServerSideHandlers) -> Self {
        Self {
            handlers,
            ..Self::default()
        }
    }

    /// How many requests and broadcasts are waiting (tests: nothing leaks).
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.rooms.len() + self.emits.len() + self.sockets.len() + self.broadcasts.len()
    }

    /// A broadcast with acks started as `ack`; `remote` when it also went to the other
    /// servers (whose part then ends in `ClusterEvent::BroadcastAcks`).
    pub(crate) fn broadcast_started(
        &mut self,
        ack: AckId,
        reply: Reply<BroadcastReplies>,
        remote: bool,
    ) {
        let wait = BroadcastWait {
            reply,
            local: None,
            remote: (!remote).then(|| (Vec::new(), None)),
        };
        self.broadcasts.insert(ack, wait);
    }

    /// The local part of broadcast `ack` ended.
    pub(crate) fn broadcast_local(&mut self, ack: AckId, local: BroadcastReplies) {
        if let Some(w) = self.broadcasts.get_mut(&ack) {
            w.local = Some(local);
            self.finish(ack);
        }
    }

    fn finish(&mut self, ack: AckId) {
        let done = self
            .broadcasts
            .get(&ack)
            .is_some_and(|w| w.local.is_some() && w.remote.is_some());
        if !done {
            return;
        }
        if let Some(BroadcastWait {
            reply,
            local: Some(mut out),
            remote: Some((remote, timeout)),
        }) = self.broadcasts.remove(&ack)
        {
            out.remote = remote;
            out.remote_timeout = timeout;
            let _ = reply.send(Ok(out));
        }
    }

    /// A cluster command; `None` when `cmd` is not one.
    pub(crate) fn on_command(&mut self, cx: &mut Cx<'_>, cmd: Command) -> Option<Command> {
        let now = cx.now;
        match cmd {
            Command::ServerSideEmit {
                nsp,
                event,
                args,
                reply: None,
            } => {
                if cx.machine.cluster_uid().is_some() {
                    let r = cx
                        .machine
                        .cluster_server_side_emit(now, &nsp, &event, &args);
                    log_failure("server-side emit", r.map_err(Into::into));
                }
            }
            Command::ServerSideEmit {
                nsp,
                event,
                args,
                reply: Some(reply),
            } => {
                if cx.machine.cluster_uid().is_none() {
                    let _ = reply.send(Ok(ServerSideReplies {
                        responses: Vec::new(),
                        timeout: None,
                    }));
                    return None;
                }
                match cx
                    .machine
                    .cluster_server_side_emit_with_ack(now, &nsp, &event, &args)
                {
                    Ok(id) => {
                        self.emits.insert(id, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Command::ServerSideAck { ack, value } => {
                let r = cx.machine.cluster_server_side_ack(now, *ack, &value);
                log_failure("server-side ack", r.map_err(Into::into));
            }
            Command::AllRooms { nsp, reply } => {
                let local = match cx.machine.local_all_rooms(&nsp) {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                        return None;
                    }
                };
                if cx.machine.cluster_uid().is_none() {
                    let _ = reply.send(Ok(local));
                    return None;
                }
                match cx.machine.cluster_all_rooms(now, &nsp) {
                    Ok(id) => {
                        self.rooms.insert(id, (local, reply));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Command::ClusterSockets { target, reply } => {
                if cx.machine.cluster_uid().is_none() {
                    // No other server, so none of its sockets (after the namespace check).
                    let r = cx.machine.sockets(&target).map(|_| Vec::new());
                    let _ = reply.send(r.map_err(Into::into));
                    return None;
                }
                match cx.machine.cluster_fetch_sockets(now, &target) {
                    Ok(id) => {
                        self.sockets.insert(id, (target.nsp().clone(), reply));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Command::ServerCount { reply } => {
                let _ = reply.send(Ok(cx.machine.cluster_server_count()));
            }
            other => return Some(other),
        }
        None
    }

    /// A cluster event.
    pub(crate) fn on_event(&mut self, cx: &mut Cx<'_>, handle: ServerHandle, event: ClusterEvent) {
        match event {
            ClusterEvent::FetchSockets { request, result } => {
                if let Some((nsp, reply)) = self.sockets.remove(&request) {
                    let r = result.map(|list| {
                        list.into_iter()
                            .map(|s| RemoteSocket::new(handle.clone(), nsp.clone(), s))
                            .collect()
                    });
                    let _ = reply.send(r.map_err(Into::into));
                }
            }
            ClusterEvent::AllRooms { request, result } => {
                if let Some((mut local, reply)) = self.rooms.remove(&request) {
                    let r = result.map(|remote| {
                        for room in remote {
                            if !local.contains(&room) {
                                local.push(room);
                            }
                        }
                        local
                    });
                    let _ = reply.send(r.map_err(Into::into));
                }
            }
            ClusterEvent::ServerSideEmitAcks {
                request,
                responses,
                timeout,
            } => {
                if let Some(reply) = self.emits.remove(&request) {
                    let _ = reply.send(Ok(ServerSideReplies { responses, timeout }));
                }
            }
            ClusterEvent::BroadcastAcks {
                ack,
                responses,
                timeout,
            } => {
                if let Some(w) = self.broadcasts.get_mut(&ack) {
                    w.remote = Some((responses, timeout));
                    self.finish(ack);
                }
            }
            ClusterEvent::ServerSideEmit {
                nsp,
                event,
                args,
                ack,
            } => {
                let f = self
                    .handlers
                    .get(&nsp)
                    .and_then(|events| events.get(event.as_str()))
                    .cloned();
                let Some(f) = f else {
                    // No listener: node's EventEmitter drops it too; the sender times out.
                    tracing::debug!("server-side emit {event:?} in {nsp:?}: no handler");
                    return;
                };
                let ack = ack.map(|ack| ServerSideAckSender {
                    ack,
                    handle: handle.clone(),
                });
                let data = ServerSideEvent { nsp, args, ack };
                cx.spawn_handler(f(handle, data));
            }
            _ => {}
        }
    }
}
