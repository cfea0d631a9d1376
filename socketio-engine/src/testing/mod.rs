//! Deterministic test harness (feature `testing`, and always under `cfg(test)`).
//!
//! A [`Harness`] owns an [`EioServer`], a virtual clock and the driver's side of every
//! action: responses by request, frames by connection, closed connections, and events. Time
//! moves only through [`Harness::advance`], which fires each timer at its exact deadline, so
//! a 45-second heartbeat scenario runs in microseconds. [`FakeClient`] speaks real wire
//! bytes through the codec on top of it.
//!
//! The harness also checks two driver-side invariants on every action and panics (it is
//! test code) when they break: every `RequestId` is answered exactly once, and no action
//! names a connection after it was closed.

// Test-support code: failing loudly on a broken expectation is the point here.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod eio_client;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;

pub use self::eio_client::{FakeClient, decode_frame, decode_payload, text};
use crate::action::{Action, WsMessage};
use crate::eio::{EioConfig, EioEvent, EioServer, Frame};
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{ConnId, RequestId, Sid};

/// An [`EioServer`] plus a virtual clock and a record of everything it asked for.
#[derive(Debug)]
pub struct Harness {
    /// The server under test.
    pub server: EioServer,
    /// The virtual clock's current time.
    pub now: Instant,
    base: Instant,
    responses: HashMap<RequestId, http::Response<Bytes>>,
    answered: HashSet<RequestId>,
    accepted: HashMap<RequestId, ConnId>,
    ws_out: HashMap<ConnId, VecDeque<Frame>>,
    closed: HashSet<ConnId>,
    events: VecDeque<EioEvent>,
    ended: Vec<Sid>,
    ever_ended: HashSet<Sid>,
    /// Every action as a short string, in order (for transcript assertions); sessions that
    /// ended are recorded apart ([`Harness::take_ended`]).
    pub transcript: Vec<String>,
}

impl Harness {
    /// A harness whose virtual clock starts at `base`.
    #[must_use]
    pub fn new(config: EioConfig, base: Instant) -> Self {
        Self {
            server: EioServer::new(config),
            now: base,
            base,
            responses: HashMap::new(),
            answered: HashSet::new(),
            accepted: HashMap::new(),
            ws_out: HashMap::new(),
            closed: HashSet::new(),
            events: VecDeque::new(),
            ended: Vec::new(),
            ever_ended: HashSet::new(),
            transcript: Vec::new(),
        }
    }

    /// A harness whose clock starts at the real current instant, read once here: tests
    /// need some `Instant` to start from, and only differences to it matter afterwards.
    #[must_use]
    #[allow(clippy::disallowed_methods)]
    pub fn with_config(config: EioConfig) -> Self {
        Self::new(config, Instant::now())
    }

    /// A harness with `EioConfig::default()` and a fixed sid seed.
    #[must_use]
    pub fn default_seeded() -> Self {
        Self::with_config(EioConfig {
            rng_seed: Some([42; 32]),
            ..EioConfig::default()
        })
    }

