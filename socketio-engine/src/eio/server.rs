//! [`EioServer`]: the facade. It owns every session, timer and queued action, dispatches
//! inputs to the modules that hold the protocol rules (routing, handshake, polling,
//! websocket, upgrade, heartbeat, lifecycle), and hands out actions in causal order.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;
use http::HeaderValue;
use socketio_proto::eio::Frame;

use crate::action::{Action, WsMessage};
use crate::eio::config::EioConfig;
use crate::eio::event::{EioEvent, SendError};
use crate::eio::generation::Generation;
use crate::eio::session::{HandshakeInfo, Session, Transport};
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{ConnId, IdCounter, RequestId, Sid, SidGenerator, SidMap};
use crate::timer::TimerTable;

/// The kinds of timer an Engine.IO session can have armed (keyed by its sid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EioTimer {
    /// v4: time to send the next ping.
    PingDue,
    /// v4: the pong is late past this; v3: the client's ping is late past this.
    PongDeadline,
    /// The probe WebSocket must finish the upgrade by then.
    UpgradeDeadline,
    /// A closing polling session is dropped by then even if no GET came.
    CloseDeadline,
}

impl EioTimer {
    pub(crate) const ALL: [Self; 4] = [
        Self::PingDue,
        Self::PongDeadline,
        Self::UpgradeDeadline,
        Self::CloseDeadline,
    ];
}

/// A GET waiting for frames.
#[derive(Debug)]
pub(crate) struct Parked {
    pub(crate) sid: Sid,
    /// The request's `Origin`, for the CORS headers of the eventual response.
    pub(crate) origin: Option<HeaderValue>,
}

/// The frames of an answered GET, kept until the next GET proves they arrived.
#[derive(Debug)]
pub(crate) struct InFlight {
    pub(crate) sid: Sid,
    pub(crate) frames: Vec<Frame>,
}

/// A sans-IO Engine.IO v4 server: HTTP requests, WebSocket messages and time in; HTTP
/// responses, WebSocket frames and events out.
///
/// Inputs are `handle_*` methods and commands ([`send`](Self::send), [`close`](Self::close));
/// each may queue any number of [`Action`]s, drained with [`poll_action`](Self::poll_action)
/// in causal order. After draining, arm a timer for [`poll_timeout`](Self::poll_timeout)
/// and call [`handle_timeout`](Self::handle_timeout) when it expires. Time only ever comes
/// from the `now` arguments and is clamped to be monotonic.
///
/// ```
/// use std::time::{Duration, Instant};
/// use bytes::Bytes;
/// use socketio_engine::eio::{EioConfig, EioEvent, EioServer};
/// use socketio_engine::{Action, HttpBody, RequestMeta};
///
/// let mut server = EioServer::new(EioConfig::default());
/// # #[allow(clippy::disallowed_methods)] // a doctest has no driver to take time from
/// let now = Instant::now();
///
/// // The driver turns each HTTP request into handle_http ...
/// let meta = RequestMeta::new(
///     http::Method::GET,
///     "/engine.io/?EIO=4&transport=polling".parse().unwrap(),
/// );
/// let req = server.handle_http(now, meta, HttpBody::empty());
///
/// // ... then drains every action, in order.
/// while let Some(action) = server.poll_action() {
///     match action {
///         Action::Respond { req: r, response } => {
///             assert_eq!(r, req);
///             assert!(response.body().starts_with(b"0{\"sid\":"));
///         }
///         Action::Dispatch(EioEvent::Open { sid }) => println!("open {sid}"),
///         Action::AcceptWebSocket { .. } | Action::SendWs { .. } | Action::CloseWs { .. } => {}
///         _ => {}
///     }
/// }
///
/// // Finally it sleeps until the next deadline (the first ping, here) and reports it.
/// let deadline = server.poll_timeout().unwrap();
/// assert_eq!(deadline, now + Duration::from_secs(25));
/// server.handle_timeout(deadline);
/// ```
pub struct EioServer {
    pub(crate) config: EioConfig,
    pub(crate) sids: SidGenerator,
    pub(crate) sessions: SidMap<Session>,
    /// Every live WebSocket (established or probe) and its session.
    pub(crate) conns: HashMap<ConnId, Sid>,
    pub(crate) parked: HashMap<RequestId, Parked>,
    pub(crate) inflight: HashMap<RequestId, InFlight>,
    /// Sessions with a parked GET that got frames since the last `poll_action`: answered in
    /// one batch there, so a burst of sends makes one response, not one per frame.
    pub(crate) dirty: Vec<Sid>,
    pub(crate) timers: TimerTable<Sid, EioTimer>,
    pub(crate) actions: VecDeque<Action<EioEvent>>,
    /// How many `Dispatch` actions `actions` holds (the `Engine` processes them eagerly).
    pub(crate) dispatches: usize,
    pub(crate) ids: IdCounter,
    /// Traffic counters, when monitoring asked for them (`Engine::take_stats`).
    pub(crate) stats: Option<Box<crate::stats::TrafficCounts>>,
    now: Option<Instant>,
}

