//! The checking driver of the state-machine fuzzer: it carries out every action as a real
//! driver would and panics (a fuzzer crash) the moment an invariant breaks.
//!
//! Checked on every action: a request is answered at most once, and only a request that was
//! issued and not aborted; a WebSocket is accepted once, never named after it closed, closed
//! at most once; an event names only a live socket, a `Disconnect` comes once per socket.
//! Checked after every step (`check`): every unanswered request is a GET the engine holds
//! parked; the engine's WebSockets are exactly the ones the driver holds open; the Socket.IO
//! sessions and sockets agree with Engine.IO's and with the driver's; every limit holds.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use socketio_proto::eio::Frame;

use crate::action::Action;
use crate::engine::Engine;
use crate::event::{AckToken, Event, PendingConnect};
use crate::ids::{ConnId, RequestId, Sid};
use crate::sio::ids::{AckId, SocketId};

/// What a request was for, to learn the sid or connection it yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReqKind {
    /// A handshake for client slot `usize`.
    Handshake(usize),
    /// An upgrade probe of client slot `usize`.
    Probe(usize),
    /// Anything else.
    Other,
}

/// One client slot: the session it got and its current WebSocket.
#[derive(Debug, Clone, Default)]
pub(super) struct Client {
    pub(super) sid: Option<Sid>,
    pub(super) conn: Option<ConnId>,
    /// What the client speaks.
    pub(super) kind: ClientKind,
}

/// The engine plus the driver's records.
pub(super) struct Driver {
    pub(super) engine: Engine,
    pub(super) now: Instant,
    pub(super) clients: Vec<Client>,
    /// Issued, not answered, not aborted.
    pub(super) outstanding: HashMap<RequestId, ReqKind>,
    /// Every request issued, for picking one to abort.
    pub(super) issued: Vec<RequestId>,
    answered: HashSet<RequestId>,
    /// Accepted and not closed by either side.
    pub(super) open: HashSet<ConnId>,
    closed: HashSet<ConnId>,
    /// WebSocket handshakes whose open packet (with the sid) has not come yet.
    awaiting_open: HashMap<ConnId, usize>,
    pub(super) pending: Vec<PendingConnect>,
    pub(super) tokens: Vec<AckToken>,
    /// Sockets accepted and not yet reported disconnected.
    pub(super) live: Vec<SocketId>,
    gone: HashSet<SocketId>,
    /// Acks asked for (single or broadcast) and not yet settled.
    pub(super) acks: HashSet<AckId>,
    /// What the run reached, for coverage checks.
    pub(super) summary: Summary,
    /// The last few `pid`s (with their CONNECT answer's prefix, `40` or `40/nsp,`) and the
    /// last offset the engine sent (connection state recovery), which a CONNECT may present.
    pub(super) resume: (Vec<(String, String)>, Option<String>),
}

/// What one run reached: lets tests check that random inputs get deep into the protocol.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Actions carried out.
    pub actions: u64,
    /// Sessions opened (handshakes answered with a sid).
    pub sessions: u64,
    /// Of those, sessions of Socket.IO 0.9 clients.
    pub v09_sessions: u64,
    /// Of those, Engine.IO 3 sessions over JSONP polling.
    pub jsonp_sessions: u64,
    /// Sockets accepted.
    pub sockets: u64,
    /// Events received from clients.
    pub messages: u64,
    /// Acks settled (reply, timeout or broadcast).
    pub acks_settled: u64,
    /// Socket disconnects.
    pub disconnects: u64,
    /// Sockets restored by connection state recovery.
    pub recoveries: u64,
}

/// The protocol generation and polling flavour of a fuzz client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum ClientKind {
    #[default]
    Eio4,
    Eio3,
    /// Engine.IO 3 over JSONP polling (`j=0`).
    Eio3Jsonp,
    /// Socket.IO 0.9 over `xhr-polling` (or `websocket` once probed).
    V09,
    /// Socket.IO 0.9 over `jsonp-polling`.
    V09Jsonp,
    /// Socket.IO 0.9 over `htmlfile` (a GET opens the streamed page; POSTs as xhr).
    V09Htmlfile,
}

impl ClientKind {
    pub(super) const fn is_v09(self) -> bool {
        matches!(self, Self::V09 | Self::V09Jsonp | Self::V09Htmlfile)
    }
}

