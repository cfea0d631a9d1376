//! [`Machine`]: the sans-IO state machine a hub drives. Implemented by the Socket.IO
//! [`Engine`] and by the bare Engine.IO [`EioServer`], so one driver serves both (the
//! conformance server mounts one of each on a single port).

use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_engine::eio::{EioEvent, EioServer};
use socketio_engine::{
    Action, ConnId, Engine, Event, HttpBody, RequestId, RequestMeta, Sid, WsMessage,
};

/// The inputs and outputs every sans-IO server shares.
pub trait Machine: Send + 'static {
    /// What `poll_action` dispatches to the application.
    type Event: Send + 'static;

    /// An HTTP request arrived.
    fn handle_http(&mut self, now: Instant, meta: RequestMeta, body: HttpBody) -> RequestId;
    /// A request's client went away before its response.
    fn handle_http_aborted(&mut self, now: Instant, req: RequestId);
    /// A WebSocket message arrived.
    fn handle_ws_message(&mut self, now: Instant, conn: ConnId, msg: WsMessage);
    /// A WebSocket closed.
    fn handle_ws_closed(&mut self, now: Instant, conn: ConnId);
    /// Deadlines passed.
    fn handle_timeout(&mut self, now: Instant);
    /// The next deadline.
    fn poll_timeout(&self) -> Option<Instant>;
    /// The next action.
    fn poll_action(&mut self) -> Option<Action<Self::Event>>;
    /// Closes every session (graceful shutdown).
    fn close_all(&mut self, now: Instant);
    /// Open sessions.
    fn session_count(&self) -> usize;
    /// The largest accepted request body or WebSocket message.
    fn max_http_buffer_size(&self) -> usize;
    /// The most bytes held for a client that has not taken them (`max_outbox_bytes`): the
    /// engine's bound for a polling session's queue, and the driver's for a WebSocket's.
    fn max_outbox_bytes(&self) -> usize;
    /// The path prefix this server answers (e.g. `/socket.io/`).
    fn path(&self) -> &str;
    /// How long a session outlives silence from its client (`ping_interval +
    /// ping_timeout`): longer than that, no request of it can still be worth waiting for.
    fn session_lifetime(&self) -> Duration;
    /// Whether session `sid` is open.
    fn has_session(&self, sid: Sid) -> bool;
    /// A message arrived on a cluster channel (only a machine with a cluster gets any).
    fn handle_cluster_message(&mut self, _now: Instant, _channel: &str, _payload: Bytes) {}
    /// The cluster's server count changed (only a machine with a cluster gets this).
    fn set_cluster_server_count(&mut self, _count: usize) {}
    /// An append's entry id came back (only a machine with the streams backend gets this).
    fn handle_stream_appended(
        &mut self,
        _now: Instant,
        _token: socketio_engine::streams::AppendToken,
        _id: Option<socketio_proto::cluster::streams::StreamOffset>,
    ) {
    }
    /// Entries were read from the stream (streams backend only).
    fn handle_stream_entries(
        &mut self,
        _now: Instant,
        _entries: Vec<socketio_engine::streams::StreamEntry>,
    ) {
    }
    /// A restore was answered (streams backend only).
    fn handle_session_restored(
        &mut self,
        _now: Instant,
        _token: socketio_engine::streams::RestoreToken,
        _answer: socketio_engine::streams::RestoreAnswer,
    ) {
    }
}

macro_rules! forward {
    () => {
        fn handle_http(&mut self, now: Instant, meta: RequestMeta, body: HttpBody) -> RequestId {
            Self::handle_http(self, now, meta, body)
        }
        fn handle_http_aborted(&mut self, now: Instant, req: RequestId) {
            Self::handle_http_aborted(self, now, req);
        }
        fn handle_ws_message(&mut self, now: Instant, conn: ConnId, msg: WsMessage) {
            Self::handle_ws_message(self, now, conn, msg);
        }
        fn handle_ws_closed(&mut self, now: Instant, conn: ConnId) {
            Self::handle_ws_closed(self, now, conn);
        }
        fn handle_timeout(&mut self, now: Instant) {
            Self::handle_timeout(self, now);
        }
        fn poll_timeout(&self) -> Option<Instant> {
            Self::poll_timeout(self)
        }
        fn poll_action(&mut self) -> Option<Action<Self::Event>> {
            Self::poll_action(self)
        }
        fn close_all(&mut self, now: Instant) {
            Self::close_all(self, now);
        }
    };
}

impl Machine for Engine {
    type Event = Event;
    forward!();
    fn session_count(&self) -> usize {
        self.eio().session_count()
    }
    fn max_http_buffer_size(&self) -> usize {
        self.eio().config().max_http_buffer_size
    }
    fn max_outbox_bytes(&self) -> usize {
        self.eio().config().max_outbox_bytes
    }
    fn path(&self) -> &str {
        &self.eio().config().path
    }
    fn session_lifetime(&self) -> Duration {
        let c = self.eio().config();
        c.ping_interval.saturating_add(c.ping_timeout)
    }
    fn has_session(&self, sid: Sid) -> bool {
        self.eio().generation(sid).is_some()
    }
    fn handle_cluster_message(&mut self, now: Instant, channel: &str, payload: Bytes) {
        Self::handle_cluster_message(self, now, channel, payload);
    }
    fn set_cluster_server_count(&mut self, count: usize) {
        Self::set_cluster_server_count(self, count);
    }
    fn handle_stream_appended(
        &mut self,
        now: Instant,
        token: socketio_engine::streams::AppendToken,
        id: Option<socketio_proto::cluster::streams::StreamOffset>,
    ) {
        Self::handle_stream_appended(self, now, token, id);
    }
    fn handle_stream_entries(
        &mut self,
        now: Instant,
        entries: Vec<socketio_engine::streams::StreamEntry>,
    ) {
        Self::handle_stream_entries(self, now, entries);
    }
    fn handle_session_restored(
        &mut self,
        now: Instant,
        token: socketio_engine::streams::RestoreToken,
        answer: socketio_engine::streams::RestoreAnswer,
    ) {
        Self::handle_session_restored(self, now, token, answer);
    }
}

impl Machine for EioServer {
    type Event = EioEvent;
    forward!();
    fn session_count(&self) -> usize {
        Self::session_count(self)
    }
    fn max_http_buffer_size(&self) -> usize {
        self.config().max_http_buffer_size
    }
    fn max_outbox_bytes(&self) -> usize {
        self.config().max_outbox_bytes
    }
    fn path(&self) -> &str {
        &self.config().path
    }
    fn session_lifetime(&self) -> Duration {
        let c = self.config();
        c.ping_interval.saturating_add(c.ping_timeout)
    }
    fn has_session(&self, sid: Sid) -> bool {
        self.generation(sid).is_some()
    }
}
