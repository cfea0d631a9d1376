//! Requests to the other servers (`fetchSockets`, `allRooms`): their bookkeeping, the
//! responses that complete them and the timeout that ends them, and the event reporting each.

use std::time::{Duration, Instant};

use socketio_proto::Str;
use socketio_proto::cluster::{RemoteSocket, ResponseBody};

use super::state::ClusterState;
use crate::event::Event;
use crate::sio::ids::AckId;

/// A request to the other servers, named in the [`ClusterEvent`] that ends it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ClusterRequestId(pub(crate) u64);

impl ClusterRequestId {
    /// The raw number, for logs and maps.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }
}

/// Not every other server answered within the request timeout (node then rejects the
/// promise with "timeout reached while waiting for … response").
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
#[error("timeout reached: {answered} of {expected} servers answered")]
pub struct RequestTimeout {
    /// Servers that answered.
    pub answered: usize,
    /// Servers waited for (the server count minus this one).
    pub expected: usize,
}

/// What the cluster tells the application: the end of a request to the other servers, or
/// another server's server-side emit.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub enum ClusterEvent {
    /// `cluster_fetch_sockets` ended: the other servers' selected sockets (this server's own
    /// are `Engine::sockets`).
    FetchSockets {
        /// The request.
        request: ClusterRequestId,
        /// The sockets, or the timeout.
        result: Result<Vec<RemoteSocket>, RequestTimeout>,
    },
    /// `cluster_all_rooms` ended: the other servers' room names (socket ids included, as
    /// node lists them), each once.
    AllRooms {
        /// The request.
        request: ClusterRequestId,
        /// The room names, or the timeout.
        result: Result<Vec<Str>, RequestTimeout>,
    },
    /// `cluster_server_side_emit_with_ack` ended: each other server's answer (its first
    /// argument), in arrival order; with a timeout, the answers that came (node calls back
    /// with the error and those).
    ServerSideEmitAcks {
        /// The request.
        request: ClusterRequestId,
        /// The answers.
        responses: Vec<serde_json::Value>,
        /// Set when not every server answered in time.
        timeout: Option<RequestTimeout>,
    },
    /// The other servers' part of a `broadcast_with_ack` (whose own part is the local
    /// `Event::BroadcastAck` of the same `ack`): each of their clients' ack (its first
    /// argument; binaries as node's `Buffer` JSON), ended when every other server sent its
    /// client count and that many acks came, or at the broadcast's timeout.
    BroadcastAcks {
        /// The ack `broadcast_with_ack` returned.
        ack: AckId,
        /// The other servers' clients' acks, in arrival order.
        responses: Vec<serde_json::Value>,
        /// Set when not everything came in time (`answered` counts the servers that sent
        /// their client count).
        timeout: Option<RequestTimeout>,
    },
    /// Another server's `serverSideEmit`: an event for this server itself (node's
    /// `io.on(event, ...)`), not for its clients.
    ServerSideEmit {
        /// The namespace it was emitted in.
        nsp: Str,
        /// The event name.
        event: Str,
        /// Its arguments.
        args: socketio_proto::sio::Args,
        /// Present when the sender waits for an answer: give it to
        /// `Engine::cluster_server_side_ack`, at most once. (Boxed: events queue by the
        /// thousand, each as large as the largest.)
        ack: Option<Box<ServerSideAck>>,
    },
}

/// The obligation to answer another server's server-side emit once (consumed by
/// `Engine::cluster_server_side_ack`; not `Clone`, so a second answer cannot be written).
#[derive(Debug, PartialEq, Eq)]
#[must_use = "the other server waits for this answer until its timeout"]
pub struct ServerSideAck {
    pub(crate) nsp: Str,
    /// The server that asked (sharded mode answers on its own channel).
    pub(crate) requester: Str,
    pub(crate) request_id: Str,
}

/// What a request gathers.
#[derive(Debug)]
pub(crate) enum Gathered {
    Sockets(Vec<RemoteSocket>),
    Rooms(Vec<Str>),
    Acks(Vec<serde_json::Value>),
    /// A broadcast with acks: the clients the other servers counted, and their acks.
    BroadcastAcks {
        ack: AckId,
        clients: u64,
        acks: Vec<serde_json::Value>,
    },
}

/// A request in flight.
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) wire_id: Str,
    pub(crate) expected: usize,
    pub(crate) answered: usize,
    pub(crate) gathered: Gathered,
}

impl ClusterState {
    /// Registers a request waiting for every other server until `now + requests_timeout`;
    /// returns its ids, or `None` (with the event) when there is no other server.
    pub(crate) fn start(
        &mut self,
        now: Instant,
        gathered: Gathered,
        events: &mut impl Extend<Event>,
    ) -> (ClusterRequestId, Option<Str>) {
        let timeout = self.config.requests_timeout;
        self.start_with(now, gathered, timeout, events)
    }