/// Pulls the `sid` out of a handshake answer, whatever its framing: an open packet in a v4 or
/// v3 payload, a frame or a JSONP script (`\"sid\":\"...`), or a 0.9 `sid:hb:close:..` body
/// (plain or in `io.j[i]("...")`).
fn sid_in(body: &[u8]) -> Option<Sid> {
    for key in [&b"\"sid\":\""[..], &b"\\\"sid\\\":\\\""[..]] {
        if let Some(at) = body.windows(key.len()).position(|w| w == key) {
            let rest = body.get(at.checked_add(key.len())?..)?;
            let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
            return std::str::from_utf8(rest.get(..end)?).ok()?.parse().ok();
        }
    }
    let text = std::str::from_utf8(body).ok()?;
    let text = text.strip_prefix("io.j[0](\"").unwrap_or(text);
    text.split(':').next()?.parse().ok()
}

impl Driver {
    pub(super) fn new(engine: Engine, now: Instant) -> Self {
        Self {
            engine,
            now,
            clients: Vec::new(),
            outstanding: HashMap::new(),
            issued: Vec::new(),
            answered: HashSet::new(),
            open: HashSet::new(),
            closed: HashSet::new(),
            awaiting_open: HashMap::new(),
            pending: Vec::new(),
            tokens: Vec::new(),
            live: Vec::new(),
            gone: HashSet::new(),
            acks: HashSet::new(),
            summary: Summary::default(),
            resume: (Vec::new(), None),
        }
    }

    /// Records a request the engine was just given.
    pub(super) fn issued(&mut self, req: RequestId, kind: ReqKind) {
        assert!(!self.answered.contains(&req), "{req:?} reused");
        self.outstanding.insert(req, kind);
        self.issued.push(req);
    }

    /// The driver reports `conn` closed from its side.
    pub(super) fn close_conn(&mut self, conn: ConnId) {
        if self.open.remove(&conn) {
            self.closed.insert(conn);
            self.engine.handle_ws_closed(self.now, conn);
        }
    }

    /// A socket the app got from `accept_connect`.
    pub(super) fn accepted(&mut self, socket: SocketId) {
        assert!(
            !self.gone.contains(&socket),
            "{socket:?} reused after its end"
        );
        assert!(!self.live.contains(&socket), "{socket:?} accepted twice");
        self.live.push(socket);
        self.summary.sockets = self.summary.sockets.saturating_add(1);
    }

    /// Whether `socket` was reported gone (a command on it may fail).
    pub(super) fn is_gone(&self, socket: SocketId) -> bool {
        self.gone.contains(&socket)
    }

    /// Drains every action, checking each.
    pub(super) fn drain(&mut self) {
        while let Some(a) = self.engine.poll_action() {
            self.summary.actions = self.summary.actions.saturating_add(1);
            self.carry_out(a);
        }
    }

    fn answer(&mut self, req: RequestId) -> ReqKind {
        assert!(self.answered.insert(req), "{req:?} answered twice");
        self.outstanding
            .remove(&req)
            .unwrap_or_else(|| panic!("{req:?} answered but not outstanding (aborted?)"))
    }

