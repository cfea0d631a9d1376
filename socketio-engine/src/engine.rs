//! [`Engine`]: the Socket.IO server facade. It owns the Engine.IO server and the Socket.IO
//! layer, forwards inputs, and turns Engine.IO events into Socket.IO processing. It holds no
//! protocol logic of its own.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::eio::Message;
use socketio_proto::sio::Args;

use crate::action::{Action, WsMessage};
use crate::cluster::{ClusterConfig, ClusterState};
use crate::eio::{CloseReason, EioConfig, EioEvent, EioServer, Generation, HandshakeInfo};
use crate::event::{AckToken, DisconnectReason, Event, PendingConnect};
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{ConnId, RequestId};
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::config::SioConfig;
use crate::sio::error::UsageError;
use crate::sio::ids::{AckId, SocketId, SocketName};
use crate::sio::recovery::AppData;
use crate::sio::session_key::SessionKey;
use crate::sio::state::SioState;
use crate::sio::transport::{Encoded, Transport};
use socketio_proto::cluster::streams::StreamBody;

/// The size of connection state recovery's store ([`Engine::recovery_store`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecoveryStore {
    /// Disconnected sessions kept.
    pub sessions: usize,
    /// Sent events kept for replay.
    pub packets: usize,
    /// Their bytes (JSON text, attachments, room names).
    pub bytes: usize,
}

/// Settings of both layers.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Engine.IO settings; `path` defaults to `"/socket.io/"` here.
    pub eio: EioConfig,
    /// Socket.IO settings.
    pub sio: SioConfig,
    /// The cluster adapter (servers sharing Redis). Default `None`: off, and nothing of it
    /// runs.
    pub cluster: Option<ClusterConfig>,
    /// The streams backend (node's `@socket.io/redis-streams-adapter`): servers sharing a
    /// Redis stream, recovering each other's clients. Default `None`. Set this or `cluster`,
    /// not both (with both, `cluster` is ignored).
    pub streams: Option<crate::streams::StreamsConfig>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            eio: EioConfig {
                path: "/socket.io/".to_owned(),
                ..EioConfig::default()
            },
            sio: SioConfig::default(),
            cluster: None,
            streams: None,
        }
    }
}

impl Transport for EioServer {
    fn send(&mut self, now: Instant, session: SessionKey, packet: &Encoded) -> bool {
        // The header frame alone is the common case (no attachments): sent without going
        // through an iterator, which a broadcast would pay once per recipient.
        if Self::send(self, now, session, packet.head.clone()).is_err() {
            return false;
        }
        packet
            .binary
            .iter()
            .all(|f| Self::send(self, now, session, f.clone()).is_ok())
    }

    fn is_writable(&self, session: SessionKey) -> bool {
        Self::is_writable(self, session)
    }

    fn close(&mut self, now: Instant, session: SessionKey) {
        Self::close(self, now, session);
    }

    fn handshake_query(&self, session: SessionKey) -> Option<&str> {
        self.handshake(session).map(|h| h.query.as_str())
    }
}

fn disconnect_reason(r: CloseReason) -> DisconnectReason {
    match r {
        CloseReason::TransportClose | CloseReason::ClientClose => DisconnectReason::TransportClose,
        CloseReason::TransportError | CloseReason::PayloadTooLarge => {
            DisconnectReason::TransportError
        }
        CloseReason::PingTimeout => DisconnectReason::PingTimeout,
        CloseReason::ParseError => DisconnectReason::ParseError,
        CloseReason::BufferFull => DisconnectReason::BufferFull,
        CloseReason::ServerClose => DisconnectReason::ServerNamespaceDisconnect,
    }
}

/// An Engine.IO action as an engine action, or the Engine.IO event it carries.
fn split(a: Action<EioEvent>) -> Result<Action<Event>, EioEvent> {
    match a {
        Action::Respond { req, response } => Ok(Action::Respond { req, response }),
        Action::AcceptWebSocket { req, conn } => Ok(Action::AcceptWebSocket { req, conn }),
        Action::StreamResponse {
            req,
            conn,
            response,
        } => Ok(Action::StreamResponse {
            req,
            conn,
            response,
        }),
        Action::SendWs { conn, frame } => Ok(Action::SendWs { conn, frame }),
        Action::CloseWs { conn } => Ok(Action::CloseWs { conn }),
        Action::Cluster(c) => Ok(Action::Cluster(c)),
        Action::Streams(c) => Ok(Action::Streams(c)),
        Action::Dispatch(e) => Err(e),
        Action::SessionEnded { sid } => Ok(Action::SessionEnded { sid }),
    }
}