    /// A request nobody else is asked: it ends at once with `gathered`.
    pub(crate) fn finish_now(
        &mut self,
        gathered: Gathered,
        events: &mut impl Extend<Event>,
    ) -> ClusterRequestId {
        let request = ClusterRequestId(self.next_request);
        self.next_request = self.next_request.wrapping_add(1);
        events.extend([finish(request, gathered, None)]);
        request
    }

    /// As `start`, ending at `now + timeout`.
    pub(crate) fn start_with(
        &mut self,
        now: Instant,
        gathered: Gathered,
        timeout: Duration,
        events: &mut impl Extend<Event>,
    ) -> (ClusterRequestId, Option<Str>) {
        let id = self.next_request;
        self.next_request = self.next_request.wrapping_add(1);
        let request = ClusterRequestId(id);
        let expected = self.server_count.saturating_sub(1);
        if expected == 0 {
            // node answers with the local result alone when it is the only server.
            events.extend([finish(request, gathered, None)]);
            return (request, None);
        }
        let wire_id = Str::from(format!("{}{id}", self.uid));
        self.by_wire.insert(wire_id.to_string(), id);
        self.pending.insert(
            id,
            Pending {
                wire_id: wire_id.clone(),
                expected,
                answered: 0,
                gathered,
            },
        );
        let at = crate::timer::after(now, timeout);
        self.timers.set(id, (), at);
        (request, Some(wire_id))
    }

    /// A response arrived: counts it for its request (every response does, as in node,
    /// even one without the expected field) and ends the request when all are in. Returns
    /// false when it answers no request of ours.
    pub(crate) fn respond(
        &mut self,
        request_id: &str,
        body: ResponseBody,
        events: &mut impl Extend<Event>,
    ) -> bool {
        let Some(&id) = self.by_wire.get(request_id) else {
            return false;
        };
        let Some(p) = self.pending.get_mut(&id) else {
            return false;
        };
        if let Gathered::BroadcastAcks { clients, acks, .. } = &mut p.gathered {
            match body {
                ResponseBody::ClientCount(n) => {
                    p.answered = p.answered.saturating_add(1);
                    *clients = clients.saturating_add(n);
                }
                ResponseBody::BroadcastAck(v) => acks.push(plain_json(&v)),
                _ => {}
            }
            let done = p.answered >= p.expected && acks.len() as u64 >= *clients;
            if done {
                self.end(id, false, events);
            }
            return true;
        }
        p.answered = p.answered.saturating_add(1);
        match (&mut p.gathered, body) {
            (Gathered::Sockets(list), ResponseBody::Sockets(more)) => list.extend(more),
            (Gathered::Rooms(list), ResponseBody::Rooms(more)) => {
                for room in more {
                    if !list.contains(&room) {
                        list.push(room);
                    }
                }
            }
            (Gathered::Acks(list), ResponseBody::ServerSideEmitAck(v)) => list.push(plain_json(&v)),
            _ => {}
        }
        if p.answered >= p.expected {
            self.end(id, false, events);
        }
        true
    }

    /// Ends every request whose deadline passed.
    pub(crate) fn expire(&mut self, now: Instant, events: &mut impl Extend<Event>) {
        while let Some((id, (), _)) = self.timers.pop_expired(now) {
            self.end(id, true, events);
        }
    }

    fn end(&mut self, id: u64, timed_out: bool, events: &mut impl Extend<Event>) {
        self.timers.cancel(id, ());
        let Some(p) = self.pending.remove(&id) else {
            return;
        };
        self.by_wire.remove(p.wire_id.as_str());
        let timeout = timed_out.then_some(RequestTimeout {
            answered: p.answered,
            expected: p.expected,
        });
        events.extend([finish(ClusterRequestId(id), p.gathered, timeout)]);
    }
}

fn finish(request: ClusterRequestId, gathered: Gathered, timeout: Option<RequestTimeout>) -> Event {
    Event::Cluster(match gathered {
        Gathered::Sockets(list) => ClusterEvent::FetchSockets {
            request,
            result: timeout.map_or(Ok(list), Err),
        },
        Gathered::Rooms(list) => ClusterEvent::AllRooms {
            request,
            result: timeout.map_or(Ok(list), Err),
        },
        Gathered::Acks(responses) => ClusterEvent::ServerSideEmitAcks {
            request,
            responses,
            timeout,
        },
        Gathered::BroadcastAcks { ack, acks, .. } => ClusterEvent::BroadcastAcks {
            ack,
            responses: acks,
            timeout,
        },
    })
}

/// A value as node's `JSON.stringify` would give it, read back as JSON.
fn plain_json(v: &socketio_proto::cluster::Value) -> serde_json::Value {
    let mut json = String::new();
    v.write_plain_json(&mut json)
        .ok()
        .and_then(|()| serde_json::from_str(&json).ok())
        .unwrap_or(serde_json::Value::Null)
}