    fn carry_out(&mut self, a: Action<Event>) {
        match a {
            Action::Respond { req, response } => {
                if self.engine.sio.recovery.is_some()
                    && let Ok(body) = std::str::from_utf8(response.body())
                {
                    for packet in body.split('\u{1e}') {
                        self.note_resume(packet);
                    }
                }
                if let ReqKind::Handshake(c) = self.answer(req)
                    && response.status() == 200
                    && let Some(sid) = sid_in(response.body())
                    && let Some(slot) = self.clients.get_mut(c)
                {
                    slot.sid = Some(sid);
                    self.summary.sessions = self.summary.sessions.saturating_add(1);
                    match slot.kind {
                        ClientKind::V09 | ClientKind::V09Jsonp | ClientKind::V09Htmlfile => {
                            self.summary.v09_sessions += 1;
                        }
                        ClientKind::Eio3Jsonp => self.summary.jsonp_sessions += 1,
                        ClientKind::Eio4 | ClientKind::Eio3 => {}
                    }
                }
            }
            Action::AcceptWebSocket { req, conn } => {
                let kind = self.answer(req);
                assert!(
                    !self.closed.contains(&conn) && self.open.insert(conn),
                    "{conn:?} accepted twice"
                );
                match kind {
                    ReqKind::Handshake(c) => {
                        self.awaiting_open.insert(conn, c);
                        if let Some(slot) = self.clients.get_mut(c) {
                            slot.conn = Some(conn);
                        }
                    }
                    ReqKind::Probe(c) => {
                        if let Some(slot) = self.clients.get_mut(c) {
                            slot.conn = Some(conn);
                        }
                    }
                    ReqKind::Other => panic!("{req:?} was no WebSocket request"),
                }
            }
            Action::StreamResponse { req, conn, .. } => {
                let _ = self.answer(req);
                assert!(
                    !self.closed.contains(&conn) && self.open.insert(conn),
                    "{conn:?} opened twice"
                );
            }
            Action::SendWs { conn, frame } => {
                assert!(self.open.contains(&conn), "SendWs on {conn:?}, not open");
                if let Frame::Text(t) = &frame
                    && self.engine.sio.recovery.is_some()
                {
                    self.note_resume(t.as_str());
                }
                if let Some(c) = self.awaiting_open.remove(&conn) {
                    let Frame::Text(t) = &frame else {
                        panic!("first frame of {conn:?} is binary")
                    };
                    let sid = sid_in(t.as_bytes());
                    assert!(sid.is_some(), "first frame of {conn:?} is no open packet");
                    if let Some(slot) = self.clients.get_mut(c) {
                        slot.sid = sid;
                        self.summary.sessions = self.summary.sessions.saturating_add(1);
                    }
                }
            }
            Action::CloseWs { conn } => {
                assert!(self.open.remove(&conn), "CloseWs on {conn:?}, not open");
                self.closed.insert(conn);
                self.awaiting_open.remove(&conn);
            }
            Action::Dispatch(e) => self.event(e),
            // Only drivers reading request bodies act on it.
            Action::SessionEnded { .. } => {}
            // The fuzzed engine has no cluster configured.
            Action::Cluster(c) => panic!("cluster action {c:?} without a cluster"),
            Action::Streams(c) => panic!("streams action {c:?} without the streams backend"),
        }
    }

    fn event(&mut self, e: Event) {
        let live = |d: &Self, s: SocketId| {
            assert!(d.live.contains(&s), "event names {s:?}, not live: {e:?}");
        };
        match &e {
            Event::Connect(_) => {}
            Event::Recovered(r) => {
                assert!(
                    !self.live.contains(&r.socket),
                    "{:?} recovered twice",
                    r.socket
                );
                self.live.push(r.socket);
                self.summary.recoveries = self.summary.recoveries.saturating_add(1);
            }
            Event::Message { socket, .. } | Event::AckReply { socket, .. } => live(self, *socket),
            Event::AckTimeout { .. } | Event::BroadcastAck { .. } | Event::Cluster(_) => {}
            Event::Disconnect { socket, .. } => {
                live(self, *socket);
                assert!(
                    self.engine.socket_name(*socket).is_none(),
                    "{socket:?} still known"
                );
                self.live.retain(|s| s != socket);
                self.gone.insert(*socket);
                self.summary.disconnects = self.summary.disconnects.saturating_add(1);
            }
        }
        match e {
            Event::Connect(p) => self.pending.push(p),
            Event::Message { ack, .. } => {
                self.summary.messages = self.summary.messages.saturating_add(1);
                self.tokens.extend(ack);
            }
            Event::AckReply { ack, .. }
            | Event::AckTimeout { ack, .. }
            | Event::BroadcastAck { ack, .. } => {
                assert!(
                    self.acks.remove(&ack),
                    "{ack:?} settled twice or never asked"
                );
                self.summary.acks_settled = self.summary.acks_settled.saturating_add(1);
            }
            _ => {}
        }
    }

    /// Moves the clock by `d`, firing every timer at its deadline on the way.
    pub(super) fn advance(&mut self, d: Duration) {
        let end = self.now.checked_add(d).unwrap_or(self.now);
        while let Some(at) = self.engine.poll_timeout() {
            if at > end {
                break;
            }
            self.now = self.now.max(at);
            self.engine.handle_timeout(self.now);
            self.drain();
        }
        self.now = end;
        self.engine.handle_timeout(self.now);
        self.drain();
    }

