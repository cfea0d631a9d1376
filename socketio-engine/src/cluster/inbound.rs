//! What arrives from Redis: broadcasts to deliver to local clients, requests to apply or
//! answer, responses to our requests. Anything malformed or not for us is dropped and
//! counted; nothing here can fail a local client.

use std::time::Instant;

use bytes::Bytes;
use serde_json::Value as Json;
use socketio_proto::Str;
use socketio_proto::cluster::{
    BroadcastMessage, RemoteSocket, Request, Response, ResponseBody, Selector, Value,
};

use super::wire::Inbound;

use crate::engine::Engine;
use crate::http::query_pairs;
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::ids::SocketId;

impl Engine {
    /// A message arrived on a cluster channel: `channel` and `payload` as Redis delivered
    /// them (for a pattern subscription, the channel the message was published to).
    pub fn handle_cluster_message(&mut self, now: Instant, channel: &str, payload: Bytes) {
        let now = self.clamp(now);
        self.expire(now);
        self.cluster_sync();
        if !self.cluster_receive(now, channel, &payload)
            && let Some(c) = &mut self.cluster
        {
            c.dropped = c.dropped.saturating_add(1);
        }
        self.pump(now);
    }

    /// Handles one message; false when it was dropped.
    fn cluster_receive(&mut self, now: Instant, channel: &str, payload: &Bytes) -> bool {
        let Some(c) = &self.cluster else {
            return false;
        };
        let limits = c.config.limits;
        let Some((nsp, decoded)) = c.channels.iter().find_map(|(nsp, wire)| {
            Some((nsp.clone(), wire.decode(nsp, channel, payload, &limits)?))
        }) else {
            return false;
        };
        match decoded {
            Ok(Inbound::Broadcast { room, message }) => {
                self.cluster_deliver(now, &nsp, room.as_deref(), message)
            }
            Ok(Inbound::Request(r)) => self.cluster_answer(now, &nsp, r),
            Ok(Inbound::Response(r)) => self
                .cluster
                .as_mut()
                .is_some_and(|c| c.respond(&r.request_id, r.body, &mut self.sio.events)),
            Ok(Inbound::Presence) => true,
            Err(_) => false,
        }
    }

    fn is_own(&self, uid: &str) -> bool {
        self.cluster.as_ref().is_some_and(|c| c.uid.as_str() == uid)
    }

    /// Delivers another server's broadcast to the local sockets it selects.
    fn cluster_deliver(
        &mut self,
        now: Instant,
        nsp: &Str,
        room: Option<&str>,
        m: BroadcastMessage,
    ) -> bool {
        // As node: our own message, another namespace, `local`, or a room channel of a room
        // nobody here is in, is not for us.
        if self.is_own(&m.uid) || m.packet.nsp != *nsp || m.opts.flags.local {
            return false;
        }
        if let Some(room) = room
            && !self.has_room(nsp, room)
        {
            return true;
        }
        let name = match m.packet.data.first() {
            Some(Value::Str(s)) => s.to_string(),
            Some(n @ (Value::UInt(_) | Value::Int(_) | Value::F64(_) | Value::F32(_))) => {
                let mut s = String::new();
                if n.write_plain_json(&mut s).is_err() {
                    return false;
                }
                s
            }
            _ => return false,
        };
        let Ok((args, binary)) = m.packet.args_json() else {
            return false;
        };
        let mut target = BroadcastTarget::namespace(nsp.clone());
        target.rooms = m.opts.rooms;
        target.except_rooms = m.opts.except;
        target.volatile = m.opts.flags.volatile;
        // Reserved names and unknown namespaces are refused by the local broadcast.
        self.sio
            .broadcast(now, &mut self.eio, &target, &name, &args, binary)
            .is_ok()
    }

    fn has_room(&self, nsp: &str, room: &str) -> bool {
        let Some(ns_id) = self.sio.namespaces.find(nsp) else {
            return false;
        };
        self.sio
            .namespaces
            .get(ns_id)
            .is_some_and(|ns| ns.rooms.get(room).is_some())
            || self.sio.own_room(ns_id, room).is_some()
    }

    fn target_of(nsp: &Str, s: &Selector) -> BroadcastTarget {
        let mut t = BroadcastTarget::namespace(nsp.clone());
        t.rooms.clone_from(&s.rooms);
        t.except_rooms.clone_from(&s.except);
        t
    }