impl std::fmt::Debug for EioServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EioServer")
            .field("sessions", &self.sessions.len())
            .field("conns", &self.conns.len())
            .field("actions", &self.actions.len())
            .finish_non_exhaustive()
    }
}

impl EioServer {
    /// A server with `config`.
    #[must_use]
    pub fn new(config: EioConfig) -> Self {
        Self {
            sids: SidGenerator::new(config.rng_seed),
            config,
            sessions: SidMap::default(),
            conns: HashMap::new(),
            parked: HashMap::new(),
            inflight: HashMap::new(),
            dirty: Vec::new(),
            timers: TimerTable::new(),
            actions: VecDeque::new(),
            dispatches: 0,
            ids: IdCounter::default(),
            stats: None,
            now: None,
        }
    }

    /// The configuration in force.
    #[must_use]
    pub const fn config(&self) -> &EioConfig {
        &self.config
    }

    /// An HTTP request for the Engine.IO path (anything else is answered 404). The answer
    /// always comes through [`poll_action`](Self::poll_action), at once or, for a long-poll
    /// GET, when there is something to send.
    pub fn handle_http(&mut self, now: Instant, meta: RequestMeta, body: HttpBody) -> RequestId {
        let now = self.clamp(now);
        self.expire(now);
        let req = RequestId::from_raw(self.ids.next_raw());
        self.route(now, req, meta, body);
        req
    }

    /// The response to `req` could not be delivered, or its client went away while parked.
    /// A parked GET is forgotten; the frames of an undelivered GET response go back to the
    /// front of the session's queue. Unknown or already settled requests are ignored.
    pub fn handle_http_aborted(&mut self, now: Instant, req: RequestId) {
        let now = self.clamp(now);
        self.expire(now);
        self.on_http_aborted(req);
    }

    /// A message arrived on WebSocket `conn`. Unknown connections are ignored.
    pub fn handle_ws_message(&mut self, now: Instant, conn: ConnId, msg: WsMessage) {
        let now = self.clamp(now);
        self.expire(now);
        self.on_ws_message(now, conn, msg);
    }

    /// WebSocket `conn` is closed (by the peer or after a [`Action::CloseWs`]).
    pub fn handle_ws_closed(&mut self, now: Instant, conn: ConnId) {
        let now = self.clamp(now);
        self.expire(now);
        self.on_ws_closed(now, conn);
    }