/// A sans-IO Socket.IO server: HTTP requests, WebSocket messages and time in; HTTP responses,
/// WebSocket frames and [`Event`]s out.
///
/// Drive it like [`EioServer`]: after every input or command, drain
/// [`poll_action`](Self::poll_action) (`Respond`, `AcceptWebSocket`, `SendWs`, `CloseWs` go to
/// the network, `Dispatch(Event)` to the application), then sleep until
/// [`poll_timeout`](Self::poll_timeout) and call [`handle_timeout`](Self::handle_timeout).
/// One Engine.IO session carries any number of namespace sockets.
///
/// Actions come out in causal order: each input or command is fully processed before it
/// returns (Engine.IO events go through the Socket.IO layer at that input's `now`), and what
/// it caused is queued behind what earlier inputs caused. The one exception is batching: a
/// parked polling GET is answered when actions are drained, with everything sent to it
/// meanwhile in one response.
pub struct Engine {
    pub(crate) eio: EioServer,
    pub(crate) sio: SioState,
    /// Actions already ordered; Engine.IO's own queue follows them.
    pub(crate) out: VecDeque<Action<Event>>,
    /// The cluster adapter, when configured.
    pub(crate) cluster: Option<ClusterState>,
    /// The streams backend, when configured.
    pub(crate) streams: Option<crate::streams::StreamsState>,
    now: Option<Instant>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("eio", &self.eio)
            .field("sockets", &self.sio.sockets.len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine with `config`.
    #[must_use]
    pub fn new(config: EngineConfig) -> Self {
        let mut sio = SioState::new(config.sio);
        let streams = config.streams.map(crate::streams::StreamsState::new);
        if streams.is_some()
            && let Some(r) = sio.recovery.as_mut()
        {
            r.remote = Some(Box::default());
        }
        Self {
            eio: EioServer::new(config.eio),
            sio,
            out: VecDeque::new(),
            cluster: if streams.is_some() {
                None
            } else {
                config.cluster.map(ClusterState::new)
            },
            streams,
            now: None,
        }
    }

    pub(crate) fn clamp(&mut self, now: Instant) -> Instant {
        let now = self.now.map_or(now, |last| last.max(now));
        self.now = Some(now);
        now
    }

    /// An HTTP request arrived (handshake, polling GET/POST, WebSocket upgrade).
    pub fn handle_http(&mut self, now: Instant, meta: RequestMeta, body: HttpBody) -> RequestId {
        let now = self.clamp(now);
        self.expire(now);
        let req = self.eio.handle_http(now, meta, body);
        self.pump(now);
        req
    }

    /// A parked polling GET's client went away before its response.
    pub fn handle_http_aborted(&mut self, now: Instant, req: RequestId) {
        let now = self.clamp(now);
        self.expire(now);
        self.eio.handle_http_aborted(now, req);
        self.pump(now);
    }

    /// A WebSocket message arrived on `conn`.
    pub fn handle_ws_message(&mut self, now: Instant, conn: ConnId, msg: WsMessage) {
        let now = self.clamp(now);
        self.expire(now);
        self.eio.handle_ws_message(now, conn, msg);
        self.pump(now);
    }

    /// The WebSocket `conn` closed.
    pub fn handle_ws_closed(&mut self, now: Instant, conn: ConnId) {
        let now = self.clamp(now);
        self.expire(now);
        self.eio.handle_ws_closed(now, conn);
        self.pump(now);
    }

    /// Fires every deadline due at `now` (pings, upgrades, connect timeouts, ack timeouts).
    /// A spurious call does nothing, and a late one only delays: follow-up deadlines keep
    /// their schedule, and every `handle_*` input fires what is due at its `now` first.
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.clamp(now);
        self.fire_due(now);
    }

