//! [`Monitor`]: the admin UI's hub-side half. It lives in the dispatcher (which owns the
//! engine), turns the engine's counters into `server_stats` and, in development mode, the
//! application's connects, disconnects, joins, leaves and events into live updates, all
//! broadcast to the admin namespace with the engine's ordinary `broadcast`.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use serde_json::{Value, json};
use socketio_engine::{BroadcastTarget, Engine, SocketId};
use socketio_proto::Str;
use socketio_proto::sio::Args;

use super::config::AdminConfig;
use super::time::{epoch_ms, iso};
use crate::app::socket::Socket;

/// How often `server_stats` goes out (node's 2 s; the UI marks a server unhealthy after
/// 10 s without).
pub(crate) const STATS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// The admin UI's state in the hub.
pub(crate) struct Monitor {
    pub(crate) config: Arc<AdminConfig>,
    /// Engine time and wall-clock time of the same instant, to date engine instants.
    base: (Instant, SystemTime),
    hostname: String,
    /// Whether the stats ticker runs (started with the first admin socket).
    pub(crate) ticking: bool,
    /// Admin sockets connected now: live updates are made only while someone watches (a
    /// new admin socket gets `all_sockets` first, so it misses nothing), which keeps
    /// development mode from costing a live event per broadcast recipient with nobody there.
    pub(crate) watchers: usize,
}

impl Monitor {
    pub(crate) fn new(config: Arc<AdminConfig>) -> Self {
        Self {
            config,
            base: (Instant::now(), SystemTime::now()),
            hostname: hostname(),
            ticking: false,
            watchers: 0,
        }
    }

    /// Whether live updates go out: development mode, with an admin socket connected.
    pub(crate) fn live(&self) -> bool {
        self.config.development && self.watchers > 0
    }

    /// Whether `nsp` is the admin namespace.
    pub(crate) fn is_admin(&self, nsp: &str) -> bool {
        nsp == self.config.namespace.as_str()
    }

    /// The wall-clock time of engine instant `t`.
    fn wall(&self, t: Instant) -> SystemTime {
        match t.checked_duration_since(self.base.0) {
            Some(d) => self.base.1 + d,
            None => self.base.1 - (self.base.0 - t),
        }
    }

    /// Broadcasts `event` to every admin socket.
    fn tell(&self, engine: &mut Engine, now: Instant, event: &str, args: Vec<Value>) {
        let target = BroadcastTarget::namespace(self.config.namespace.clone());
        if let Err(e) = engine.broadcast(now, &target, event, &Args::from_values(args), vec![]) {
            tracing::debug!("admin {event}: {e}");
        }
    }

    /// Sends `server_stats`: the traffic since the last one, bucketed at the second it is
    /// sent, and the current counts.
    pub(crate) fn server_stats(&self, engine: &mut Engine, now: Instant) {
        let Some(stats) = engine.take_stats() else {
            return;
        };
        let second = epoch_ms(self.wall(now)) / 1000 * 1000;
        let t = &stats.traffic;
        let mut events = Vec::new();
        let mut push = |kind: &str, sub: Option<&str>, count: u64| {
            if count > 0 {
                let mut e = json!({"timestamp": second, "type": kind, "count": count});
                if let (Some(sub), Some(o)) = (sub, e.as_object_mut()) {
                    o.insert("subType".into(), sub.into());
                }
                events.push(e);
            }
        };
        push("rawConnection", None, t.connections);
        for (reason, n) in &t.disconnections {
            push("rawDisconnection", Some(reason), *n);
        }
        push("packetsIn", None, t.packets_in);
        push("bytesIn", None, t.bytes_in);
        push("packetsOut", None, t.packets_out);
        push("bytesOut", None, t.bytes_out);
        let namespaces: Vec<Value> = stats
            .namespaces
            .iter()
            .map(|(name, n)| json!({"name": name.as_str(), "socketsCount": n}))
            .collect();
        let body = json!({
            "serverId": self.config.server_id.clone().unwrap_or_else(|| self.hostname.clone()),
            "hostname": self.hostname,
            "pid": std::process::id(),
            "uptime": (now.saturating_duration_since(self.base.0)).as_secs_f64(),
            "clientsCount": stats.clients,
            "pollingClientsCount": stats.polling_clients,
            "aggregatedEvents": events,
            "namespaces": namespaces,
        });
        self.tell(engine, now, "server_stats", vec![body]);
    }

