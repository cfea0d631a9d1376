//! What this server publishes: subscriptions for new namespaces, broadcasts, the socket-set
//! operations, and the requests of `cluster_fetch_sockets` / `cluster_all_rooms`.

use std::time::Instant;

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::cluster::{
    BroadcastFlags, BroadcastMessage, BroadcastOpts, ClusterPacket, Request, Selector,
};
use socketio_proto::sio::Args;

use super::ClusterAction;
use super::requests::{ClusterEvent, ClusterRequestId, Gathered};
use crate::action::Action;
use crate::engine::Engine;
use crate::event::Event;
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::error::UsageError;

impl Engine {
    /// Queues the subscriptions for every namespace created since the last call (namespaces
    /// are added by the application or, dynamic ones, by a client connecting), and in the
    /// sharded dynamic mode for the rooms that appeared or emptied since.
    pub(crate) fn cluster_sync(&mut self) {
        let Some(c) = &mut self.cluster else {
            return;
        };
        let mut actions = Vec::new();
        c.sync(&mut self.sio.namespaces, &mut actions);
        self.out
            .extend(actions.into_iter().map(|a| Action::Cluster(Box::new(a))));
    }

    pub(crate) fn cluster_publish(&mut self, action: Option<ClusterAction>) {
        if let Some(a) = action {
            self.out.push_back(Action::Cluster(Box::new(a)));
        }
    }

    /// `target` as the cluster selects sockets: its rooms, and its except rooms plus the
    /// ids of its except sockets (a socket id is a room on every server).
    fn cluster_selector(&self, target: &BroadcastTarget) -> Selector {
        let mut except = target.except_rooms.clone();
        except.extend(
            target
                .except_sockets
                .iter()
                .filter_map(|s| self.sio.socket_name(*s))
                .map(|n| Str::from(n.as_str())),
        );
        Selector {
            rooms: dedup(&target.rooms),
            except: dedup(&except),
        }
    }

    /// Publishes a broadcast the engine just delivered locally (a no-op when the cluster is
    /// off or the target is local).
    pub(crate) fn cluster_broadcast(
        &mut self,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: &[Bytes],
    ) {
        if self.cluster.is_none() || target.local {
            return;
        }
        self.cluster_sync();
        let Selector { rooms, except } = self.cluster_selector(target);
        let Some(c) = &mut self.cluster else {
            return;
        };
        let Some(wire) = c.wire_of(&target.nsp) else {
            return;
        };
        // The local delivery already checked the name; a placeholder without its
        // attachment cannot reach the wire of any server.
        let Ok(packet) = ClusterPacket::event(target.nsp.clone(), event, args, binary) else {
            c.dropped = c.dropped.saturating_add(1);
            return;
        };
        let message = BroadcastMessage {
            uid: c.uid.clone(),
            packet,
            opts: BroadcastOpts {
                rooms,
                except,
                flags: BroadcastFlags {
                    volatile: target.volatile,
                    ..BroadcastFlags::default()
                },
            },
        };
        let action = wire.broadcast(&target.nsp, message);
        self.cluster_publish(action);
    }

