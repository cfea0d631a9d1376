//! Traffic counters for monitoring (the admin UI's `server_stats`): off by default, and then
//! one `Option` test per counted packet; on, plain integer adds.
//!
//! Counted as node's `@socket.io/admin-ui` counts Engine.IO: a connection per opened
//! session, a disconnection per closed one (by its close reason), and per Engine.IO message
//! in or out one packet and its encoded bytes. [`Engine::take_stats`](crate::Engine::take_stats)
//! hands the counts since the previous call, with the current client and socket counts.

use std::collections::BTreeMap;

use socketio_proto::Str;

/// What happened since the last [`Engine::take_stats`](crate::Engine::take_stats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrafficCounts {
    /// Engine.IO sessions opened (node's `rawConnection`).
    pub connections: u64,
    /// Engine.IO sessions closed, by node's close reason (`rawDisconnection` and its
    /// subtype, e.g. `"transport close"`).
    pub disconnections: BTreeMap<&'static str, u64>,
    /// Engine.IO messages received (`packetsIn`).
    pub packets_in: u64,
    /// Their encoded bytes (`bytesIn`).
    pub bytes_in: u64,
    /// Engine.IO messages sent (`packetsOut`).
    pub packets_out: u64,
    /// Their encoded bytes (`bytesOut`).
    pub bytes_out: u64,
}

impl TrafficCounts {
    /// Whether nothing was counted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A snapshot for monitoring: traffic since the last snapshot, and current counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Traffic since the previous snapshot (or since counting began).
    pub traffic: TrafficCounts,
    /// Open Engine.IO sessions (node's `engine.clientsCount`).
    pub clients: usize,
    /// Those of them still on HTTP long-polling (not upgraded).
    pub polling_clients: usize,
    /// Every namespace with its connected socket count, in registration order.
    pub namespaces: Vec<(Str, usize)>,
}

impl crate::Engine {
    /// Starts counting traffic (idempotent). Until then the counters cost one `Option`
    /// test per packet.
    pub fn enable_stats(&mut self) {
        if self.eio.stats.is_none() {
            self.eio.stats = Some(Box::default());
        }
    }

    /// Stops counting and drops the counts.
    pub fn disable_stats(&mut self) {
        self.eio.stats = None;
    }

    /// The traffic since the previous call (the counters restart from zero) and the current
    /// client and socket counts; `None` unless [`enable_stats`](Self::enable_stats) was
    /// called.
    pub fn take_stats(&mut self) -> Option<EngineStats> {
        let traffic = std::mem::take(&mut **self.eio.stats.as_mut()?);
        let clients = self.eio.sessions.len();
        let polling_clients = self
            .eio
            .sessions
            .values()
            .filter(|s| s.transport.name() == "polling")
            .count();
        let namespaces = self
            .sio
            .namespaces
            .iter()
            .map(|(_, ns)| (ns.name.clone(), ns.sockets.len()))
            .collect();
        Some(EngineStats {
            traffic,
            clients,
            polling_clients,
            namespaces,
        })
    }

    /// The transport `session` is on now: `"polling"` or `"websocket"` (node's
    /// `conn.transport.name`).
    #[must_use]
    pub fn transport_name(&self, session: crate::sio::SessionKey) -> Option<&'static str> {
        self.eio.sessions.get(&session).map(|s| s.transport.name())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
#[allow(clippy::disallowed_methods)] // one base instant; time then advances by argument
mod tests {
    use std::time::{Duration, Instant};

    use bytes::Bytes;

    use crate::{Action, Engine, EngineConfig, Event, HttpBody, RequestMeta};

    /// One polling request; connects are accepted and `hello` is echoed as `echo`.
    fn request(e: &mut Engine, now: Instant, method: &str, uri: &str, body: &str) -> String {
        let meta = RequestMeta::new(method.parse().unwrap(), uri.parse().unwrap());
        let req = e.handle_http(now, meta, HttpBody::Complete(Bytes::from(body.to_owned())));
        let mut answer = String::new();
        while let Some(action) = e.poll_action() {
            match action {
                Action::Respond { req: r, response } if r == req => {
                    answer = String::from_utf8_lossy(response.body()).into_owned();
                }
                Action::Dispatch(Event::Connect(p)) => {
                    e.accept_connect(now, p).unwrap();
                }
                Action::Dispatch(Event::Message { socket, args, .. }) => {
                    e.emit(now, socket, "echo", &args.to_args(), vec![])
                        .unwrap();
                }
                _ => {}
            }
        }
        answer
    }

    /// Opens a polling session and connects it to `/`; returns its polling URI.
    fn client(e: &mut Engine, now: Instant) -> String {
        let open = request(e, now, "GET", "/socket.io/?EIO=4&transport=polling", "");
        let sid = open[open.find("\"sid\":\"").unwrap() + 7..]
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let poll = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
        assert_eq!(request(e, now, "POST", &poll, "40"), "ok");
        assert!(request(e, now, "GET", &poll, "").starts_with("40{"));
        poll
    }

    #[test]
    fn off_by_default_and_counted_once_enabled() {
        let mut e = Engine::new(EngineConfig::default());
        let now = Instant::now();
        assert_eq!(e.take_stats(), None);
        let _early = client(&mut e, now); // not counted: before enable_stats
        e.enable_stats();
        let poll = client(&mut e, now);
        assert_eq!(
            request(&mut e, now, "POST", &poll, r#"42["hello","ab"]"#),
            "ok"
        );
        assert_eq!(request(&mut e, now, "GET", &poll, ""), r#"42["echo","ab"]"#);

        let s = e.take_stats().unwrap();
        assert_eq!(s.traffic.connections, 1);
        // CONNECT and the event in; the CONNECT answer and the echo out, bytes without "4".
        assert_eq!(s.traffic.packets_in, 2);
        assert_eq!(s.traffic.bytes_in, 1 + r#"2["hello","ab"]"#.len() as u64);
        assert_eq!(s.traffic.packets_out, 2);
        let connect_answer = 1 + r#"{"sid":""}"#.len() as u64 + 20; // socket ids have 20 chars
        assert_eq!(
            s.traffic.bytes_out,
            connect_answer + r#"2["echo","ab"]"#.len() as u64
        );
        assert_eq!((s.clients, s.polling_clients), (2, 2));
        assert_eq!(s.namespaces, vec![("/".into(), 2)]);

        // Cleared by the take; current counts are not.
        let s = e.take_stats().unwrap();
        assert!(s.traffic.is_empty());
        assert_eq!(s.clients, 2);

        // Both sessions time out (no pong): two disconnections by "ping timeout".
        let (start, mut now) = (now, now);
        while let Some(at) = e.poll_timeout() {
            now = now.max(at);
            e.handle_timeout(now);
            while e.poll_action().is_some() {}
        }
        assert!(now - start >= Duration::from_secs(45));
        let s = e.take_stats().unwrap();
        assert_eq!(s.traffic.disconnections.get("ping timeout"), Some(&2));
        assert_eq!((s.clients, s.namespaces[0].1), (0, 0));

        e.disable_stats();
        assert_eq!(e.take_stats(), None);
    }
}