    /// node's `SerializedSocket` of `socket`.
    pub(crate) fn serialize(&self, engine: &Engine, socket: &Socket) -> Value {
        let id = socket.socket_id();
        let session = engine.socket_session(id);
        let sid = session.map(|s| s.to_string()).unwrap_or_default();
        let transport = session.and_then(|s| engine.transport_name(s));
        let rooms: Vec<String> = engine
            .rooms(id)
            .unwrap_or_default()
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect();
        let h = socket.handshake();
        let mut headers = serde_json::Map::new();
        for (name, value) in h.headers.iter() {
            headers.insert(
                name.to_owned(),
                String::from_utf8_lossy(value).into_owned().into(),
            );
        }
        let header = |n: &str| h.headers.get_str(n).map(str::to_owned);
        let address = header("cf-connecting-ip")
            .or_else(|| header("x-forwarded-for"))
            .or_else(|| h.peer.map(|p| p.ip().to_string()))
            .unwrap_or_default();
        let query: serde_json::Map<String, Value> =
            form_pairs(&h.query).map(|(k, v)| (k, v.into())).collect();
        let issued = self.wall(h.issued);
        json!({
            "id": socket.id(),
            "clientId": sid.chars().take(12).collect::<String>(),
            "transport": transport,
            "nsp": socket.nsp().as_str(),
            "data": {},
            "handshake": {
                "address": address,
                "headers": headers,
                "query": query,
                "issued": epoch_ms(issued),
                "secure": false,
                "time": iso(issued),
                "url": format!("/socket.io/?{}", h.query),
                "xdomain": h.headers.get("origin").is_some(),
            },
            "rooms": rooms,
        })
    }

    /// Sends `all_sockets` to the admin socket `to`.
    pub(crate) fn all_sockets<'a>(
        &self,
        engine: &mut Engine,
        now: Instant,
        to: SocketId,
        sockets: impl Iterator<Item = &'a Socket>,
    ) {
        let list: Vec<Value> = sockets.map(|s| self.serialize(engine, s)).collect();
        if let Err(e) = engine.emit(
            now,
            to,
            "all_sockets",
            &Args::from_values([Value::Array(list)]),
            vec![],
        ) {
            tracing::debug!("admin all_sockets: {e}");
        }
    }

    /// A socket connected: its own room first, then `socket_connected` (node's order).
    pub(crate) fn connected(&self, engine: &mut Engine, now: Instant, socket: &Socket) {
        let date = iso(self.wall(now));
        let nsp = socket.nsp().as_str().to_owned();
        let id = socket.id().to_owned();
        self.tell(
            engine,
            now,
            "room_joined",
            vec![
                nsp.into(),
                id.clone().into(),
                id.into(),
                date.clone().into(),
            ],
        );
        let s = self.serialize(engine, socket);
        self.tell(engine, now, "socket_connected", vec![s, date.into()]);
    }

    /// A socket left its namespace (it left its rooms with it).
    pub(crate) fn disconnected(
        &self,
        engine: &mut Engine,
        now: Instant,
        nsp: &str,
        id: &str,
        reason: &str,
        rooms: &[Str],
    ) {
        let date = iso(self.wall(now));
        for room in rooms {
            self.room(engine, now, "room_left", nsp, room, id);
        }
        self.tell(
            engine,
            now,
            "socket_disconnected",
            vec![nsp.into(), id.into(), reason.into(), date.into()],
        );
    }

    /// `room_joined` or `room_left` (`what`) of socket `id` in `nsp`.
    pub(crate) fn room(
        &self,
        engine: &mut Engine,
        now: Instant,
        what: &str,
        nsp: &str,
        room: &str,
        id: &str,
    ) {
        let date = iso(self.wall(now));
        self.tell(
            engine,
            now,
            what,
            vec![nsp.into(), room.into(), id.into(), date.into()],
        );
    }

    /// `event_received` or `event_sent` (`what`): `[event, ...args]` of socket `id` of `nsp`.
    pub(crate) fn event(
        &self,
        engine: &mut Engine,
        now: Instant,
        what: &str,
        (nsp, id): (&str, &str),
        event: &str,
        args: &Args,
    ) {
        let mut list = vec![Value::String(event.to_owned())];
        list.extend(serde_json::from_str::<Vec<Value>>(args.as_str()).unwrap_or_default());
        let date = iso(self.wall(now));
        self.tell(
            engine,
            now,
            what,
            vec![nsp.into(), id.into(), Value::Array(list), date.into()],
        );
    }
}

/// `application/x-www-form-urlencoded` pairs of a query string, decoded.
fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k), decode(v))
    })
}

/// `%XX` escapes and `+` decoded; a malformed escape stays as written.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (c, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The host name (node's `os.hostname()`), from the kernel, or `localhost`.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}