    /// Publishes a broadcast with acks the engine just sent locally as `ack` (node's request
    /// type 7), gathering the other servers' counts and acks into
    /// `ClusterEvent::BroadcastAcks`, which always follows (a no-op when the cluster is off or
    /// the target local).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn cluster_broadcast_with_ack(
        &mut self,
        now: Instant,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: &[Bytes],
        ack: crate::sio::ids::AckId,
        timeout: std::time::Duration,
    ) {
        if self.cluster.is_none() || target.local {
            return;
        }
        self.cluster_sync();
        let Selector { rooms, except } = self.cluster_selector(target);
        let Ok(packet) = ClusterPacket::event(target.nsp.clone(), event, args, binary) else {
            // Not encodable for the other servers: their part ends at once, empty, so whoever
            // waits for both parts is not left waiting.
            self.sio
                .events
                .push_back(Event::Cluster(ClusterEvent::BroadcastAcks {
                    ack,
                    responses: Vec::new(),
                    timeout: None,
                }));
            return;
        };
        let Some(c) = &mut self.cluster else {
            return;
        };
        let gathered = Gathered::BroadcastAcks {
            ack,
            clients: 0,
            acks: Vec::new(),
        };
        let (_, wire) = c.start_with(now, gathered, timeout, &mut self.sio.events);
        let Some(request_id) = wire else {
            return;
        };
        let opts = BroadcastOpts {
            rooms,
            except,
            flags: BroadcastFlags {
                volatile: target.volatile,
                timeout: Some(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX)),
                ..BroadcastFlags::default()
            },
        };
        self.cluster_request(&target.nsp, |uid| Request::BroadcastWithAck {
            uid,
            request_id,
            packet,
            opts,
        });
    }

    /// Publishes a request to every server of `nsp` (nothing when the cluster is off).
    pub(crate) fn cluster_request(&mut self, nsp: &str, request: impl FnOnce(Str) -> Request) {
        self.cluster_sync();
        let Some(c) = &self.cluster else {
            return;
        };
        let Some((nsp, wire)) = c.channels.iter().find(|(n, _)| n.as_str() == nsp) else {
            return;
        };
        let action = wire.request(nsp, request(c.uid.clone()));
        self.cluster_publish(action);
    }

    /// `sockets_join` on the other servers.
    pub(crate) fn cluster_sockets_join(&mut self, target: &BroadcastTarget, room: &Str) {
        if self.cluster.is_some() && !target.local {
            let selector = self.cluster_selector(target);
            self.cluster_request(&target.nsp, |uid| Request::Join {
                uid,
                selector,
                rooms: vec![room.clone()],
            });
        }
    }

    /// `sockets_leave` on the other servers.
    pub(crate) fn cluster_sockets_leave(&mut self, target: &BroadcastTarget, room: &str) {
        if self.cluster.is_some() && !target.local {
            let selector = self.cluster_selector(target);
            self.cluster_request(&target.nsp, |uid| Request::Leave {
                uid,
                selector,
                rooms: vec![Str::from(room)],
            });
        }
    }

    /// `disconnect_sockets` on the other servers (namespace only: `close` false).
    pub(crate) fn cluster_disconnect_sockets(&mut self, target: &BroadcastTarget, close: bool) {
        if self.cluster.is_some() && !target.local {
            let selector = self.cluster_selector(target);
            self.cluster_request(&target.nsp, |uid| Request::Disconnect {
                uid,
                selector,
                close,
            });
        }
    }

    /// Asks every other server for its sockets `target` selects (node's `fetchSockets`,
    /// without the local ones: those are [`sockets`](Self::sockets)). One
    /// `Event::Cluster(ClusterEvent::FetchSockets)` follows, at once when this is the only
    /// server, else when all answered or the request timeout passed.
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`]; [`UsageError::ClusterOff`] without a cluster.
    pub fn cluster_fetch_sockets(
        &mut self,
        now: Instant,
        target: &BroadcastTarget,
    ) -> Result<ClusterRequestId, UsageError> {
        let now = self.clamp(now);
        self.check_cluster(&target.nsp)?;
        let selector = self.cluster_selector(target);
        let id = self.cluster_start(
            now,
            &target.nsp,
            Gathered::Sockets(Vec::new()),
            |uid, request_id| Request::Fetch {
                uid,
                request_id,
                selector,
            },
        );
        self.pump(now);
        Ok(id)
    }

    /// Asks every other server for its room names (node's `allRooms`, without this
    /// server's). One `Event::Cluster(ClusterEvent::AllRooms)` follows, as for
    /// [`cluster_fetch_sockets`](Self::cluster_fetch_sockets).
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`]; [`UsageError::ClusterOff`] without a cluster.
    pub fn cluster_all_rooms(
        &mut self,
        now: Instant,
        nsp: &str,
    ) -> Result<ClusterRequestId, UsageError> {
        let now = self.clamp(now);
        self.check_cluster(nsp)?;
        self.cluster_sync();
        let asks = self
            .cluster
            .as_ref()
            .and_then(|c| c.wire_of(nsp))
            .is_some_and(super::wire::Wire::asks_all_rooms);
        let id = if asks {
            self.cluster_start(now, nsp, Gathered::Rooms(Vec::new()), |uid, request_id| {
                Request::AllRooms { uid, request_id }
            })
        } else {
            // node's sharded adapter asks nobody: its allRooms is the local rooms.
            let Some(c) = &mut self.cluster else {
                return Err(UsageError::ClusterOff);
            };
            c.finish_now(Gathered::Rooms(Vec::new()), &mut self.sio.events)
        };
        self.pump(now);
        Ok(id)
    }

    pub(crate) fn check_cluster(&self, nsp: &str) -> Result<(), UsageError> {
        if self.cluster.is_none() {
            return Err(UsageError::ClusterOff);
        }
        self.sio
            .namespaces
            .find(nsp)
            .map(|_| ())
            .ok_or(UsageError::UnknownNamespace)
    }

    pub(crate) fn cluster_start(
        &mut self,
        now: Instant,
        nsp: &str,
        gathered: Gathered,
        request: impl FnOnce(Str, Str) -> Request,
    ) -> ClusterRequestId {
        let Some(c) = &mut self.cluster else {
            return ClusterRequestId(0);
        };
        let (id, wire) = c.start(now, gathered, &mut self.sio.events);
        if let Some(wire) = wire {
            self.cluster_request(nsp, |uid| request(uid, wire));
        }
        id
    }

    /// How many servers share the cluster, this one included (node's `serverCount`, the
    /// subscriber count of the request channel, which the driver asks Redis for). Requests
    /// wait for this many minus one answers. Default 1: no other server.
    pub fn set_cluster_server_count(&mut self, count: usize) {
        if let Some(c) = &mut self.cluster {
            c.server_count = count.max(1);
        }
    }

    /// How many servers share the cluster, this one included, as the driver last told
    /// ([`set_cluster_server_count`](Self::set_cluster_server_count)); 1 without a cluster
    /// (node's `serverCount` is 1 with its in-memory adapter too).
    #[must_use]
    pub fn cluster_server_count(&self) -> usize {
        self.cluster.as_ref().map_or(1, |c| c.server_count)
    }

    /// This server's room names in namespace `nsp`, socket ids included (node's
    /// `adapter.rooms` keys, what it answers another server's `allRooms` with).
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`].
    pub fn local_all_rooms(&self, nsp: &str) -> Result<Vec<Str>, UsageError> {
        self.sio
            .namespaces
            .find(nsp)
            .ok_or(UsageError::UnknownNamespace)?;
        Ok(self.local_rooms(nsp))
    }

    /// This server's uid on the cluster channels, when the cluster is on.
    #[must_use]
    pub fn cluster_uid(&self) -> Option<&str> {
        self.cluster.as_ref().map(|c| c.uid.as_str())
    }

    /// How many received cluster messages were dropped (malformed, oversized, of an unknown
    /// kind, or answering no request of ours); a driver may log when it grows.
    #[must_use]
    pub fn cluster_dropped(&self) -> u64 {
        self.cluster.as_ref().map_or(0, |c| c.dropped)
    }
}

/// `list` with repeats removed, first occurrence kept (node spreads a `Set`).
fn dedup(list: &[Str]) -> Vec<Str> {
    let mut out: Vec<Str> = Vec::with_capacity(list.len());
    for s in list {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}