    /// Virtual time since the start.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.now.saturating_duration_since(self.base)
    }

    /// Drains every action into the harness's records.
    pub fn drive(&mut self) {
        while let Some(action) = self.server.poll_action() {
            self.record(action);
        }
    }

    fn record(&mut self, action: Action<EioEvent>) {
        match action {
            Action::Respond { req, response } => {
                assert!(self.answered.insert(req), "{req:?} answered twice");
                self.transcript.push(format!(
                    "respond {} {}",
                    req.get(),
                    response.status().as_u16()
                ));
                self.responses.insert(req, *response);
            }
            Action::AcceptWebSocket { req, conn } => {
                assert!(self.answered.insert(req), "{req:?} answered twice");
                self.transcript
                    .push(format!("accept {} as {}", req.get(), conn.get()));
                self.accepted.insert(req, conn);
            }
            Action::StreamResponse {
                req,
                conn,
                response,
            } => {
                assert!(self.answered.insert(req), "{req:?} answered twice");
                self.transcript
                    .push(format!("stream {} as {}", req.get(), conn.get()));
                self.accepted.insert(req, conn);
                self.responses.insert(req, *response);
            }
            Action::SendWs { conn, frame } => {
                assert!(!self.closed.contains(&conn), "send on closed {conn:?}");
                self.transcript
                    .push(format!("ws {} {}", conn.get(), show(&frame)));
                self.ws_out.entry(conn).or_default().push_back(frame);
            }
            Action::CloseWs { conn } => {
                assert!(self.closed.insert(conn), "{conn:?} closed twice");
                self.transcript.push(format!("close ws {}", conn.get()));
            }
            Action::Dispatch(event) => {
                self.transcript.push(format!("event {event:?}"));
                self.events.push_back(event);
            }
            Action::SessionEnded { sid } => {
                assert!(self.ever_ended.insert(sid), "{sid} ended twice");
                self.ended.push(sid);
            }
            // The bare Engine.IO server has no cluster.
            Action::Cluster(c) => panic!("Engine.IO server asked for cluster action {c:?}"),
            Action::Streams(c) => panic!("Engine.IO server asked for streams action {c:?}"),
        }
    }

    /// Moves the clock forward by `d`, firing every timer at its own deadline on the way.
    pub fn advance(&mut self, d: Duration) {
        let target = self.now.checked_add(d).unwrap_or(self.now);
        while let Some(deadline) = self.server.poll_timeout() {
            if deadline > target {
                break;
            }
            self.now = self.now.max(deadline);
            self.server.handle_timeout(self.now);
            self.drive();
        }
        self.now = target;
        self.server.handle_timeout(self.now);
        self.drive();
    }

    /// Sends an HTTP request and drives.
    pub fn http(&mut self, meta: RequestMeta, body: HttpBody) -> RequestId {
        let req = self.server.handle_http(self.now, meta, body);
        self.drive();
        req
    }

    /// A request with `method`, `uri` and `headers` (name, value pairs).
    ///
    /// # Panics
    /// When `uri` or a header does not parse (test input).
    #[must_use]
    pub fn meta(method: http::Method, uri: &str, headers: &[(&str, &str)]) -> RequestMeta {
        let mut meta = RequestMeta::new(method, uri.parse().unwrap_or_else(|e| panic!("{e}")));
        for (k, v) in headers {
            let name: http::HeaderName = k.parse().unwrap_or_else(|e| panic!("{e}"));
            let value: http::HeaderValue = v.parse().unwrap_or_else(|e| panic!("{e}"));
            meta.headers.append(name, value);
        }
        meta
    }

    /// Takes the response to `req`, if it was answered.
    pub fn take_response(&mut self, req: RequestId) -> Option<http::Response<Bytes>> {
        self.responses.remove(&req)
    }

    /// Whether `req` was answered (by a response or an accepted WebSocket).
    #[must_use]
    pub fn is_answered(&self, req: RequestId) -> bool {
        self.answered.contains(&req)
    }

    /// The connection accepted for upgrade request `req`.
    #[must_use]
    pub fn accepted(&self, req: RequestId) -> Option<ConnId> {
        self.accepted.get(&req).copied()
    }

    /// Takes every frame sent on `conn` so far.
    pub fn take_ws(&mut self, conn: ConnId) -> Vec<Frame> {
        self.ws_out.remove(&conn).map(Vec::from).unwrap_or_default()
    }

    /// Whether the engine closed `conn`.
    #[must_use]
    pub fn is_closed(&self, conn: ConnId) -> bool {
        self.closed.contains(&conn)
    }

    /// A client message on `conn`, then drive.
    pub fn ws_message(&mut self, conn: ConnId, msg: WsMessage) {
        self.server.handle_ws_message(self.now, conn, msg);
        self.drive();
    }

    /// The client side of `conn` went away, then drive.
    pub fn ws_closed(&mut self, conn: ConnId) {
        self.closed.insert(conn);
        self.server.handle_ws_closed(self.now, conn);
        self.drive();
    }

    /// The driver could not deliver the response to `req` (or its client left), then drive.
    pub fn abort(&mut self, req: RequestId) {
        self.server.handle_http_aborted(self.now, req);
        self.drive();
    }

    /// Takes every event dispatched so far.
    pub fn take_events(&mut self) -> Vec<EioEvent> {
        self.events.drain(..).collect()
    }

    /// Takes the sessions announced as ended ([`Action::SessionEnded`]) so far, in order.
    pub fn take_ended(&mut self) -> Vec<Sid> {
        std::mem::take(&mut self.ended)
    }

    /// Takes every event dispatched so far: text messages as their text, anything else in
    /// its debug form (so an unexpected event shows up in the comparison).
    pub fn take_messages(&mut self) -> Vec<String> {
        self.events
            .drain(..)
            .map(|e| match e {
                EioEvent::Message {
                    message: crate::eio::Message::Text(t),
                    ..
                } => t.as_str().to_owned(),
                other => format!("{other:?}"),
            })
            .collect()
    }
}

/// A frame as short text: text frames as they are, binary as `<bin:N bytes>`.
#[must_use]
pub fn show(frame: &Frame) -> String {
    match frame {
        Frame::Text(s) => s.as_str().to_owned(),
        Frame::Binary(b) => format!("<bin:{}>", b.len()),
    }
}

pub mod fuzz;
pub mod memory;
pub mod recovery;
pub mod sio_client;
pub mod sio_polling;
pub mod v09_client;
