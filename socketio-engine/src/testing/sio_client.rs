//! [`SioHarness`]: the whole [`Engine`] on a virtual clock, with fake Socket.IO clients that
//! speak real wire bytes over WebSocket (an HTTP upgrade request, then Engine.IO text and
//! binary frames holding Socket.IO packets), as `socket.io-client` would.
//!
//! Panics are fine here: this is test support, and a panic is a failed scenario.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use socketio_proto::Str;
use socketio_proto::eio::Frame;
use socketio_proto::sio::{Args, Payload};

use crate::action::{Action, WsMessage};
use crate::cluster::ClusterAction;
use crate::engine::{Engine, EngineConfig};
use crate::event::{Event, PendingConnect};
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{ConnId, RequestId, Sid};
use crate::sio::ids::SocketId;

/// A fake client: one Engine.IO session over one WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SioClient {
    /// The WebSocket.
    pub conn: ConnId,
    /// The Engine.IO session.
    pub sid: Sid,
}

/// The engine, a virtual clock, and everything the engine sent, sorted by connection.
pub struct SioHarness {
    /// The engine under test.
    pub engine: Engine,
    /// Virtual time.
    pub now: Instant,
    /// Application events not yet taken.
    pub events: VecDeque<Event>,
    inbox: HashMap<ConnId, VecDeque<Frame>>,
    closed: Vec<ConnId>,
    accepted: Vec<ConnId>,
    /// HTTP responses not yet taken, by request (polling clients, `sio_polling.rs`).
    pub(crate) responses: HashMap<RequestId, http::Response<Bytes>>,
    /// Cluster actions (subscriptions, publishes) not yet taken.
    pub cluster: VecDeque<ClusterAction>,
    /// Streams backend actions (appends, session writes, restores) not yet taken.
    pub streams: VecDeque<crate::streams::StreamsAction>,
}

impl SioHarness {
    /// An engine with `config`.
    #[must_use]
    pub fn new(config: EngineConfig) -> Self {
        // A fixed origin for virtual time: only differences matter.
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        Self {
            engine: Engine::new(config),
            now,
            events: VecDeque::new(),
            inbox: HashMap::new(),
            closed: Vec::new(),
            accepted: Vec::new(),
            responses: HashMap::new(),
            cluster: VecDeque::new(),
            streams: VecDeque::new(),
        }
    }

    /// A config with deterministic ids.
    #[must_use]
    pub fn config() -> EngineConfig {
        let mut c = EngineConfig::default();
        c.eio.rng_seed = Some([1; 32]);
        c.sio.rng_seed([2; 32]);
        c
    }

    /// Drains every action: frames go to the clients' inboxes, events to `events`.
    pub fn drive(&mut self) {
        while let Some(a) = self.engine.poll_action() {
            match a {
                Action::AcceptWebSocket { conn, .. } => self.accepted.push(conn),
                Action::StreamResponse {
                    req,
                    conn,
                    response,
                } => {
                    self.accepted.push(conn);
                    self.responses.insert(req, *response);
                }
                Action::SendWs { conn, frame } => {
                    self.inbox.entry(conn).or_default().push_back(frame);
                }
                Action::CloseWs { conn } => self.closed.push(conn),
                Action::Dispatch(e) => self.events.push_back(e),
                Action::SessionEnded { .. } => {}
                Action::Respond { req, response } => {
                    self.responses.insert(req, *response);
                }
                Action::Cluster(c) => self.cluster.push_back(*c),
                Action::Streams(c) => self.streams.push_back(*c),
            }
        }
    }