    /// Fires every timer due at `now`; a call with nothing due does nothing.
    ///
    /// A late call (the driver's timer woke after the deadline) changes nothing but the
    /// delay: each timer's follow-up deadline is computed from when it was due, and every
    /// `handle_*` input fires what is due first anyway.
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.clamp(now);
        while let Some((sid, kind, due)) = self.timers.pop_expired(now) {
            self.on_timer(due, sid, kind);
        }
    }

    /// Fires what is due at `now` before an input is processed, so no input sees a session
    /// alive past one of its deadlines, whenever the driver's timer fires (node's timers
    /// phase runs before the I/O of the same loop turn). One comparison when nothing is due.
    fn expire(&mut self, now: Instant) {
        if self.timers.is_due(now) {
            self.handle_timeout(now);
        }
    }

    /// The next time [`handle_timeout`](Self::handle_timeout) has work; `None` when no timer
    /// is armed (no live session).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next_deadline()
    }

    /// The next action for the driver, in causal order.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action<EioEvent>> {
        if !self.dirty.is_empty() {
            for sid in std::mem::take(&mut self.dirty) {
                self.flush_polling(sid);
            }
        }
        self.pop_queued()
    }

    /// The next queued action, without answering parked GETs first.
    pub(crate) fn pop_queued(&mut self) -> Option<Action<EioEvent>> {
        let a = self.actions.pop_front()?;
        if matches!(a, Action::Dispatch(_)) {
            self.dispatches = self.dispatches.saturating_sub(1);
        }
        Some(a)
    }

    /// Queues `frame` (already encoded for the session's protocol version, see
    /// [`generation`](Self::generation)) for session `sid`. O(1); the frame is moved, never
    /// copied, so a broadcast clones one refcounted frame per recipient.
    ///
    /// # Errors
    /// [`SendError::UnknownSession`] or [`SendError::Closing`] for a session that is gone or
    /// going; [`SendError::BufferFull`] when the frame overflowed the session's outbox,
    /// which closed the session.
    pub fn send(&mut self, now: Instant, sid: Sid, frame: Frame) -> Result<(), SendError> {
        let _ = self.clamp(now);
        if let Some(stats) = &mut self.stats {
            stats.packets_out += 1;
            stats.bytes_out += message_bytes(&frame);
        }
        self.enqueue(sid, frame)
    }

    /// Whether a frame sent now would leave at once (a WebSocket, or a GET is parked): the
    /// test for volatile sends, which are dropped otherwise.
    #[must_use]
    pub fn is_writable(&self, sid: Sid) -> bool {
        match self.sessions.get(&sid).map(|s| &s.transport) {
            Some(Transport::WebSocket { .. }) => true,
            Some(Transport::Polling(p) | Transport::Upgrading { poll: p, .. }) => {
                p.parked.is_some()
            }
            _ => false,
        }
    }

    /// The protocol generation of session `sid`, if open.
    #[must_use]
    pub fn generation(&self, sid: Sid) -> Option<Generation> {
        self.sessions.get(&sid).map(|s| s.generation)
    }

    /// The handshake data of session `sid`, if open.
    #[must_use]
    pub fn handshake(&self, sid: Sid) -> Option<&HandshakeInfo> {
        self.sessions.get(&sid).map(|s| &*s.info)
    }

    /// Closes session `sid` from the server side (reason `ServerClose`): frames already
    /// queued are still delivered first. Unknown sids are ignored (closing is idempotent).
    pub fn close(&mut self, now: Instant, sid: Sid) {
        let now = self.clamp(now);
        self.server_close(now, sid);
    }

    /// Closes every session, as [`close`](Self::close) does.
    pub fn close_all(&mut self, now: Instant) {
        let now = self.clamp(now);
        let sids: Vec<Sid> = self.sessions.keys().copied().collect();
        for sid in sids {
            self.server_close(now, sid);
        }
    }

    /// How many sessions are open (closing ones included).
    #[must_use]
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Bytes queued for session `sid` (0 for WebSocket sessions and unknown sids).
    #[must_use]
    pub fn queued_bytes(&self, sid: Sid) -> usize {
        self.sessions.get(&sid).map_or(0, |s| s.outbox.bytes())
    }

    /// Clamps `now` so engine time never goes backwards.
    fn clamp(&mut self, now: Instant) -> Instant {
        let now = self.now.map_or(now, |last| last.max(now));
        self.now = Some(now);
        now
    }

    /// Queues an HTTP response.
    pub(crate) fn respond(&mut self, req: RequestId, response: http::Response<Bytes>) {
        self.actions.push_back(Action::Respond {
            req,
            response: Box::new(response),
        });
    }

    /// Queues an event for the layer above.
    pub(crate) fn dispatch(&mut self, event: EioEvent) {
        self.dispatches = self.dispatches.saturating_add(1);
        self.actions.push_back(Action::Dispatch(event));
    }
}

/// The bytes of a message frame's data, without its `4` type digit (node counts the data).
fn message_bytes(frame: &Frame) -> u64 {
    let len = frame.len() as u64;
    match frame {
        Frame::Text(_) => len.saturating_sub(1),
        Frame::Binary(_) => len,
    }
}