    /// Applies or answers another server's request.
    fn cluster_answer(&mut self, now: Instant, nsp: &Str, r: Request) -> bool {
        if self.is_own(r.uid()) {
            // Applied locally when it was made; our own answer would count twice.
            return false;
        }
        let requester = r.uid().clone();
        match r {
            Request::Join {
                selector, rooms, ..
            } => {
                let t = Self::target_of(nsp, &selector);
                for room in &rooms {
                    let _ = self.sio.sockets_join(&t, room);
                }
                true
            }
            Request::Leave {
                selector, rooms, ..
            } => {
                let t = Self::target_of(nsp, &selector);
                for room in &rooms {
                    let _ = self.sio.sockets_leave(&t, room);
                }
                true
            }
            Request::Disconnect {
                selector, close, ..
            } => {
                let t = Self::target_of(nsp, &selector);
                let list = self.sio.select(&t).unwrap_or_default();
                for id in list {
                    let _ = if close {
                        self.sio.disconnect_session(now, &mut self.eio, id)
                    } else {
                        self.sio.disconnect(now, &mut self.eio, id)
                    };
                }
                true
            }
            Request::Fetch {
                request_id,
                selector,
                ..
            } => {
                let t = Self::target_of(nsp, &selector);
                let list = self.sio.select(&t).unwrap_or_default();
                let sockets = list
                    .iter()
                    .filter_map(|id| self.remote_socket(*id))
                    .collect();
                self.cluster_respond(nsp, &requester, request_id, ResponseBody::Sockets(sockets))
            }
            Request::Sockets {
                request_id, rooms, ..
            } => {
                let mut t = BroadcastTarget::namespace(nsp.clone());
                t.rooms = rooms;
                let ids = self
                    .sio
                    .select(&t)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|id| self.sio.socket_name(*id))
                    .map(|n| Str::from(n.as_str()))
                    .collect();
                self.cluster_respond(nsp, &requester, request_id, ResponseBody::SocketIds(ids))
            }
            Request::AllRooms { request_id, .. } => {
                let rooms = self.local_rooms(nsp);
                self.cluster_respond(nsp, &requester, request_id, ResponseBody::Rooms(rooms))
            }
            Request::ServerSideEmit {
                request_id, data, ..
            } => self.cluster_server_side_received(nsp, &requester, request_id, &data),
            Request::BroadcastWithAck {
                request_id,
                packet,
                opts,
                ..
            } => self
                .cluster_remote_broadcast_with_ack(now, nsp, &requester, request_id, &packet, opts),
            _ => false,
        }
    }

    /// Publishes this server's answer to a request of server `requester`.
    pub(crate) fn cluster_respond(
        &mut self,
        nsp: &str,
        requester: &str,
        request_id: Str,
        body: ResponseBody,
    ) -> bool {
        let Some(c) = &self.cluster else {
            return false;
        };
        let Some((nsp, wire)) = c.channels.iter().find(|(n, _)| n.as_str() == nsp) else {
            return false;
        };
        let action = wire.respond(&c.uid, nsp, requester, Response { request_id, body });
        let sent = action.is_some();
        self.cluster_publish(action);
        sent
    }

    /// Room names of `nsp` as node's `adapter.rooms` keys: every socket's own id, then the
    /// joined rooms.
    pub(crate) fn local_rooms(&self, nsp: &str) -> Vec<Str> {
        let Some(ns) = self
            .sio
            .namespaces
            .find(nsp)
            .and_then(|id| self.sio.namespaces.get(id))
        else {
            return Vec::new();
        };
        let mut out: Vec<Str> = ns
            .sockets
            .iter()
            .filter_map(|id| self.sio.socket_name(*id))
            .map(|n| Str::from(n.as_str()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for id in &ns.sockets {
            for room in ns.rooms.rooms_of(*id) {
                if seen.insert(room.clone()) {
                    out.push(room.clone());
                }
            }
        }
        out
    }

    /// A local socket as node's `fetchSockets` answer describes it: `issued` (and `time`,
    /// its date in UTC) as the driver gave it when accepting the connect request, left out when it did
    /// not; `auth` the CONNECT's auth object (`{}` without one, as node); `data` an empty
    /// object, node's default `socket.data`, because the application's per-socket data is
    /// opaque to the engine.
    fn remote_socket(&self, id: SocketId) -> Option<RemoteSocket> {
        let name = self.sio.socket_name(id)?;
        let rooms = self.sio.rooms_of(id).ok()?;
        let hs = self.eio.handshake(self.sio.socket_session(id)?)?;
        let mut headers = serde_json::Map::new();
        for (k, v) in hs.headers.iter() {
            let v = String::from_utf8_lossy(v).into_owned();
            match headers.get_mut(k) {
                // node joins repeated headers with ", ".
                Some(Json::String(prev)) => {
                    prev.push_str(", ");
                    prev.push_str(&v);
                }
                _ => {
                    headers.insert(k.to_owned(), Json::String(v));
                }
            }
        }
        let query: serde_json::Map<String, Json> = query_pairs(&hs.query)
            .map(|(k, v)| (k.into_owned(), Json::String(v.into_owned())))
            .collect();
        let info = self.sio.connect_info(id);
        let auth = info
            .and_then(|i| i.auth.as_ref())
            .and_then(|a| serde_json::from_str::<Json>(a.as_str()).ok())
            .unwrap_or_else(|| Json::Object(serde_json::Map::new()));
        let mut handshake = serde_json::json!({
            "headers": headers,
            "address": hs.peer.map(|p| p.ip().to_string()),
            "xdomain": hs.headers.get("origin").is_some(),
            "secure": false,
            "url": format!("{}?{}", self.eio.config().path, hs.query),
            "query": query,
            "auth": auth,
        });
        if let (Some(ms), Json::Object(map)) = (info.and_then(|i| i.issued_ms), &mut handshake) {
            map.insert("issued".to_owned(), Json::from(ms));
            map.insert(
                "time".to_owned(),
                Json::String(socketio_proto::cluster::js_date_string(ms)),
            );
        }
        let handshake = Value::from_plain_json(handshake.to_string().as_bytes()).ok()?;
        Some(RemoteSocket {
            id: Str::from(name.as_str()),
            handshake,
            rooms,
            data: Value::Map(Vec::new()),
        })
    }
}