    /// Remembers a `pid` (CONNECT answer) or an offset (an event's last argument) in `text`.
    fn note_resume(&mut self, text: &str) {
        if let Some((_, rest)) = text.split_once(r#""pid":""#)
            && let (Some((prefix, _)), Some(pid)) = (text.split_once('{'), rest.split('"').next())
        {
            if self.resume.0.len() >= 4 {
                self.resume.0.remove(0);
            }
            self.resume.0.push((prefix.to_owned(), pid.to_owned()));
        } else if let Some(inner) = text.strip_suffix("\"]")
            && let Some(last) = inner.rsplit('"').next()
            && !last.is_empty()
            && last.bytes().all(|b| b.is_ascii_digit())
        {
            // An event whose last argument is a decimal string: an offset.
            self.resume.1 = Some(last.to_owned());
        }
    }

    /// The invariants that must hold between steps (after a full drain).
    pub(super) fn check(&self) {
        let store = self.engine.recovery_store();
        if let Some(r) = &self.engine.sio.config.recovery {
            assert!(store.sessions <= r.max_sessions, "{store:?}");
            assert!(store.packets <= r.max_packets, "{store:?}");
            assert!(store.bytes <= r.max_bytes, "{store:?}");
        }
        let eio = &self.engine.eio;
        let sio = &self.engine.sio;
        for req in self.outstanding.keys() {
            assert!(
                eio.parked.contains_key(req),
                "{req:?} unanswered, not parked"
            );
        }
        for req in eio.parked.keys() {
            assert!(
                self.outstanding.contains_key(req),
                "{req:?} parked, not outstanding"
            );
        }
        let conns: HashSet<ConnId> = eio.conns.keys().copied().collect();
        assert_eq!(
            conns, self.open,
            "engine and driver disagree on open WebSockets"
        );
        for sid in eio.conns.values() {
            assert!(
                eio.sessions.contains_key(sid),
                "a WebSocket of closed {sid:?}"
            );
        }
        let limits = &eio.config;
        assert!(
            eio.sessions.len() <= limits.max_sessions,
            "too many sessions"
        );
        for (sid, s) in eio.sessions.iter() {
            assert!(
                s.outbox.held() <= limits.max_outbox_bytes,
                "{sid:?} holds {} bytes",
                s.outbox.held()
            );
        }
        let c = &sio.config;
        for (key, session) in &sio.sessions {
            assert!(eio.sessions.contains_key(key), "Socket.IO outlives {key:?}");
            let used = session.sockets.len().saturating_add(session.pending.len());
            assert!(
                used <= c.max_namespaces_per_session,
                "{key:?} has {used} namespaces"
            );
            for (_, id) in &session.sockets {
                assert!(sio.sockets.get(*id).is_some(), "{key:?} lists gone {id:?}");
            }
        }
        assert!(sio.acks.group_count() <= c.max_pending_broadcast_acks);
        let mut sockets = 0usize;
        for (id, s) in sio.sockets.iter() {
            sockets = sockets.saturating_add(1);
            assert!(
                self.live.contains(&id),
                "{id:?} exists, not live for the driver"
            );
            let listed = sio
                .sessions
                .get(&s.session)
                .is_some_and(|ss| ss.sockets.iter().any(|(_, x)| *x == id));
            assert!(listed, "{id:?} outlives its session");
            assert!(s.pending_acks as usize <= c.max_pending_acks, "{id:?} acks");
        }
        assert_eq!(sockets, self.live.len(), "live sockets disagree");
    }

    /// Ends the run: shut down, let every deadline pass, and check nothing is left.
    pub(super) fn finish(&mut self) {
        self.pending.clear();
        self.tokens.clear();
        self.engine.close_all(self.now);
        self.drain();
        self.check();
        // Long enough for polling close timeouts and every ack deadline the ops can set.
        self.advance(Duration::from_secs(300));
        self.check();
        assert_eq!(self.engine.eio.session_count(), 0, "sessions left");
        assert_eq!(self.engine.socket_count(), 0, "sockets left");
        assert!(
            self.outstanding.is_empty(),
            "unanswered: {:?}",
            self.outstanding
        );
        assert!(
            self.open.is_empty(),
            "WebSockets left open: {:?}",
            self.open
        );
        assert!(self.acks.is_empty(), "acks never settled: {:?}", self.acks);
        let store = self.engine.recovery_store();
        assert_eq!(
            (store.sessions, store.packets),
            (0, 0),
            "recovery store left"
        );
        assert_eq!(self.engine.poll_timeout(), None, "timers left");
    }
}