    fn fire_due(&mut self, now: Instant) {
        self.eio.handle_timeout(now);
        // Sessions that Engine.IO closed leave the Socket.IO layer before its own timers run.
        self.pump(now);
        self.sio.handle_timeout(now, &mut self.eio);
        if let Some(c) = &mut self.cluster {
            c.expire(now, &mut self.sio.events);
        }
        self.streams_expire(now);
        self.pump(now);
    }

    /// Before an input is processed, fires every deadline of either layer due at its `now`
    /// (a pong, an ack or a CONNECT arriving at or past its deadline is too late, whatever
    /// the driver's timer did, as in node, whose timers run before the I/O of the same loop
    /// turn). One comparison of the earliest deadline when nothing is due.
    pub(crate) fn expire(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|at| at <= now) {
            self.fire_due(now);
        }
    }

    /// The earliest deadline of either layer.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let cluster = self.cluster.as_ref().and_then(|c| c.timers.next_deadline());
        let streams = self.streams.as_ref().and_then(|s| s.timers.next_deadline());
        [
            self.eio.poll_timeout(),
            self.sio.poll_timeout(),
            cluster,
            streams,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The next action for the driver or the application, in causal order.
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action<Event>> {
        self.cluster_sync();
        if let Some(now) = self.now {
            // Sessions persisted by commands (a server shutdown, say) since the last input.
            self.streams_flush(now);
            self.out
                .extend(self.sio.events.drain(..).map(Action::Dispatch));
        }
        loop {
            if let Some(a) = self.out.pop_front() {
                // Acks of another server's broadcast go back to it, not to the application.
                match self.cluster_take_ack(a) {
                    Some(a) => return Some(a),
                    None => continue,
                }
            }
            // Nothing reordered is waiting: Engine.IO's queue (answering parked GETs first)
            // holds only network actions, as every input and command processed its events.
            match split(self.eio.poll_action()?) {
                Ok(a) => return Some(a),
                Err(e) => {
                    let now = self.now?;
                    self.on_eio_event(now, e);
                    self.pump(now);
                }
            }
        }
    }

    /// Processes every Engine.IO event queued so far at `now` and moves the actions before
    /// and after each, and the Socket.IO events each caused, into `out` in that order. Does
    /// nothing (keeps the fast path of a broadcast: no copy per frame) when there is no event
    /// to order.
    pub(crate) fn pump(&mut self, now: Instant) {
        if self.eio.dispatches == 0 && self.sio.events.is_empty() {
            return;
        }
        while let Some(a) = self.eio.pop_queued() {
            match split(a) {
                Ok(a) => self.out.push_back(a),
                Err(e) => {
                    self.on_eio_event(now, e);
                    self.out
                        .extend(self.sio.events.drain(..).map(Action::Dispatch));
                }
            }
        }
        self.out
            .extend(self.sio.events.drain(..).map(Action::Dispatch));
    }

    fn on_eio_event(&mut self, now: Instant, e: EioEvent) {
        match e {
            EioEvent::Open { sid } => {
                if let Some(stats) = &mut self.eio.stats {
                    stats.connections += 1;
                }
                let generation = self.eio.generation(sid).unwrap_or(Generation::Eio4);
                self.sio.handle_open(now, &mut self.eio, sid, generation);
            }
            EioEvent::Message { sid, message } => match message {
                Message::Text(text) => self.sio.handle_text(now, &mut self.eio, sid, text),
                Message::Binary(data) => self.sio.handle_binary(now, &mut self.eio, sid, data),
            },
            EioEvent::Close { sid, reason } => {
                if let Some(stats) = &mut self.eio.stats {
                    *stats.disconnections.entry(reason.as_str()).or_default() += 1;
                }
                self.sio.handle_closed(now, sid, disconnect_reason(reason));
            }
        }
        // Session writes and restore requests this event caused, in its order.
        self.streams_flush(now);
    }

    /// Accepts a connect request: the client gets CONNECT with the new socket's id.
    ///
    /// # Errors
    /// [`UsageError::ConnectNotPending`] if the session closed or the client withdrew.
    pub fn accept_connect(
        &mut self,
        now: Instant,
        p: PendingConnect,
    ) -> Result<SocketId, UsageError> {
        self.accept(now, p, None)
    }

    /// As [`accept_connect`](Self::accept_connect), telling when by the wall clock, in ms
    /// since the Unix epoch (the engine has no clock): another server's `fetchSockets` lists
    /// the socket with it as node's `handshake.issued`, and as `handshake.time` (its date,
    /// in UTC). Accepted without it, a socket's `issued` and `time` are left out.
    ///
    /// # Errors
    /// [`UsageError::ConnectNotPending`] if the session closed or the client withdrew.
    pub fn accept_connect_issued(
        &mut self,
        now: Instant,
        p: PendingConnect,
        unix_ms: u64,
    ) -> Result<SocketId, UsageError> {
        self.accept(now, p, Some(unix_ms))
    }

    fn accept(
        &mut self,
        now: Instant,
        p: PendingConnect,
        issued_ms: Option<u64>,
    ) -> Result<SocketId, UsageError> {
        let now = self.clamp(now);
        let r = self.sio.accept_connect(now, &mut self.eio, p, issued_ms);
        self.pump(now);
        r
    }

    /// Refuses a connect request: the client gets CONNECT_ERROR `{"message","data"}`.
    ///
    /// # Errors
    /// [`UsageError::ConnectNotPending`] if the session closed or the client withdrew.
    pub fn reject_connect(
        &mut self,
        now: Instant,
        p: PendingConnect,
        message: &str,
        data: Option<serde_json::Value>,
    ) -> Result<(), UsageError> {
        let now = self.clamp(now);
        let r = self
            .sio
            .reject_connect(now, &mut self.eio, p, message, data);
        self.pump(now);
        r
    }

    /// Sends `event` with `args` and `binary` attachments (referenced from `args` by
    /// [`Placeholder`](socketio_proto::sio::Placeholder)s) to one socket. [`Args`] is always
    /// a JSON array, so the packet is one every client parser accepts.
    ///
    /// # Errors
    /// Unknown socket, reserved event name.
    pub fn emit(
        &mut self,
        now: Instant,
        socket: SocketId,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        let now = self.clamp(now);
        if let Some(r) = self.streams_emit(now, socket, event, args, &binary) {
            self.pump(now);
            return r;
        }
        let r = self
            .sio
            .emit(now, &mut self.eio, socket, event, args, binary);
        self.pump(now);
        r
    }

    /// As [`emit`](Self::emit), asking the client to acknowledge within `timeout`: then
    /// `Event::AckReply` or `Event::AckTimeout` follows, naming the returned id.
    ///
    /// # Errors
    /// Unknown socket, reserved event name, `max_pending_acks` reached.
    pub fn emit_with_ack(
        &mut self,
        now: Instant,
        socket: SocketId,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckId, UsageError> {
        let now = self.clamp(now);
        let r = self
            .sio
            .emit_with_ack(now, &mut self.eio, socket, event, args, binary, timeout);
        self.pump(now);
        r
    }

    /// Acknowledges a client's event (the token is consumed: at most one ack per event).
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`] if the socket left meanwhile.
    pub fn ack(
        &mut self,
        now: Instant,
        token: AckToken,
        args: &Args,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        let now = self.clamp(now);
        let r = self.sio.ack(now, &mut self.eio, token, args, binary);
        self.pump(now);
        r
    }

    /// Sends `event` to every socket `target` selects, encoding it once; returns how many.
    /// With the streams backend (and a target that is not local) the delivery waits for the
    /// stream entry id (`StreamsAction::Append`) and 0 is returned.
    ///
    /// # Errors
    /// Unknown namespace, reserved event name.
    pub fn broadcast(
        &mut self,
        now: Instant,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
    ) -> Result<usize, UsageError> {
        let now = self.clamp(now);
        if let Some(r) = self.streams_broadcast(now, target, event, args, &binary) {
            self.pump(now);
            return r;
        }
        let published = self.cluster.is_some().then(|| binary.clone());
        let r = self
            .sio
            .broadcast(now, &mut self.eio, target, event, args, binary);
        if let (Ok(_), Some(binary)) = (&r, published) {
            self.cluster_broadcast(target, event, args, &binary);
        }
        self.pump(now);
        r
    }

    /// As [`broadcast`](Self::broadcast), gathering acks: one `Event::BroadcastAck` follows
    /// when every recipient answered or `timeout` passed.
    ///
    /// # Errors
    /// Unknown namespace, reserved event name, `max_pending_broadcast_acks` reached.
    pub fn broadcast_with_ack(
        &mut self,
        now: Instant,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckId, UsageError> {
        let now = self.clamp(now);
        let published = self.cluster.is_some().then(|| binary.clone());
        let r =
            self.sio
                .broadcast_with_ack(now, &mut self.eio, target, event, args, binary, timeout);
        if let (Ok(ack), Some(binary)) = (&r, published) {
            self.cluster_broadcast_with_ack(now, target, event, args, &binary, *ack, timeout);
        }
        self.pump(now);
        r
    }

    /// Adds `socket` to `room`; `Ok(false)` if it was a member already.
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn join(&mut self, socket: SocketId, room: impl Into<Str>) -> Result<bool, UsageError> {
        self.sio.join(socket, &room.into())
    }

    /// Removes `socket` from `room`; `Ok(false)` if it was not a member.
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn leave(&mut self, socket: SocketId, room: &str) -> Result<bool, UsageError> {
        self.sio.leave(socket, room)
    }

    /// Removes `socket` from every room it joined; returns how many.
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn leave_all(&mut self, socket: SocketId) -> Result<usize, UsageError> {
        self.sio.leave_all(socket)
    }

    /// The rooms of `socket`: its own id, then the rooms it joined.
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn rooms(&self, socket: SocketId) -> Result<Vec<Str>, UsageError> {
        self.sio.rooms_of(socket)
    }

    /// The sockets `target` selects (Node's `fetchSockets`).
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`].
    pub fn sockets(&self, target: &BroadcastTarget) -> Result<Vec<SocketId>, UsageError> {
        self.sio.select(target)
    }

    /// Makes the sockets `target` selects join `room`; returns how many joined.
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`].
    pub fn sockets_join(
        &mut self,
        target: &BroadcastTarget,
        room: impl Into<Str>,
    ) -> Result<usize, UsageError> {
        let room = room.into();
        let r = self.sio.sockets_join(target, &room);
        if r.is_ok() {
            self.cluster_sockets_join(target, &room);
            self.streams_sockets(target, |opts| StreamBody::SocketsJoin {
                opts,
                rooms: vec![room.clone()],
            });
        }
        r
    }

    /// Makes the sockets `target` selects leave `room`; returns how many left.
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`].
    pub fn sockets_leave(
        &mut self,
        target: &BroadcastTarget,
        room: &str,
    ) -> Result<usize, UsageError> {
        let r = self.sio.sockets_leave(target, room);
        if r.is_ok() {
            self.cluster_sockets_leave(target, room);
            self.streams_sockets(target, |opts| StreamBody::SocketsLeave {
                opts,
                rooms: vec![Str::from(room)],
            });
        }
        r
    }

    /// Disconnects the sockets `target` selects; returns how many.
    ///
    /// # Errors
    /// [`UsageError::UnknownNamespace`].
    pub fn disconnect_sockets(
        &mut self,
        now: Instant,
        target: &BroadcastTarget,
    ) -> Result<usize, UsageError> {
        let now = self.clamp(now);
        let r = self.sio.disconnect_sockets(now, &mut self.eio, target);
        if r.is_ok() {
            self.cluster_disconnect_sockets(target, false);
            self.streams_sockets(target, |opts| StreamBody::DisconnectSockets {
                opts,
                close: false,
            });
        }
        self.pump(now);
        r
    }

    /// Disconnects `socket` from its namespace (DISCONNECT is sent; the session stays).
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn disconnect(&mut self, now: Instant, socket: SocketId) -> Result<(), UsageError> {
        let now = self.clamp(now);
        let r = self.sio.disconnect(now, &mut self.eio, socket);
        self.pump(now);
        r
    }

    /// Disconnects every namespace of `socket`'s session and closes the session.
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn disconnect_session(&mut self, now: Instant, socket: SocketId) -> Result<(), UsageError> {
        let now = self.clamp(now);
        let r = self.sio.disconnect_session(now, &mut self.eio, socket);
        self.pump(now);
        r
    }

    /// Closes the connection of `socket`'s session without a Socket.IO DISCONNECT, as
    /// node's `socket.conn.close()`: every socket of the session leaves with
    /// [`DisconnectReason::ForcedClose`] (kept for recovery when it is on), and the client
    /// reconnects.
    ///
    /// # Errors
    /// [`UsageError::UnknownSocket`].
    pub fn close_transport(&mut self, now: Instant, socket: SocketId) -> Result<(), UsageError> {
        let now = self.clamp(now);
        let key = self
            .sio
            .socket_session(socket)
            .ok_or(UsageError::UnknownSocket)?;
        self.sio
            .close_session(now, &mut self.eio, key, DisconnectReason::ForcedClose);
        self.pump(now);
        Ok(())
    }

    /// Hands the application's data of a socket that just left (its `Event::Disconnect`) to
    /// connection state recovery, which gives it back in [`Recovered::data`](crate::Recovered::data) or
    /// [`take_recovered`](Self::take_recovered) when the client recovers (node persists
    /// `socket.data` with the session).
    ///
    /// # Errors
    /// The data back, when no session is kept for `socket` (recovery off, a reason that is
    /// not recoverable, or the session is gone).
    pub fn keep_data(&mut self, socket: SocketId, data: AppData) -> Result<(), AppData> {
        self.sio.keep_data(socket, data)
    }

    /// After [`accept_connect`](Self::accept_connect) of a request that
    /// [`is_recovery`](PendingConnect::is_recovery): `Some` (with the kept data, if any)
    /// when the socket was restored, `None` when it is fresh. Answers once per socket.
    pub fn take_recovered(&mut self, socket: SocketId) -> Option<Option<AppData>> {
        self.sio.take_recovered(socket)
    }

    /// What connection state recovery holds: kept sessions, logged events and their bytes
    /// (all zero when it is off).
    #[must_use]
    pub fn recovery_store(&self) -> RecoveryStore {
        self.sio
            .recovery
            .as_ref()
            .map_or_else(RecoveryStore::default, |r| {
                let (packets, bytes) = r.log_size();
                RecoveryStore {
                    sessions: r.session_count(),
                    packets,
                    bytes,
                }
            })
    }

    /// Shutdown: every socket gets DISCONNECT and `Event::Disconnect` with
    /// [`DisconnectReason::ServerShuttingDown`], then every session is closed.
    pub fn close_all(&mut self, now: Instant) {
        let now = self.clamp(now);
        self.sio.close_all(now, &mut self.eio);
        self.eio.close_all(now);
        self.pump(now);
    }

    /// Registers namespace `name` (idempotent).
    pub fn add_namespace(&mut self, name: impl Into<Str>) {
        self.sio.namespaces.add(name.into());
    }

    /// The public id of `socket` (its CONNECT `sid`, and its own room's name).
    #[must_use]
    pub fn socket_name(&self, socket: SocketId) -> Option<SocketName> {
        self.sio.socket_name(socket)
    }

    /// The socket whose public id is `name`.
    #[must_use]
    pub fn socket_by_name(&self, name: &str) -> Option<SocketId> {
        self.sio.socket_by_name(name)
    }

    /// The namespace of `socket`.
    #[must_use]
    pub fn socket_nsp(&self, socket: SocketId) -> Option<Str> {
        self.sio.socket_nsp(socket)
    }

    /// The Engine.IO session of `socket`.
    #[must_use]
    pub fn socket_session(&self, socket: SocketId) -> Option<SessionKey> {
        self.sio.socket_session(socket)
    }

    /// The handshake (query, headers, peer) of `session`, e.g. of a [`PendingConnect`].
    #[must_use]
    pub fn handshake(&self, session: SessionKey) -> Option<&HandshakeInfo> {
        self.eio.handshake(session)
    }

    /// Number of connected sockets.
    #[must_use]
    pub fn socket_count(&self) -> usize {
        self.sio.sockets.len()
    }

    /// The Engine.IO server, read-only (session counts, queued bytes).
    #[must_use]
    pub fn eio(&self) -> &EioServer {
        &self.eio
    }
}