    /// Moves the clock by `d`, firing due timers in order.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        while let Some(at) = self.engine.poll_timeout() {
            if at > end {
                break;
            }
            self.now = self.now.max(at);
            self.engine.handle_timeout(self.now);
            self.drive();
        }
        self.now = end;
    }

    /// Opens an Engine.IO session over WebSocket at `/socket.io/`.
    pub fn open(&mut self) -> SioClient {
        self.open_eio(4)
    }

    /// Opens an Engine.IO session of protocol `eio` (3 needs `allow_eio3`; it carries
    /// Socket.IO v4) over WebSocket at `/socket.io/`.
    pub fn open_eio(&mut self, eio: u8) -> SioClient {
        let uri = format!("/socket.io/?EIO={eio}&transport=websocket");
        let mut meta = RequestMeta::new(Method::GET, uri.parse().unwrap());
        meta.headers
            .insert(http::header::UPGRADE, "websocket".parse().unwrap());
        meta.headers
            .insert(http::header::CONNECTION, "Upgrade".parse().unwrap());
        self.engine
            .handle_http(self.now, meta, HttpBody::Complete(Bytes::new()));
        self.drive();
        let conn = self.accepted.pop().expect("websocket accepted");
        let open = self.inbox.get_mut(&conn).unwrap().pop_front().unwrap();
        let Frame::Text(text) = open else {
            panic!("open is text")
        };
        let v: serde_json::Value = serde_json::from_str(&text[1..]).unwrap();
        let sid = v["sid"].as_str().unwrap().parse().unwrap();
        SioClient { conn, sid }
    }

    /// Sends one Socket.IO packet's text (without Engine.IO's `4`).
    pub fn send(&mut self, c: SioClient, sio_text: &str) {
        let msg = WsMessage::Text(Str::from(format!("4{sio_text}")));
        self.engine.handle_ws_message(self.now, c.conn, msg);
        self.drive();
    }

    /// Sends one raw Engine.IO text frame.
    pub fn send_raw(&mut self, c: SioClient, eio_text: &str) {
        let msg = WsMessage::Text(Str::from(eio_text));
        self.engine.handle_ws_message(self.now, c.conn, msg);
        self.drive();
    }

    /// Sends one binary attachment.
    pub fn send_binary(&mut self, c: SioClient, data: &[u8]) {
        let msg = WsMessage::Binary(Bytes::copy_from_slice(data));
        self.engine.handle_ws_message(self.now, c.conn, msg);
        self.drive();
    }

    /// The client's WebSocket closed.
    pub fn close_ws(&mut self, c: SioClient) {
        self.engine.handle_ws_closed(self.now, c.conn);
        self.drive();
    }

    /// Socket.IO packets received by `c` since the last call, as text without Engine.IO's `4`;
    /// attachments as `<bin N>`; other Engine.IO packets (pings, close) as `eio:<text>`.
    pub fn take(&mut self, c: SioClient) -> Vec<String> {
        let frames = self.inbox.remove(&c.conn).unwrap_or_default();
        frames
            .into_iter()
            .map(|f| match f {
                Frame::Text(t) => match t.strip_prefix('4') {
                    Some(rest) => rest.to_owned(),
                    None => format!("eio:{}", t.as_str()),
                },
                Frame::Binary(b) => format!("<bin {}>", b.len()),
            })
            .collect()
    }

    /// The newest WebSocket the engine accepted, if not taken yet.
    pub fn take_accepted(&mut self) -> Option<ConnId> {
        self.accepted.pop()
    }

    /// Every frame sent on `conn` since the last call.
    pub fn take_frames(&mut self, conn: ConnId) -> Vec<Frame> {
        self.inbox.remove(&conn).unwrap_or_default().into()
    }

    /// Whether the engine closed the WebSocket `conn`.
    #[must_use]
    pub fn is_conn_closed(&self, conn: ConnId) -> bool {
        self.closed.contains(&conn)
    }

    /// Whether the engine closed `c`'s WebSocket.
    #[must_use]
    pub fn is_closed(&self, c: SioClient) -> bool {
        self.closed.contains(&c.conn)
    }

    /// The next application event.
    pub fn event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The next application event, which must be a namespace connect request.
    ///
    /// # Panics
    /// When the next event is anything else.
    pub fn connect_request(&mut self) -> PendingConnect {
        match self.event() {
            Some(Event::Connect(p)) => p,
            other => panic!("expected a connect request, got {other:?}"),
        }
    }

    /// Connects `c` to `nsp` with `auth` (JSON text or empty), accepts, and returns the socket.
    pub fn join_ns(&mut self, c: SioClient, nsp: &str, auth: &str) -> SocketId {
        let prefix = if nsp == "/" {
            String::new()
        } else {
            format!("{nsp},")
        };
        self.send(c, &format!("0{prefix}{auth}"));
        let p = self.connect_request();
        let id = self.engine.accept_connect(self.now, p).unwrap();
        self.drive();
        let name = self.engine.socket_name(id).unwrap();
        let out = self.take(c);
        // `{"sid"}`, with `"pid"` after it when connection state recovery is on.
        let sid = format!(r#"0{prefix}{{"sid":"{name}""#);
        assert!(
            out.len() == 1
                && (out[0] == format!("{sid}}}")
                    || out[0].starts_with(&format!(r#"{sid},"pid":""#))),
            "CONNECT reply: {out:?}"
        );
        id
    }

    /// A client connected to `nsp`: `(client, socket)`.
    pub fn client(&mut self, nsp: &str) -> (SioClient, SocketId) {
        let c = self.open();
        let s = self.join_ns(c, nsp, "");
        (c, s)
    }
}

/// A JSON payload from text (panics on invalid JSON).
#[must_use]
pub fn json(text: &str) -> Payload {
    Payload::from_json(Str::from(text)).unwrap()
}

/// Arguments from the text of a JSON array (panics on anything else).
#[must_use]
pub fn args(text: &str) -> Args {
    Args::try_from_payload(json(text)).unwrap()
}
