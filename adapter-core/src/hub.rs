//! The hub: the one task that owns a sans-IO [`Machine`] and drives it.
//!
//! # Theory of operation
//! One owner, no lock (str0m). Each turn the hub:
//! 1. waits for input on one of its channels (see `msg`) or for its timer;
//! 2. takes `now` from the runtime once and applies up to `work_batch` inputs that are
//!    already waiting (quinn's work limiter);
//! 3. calls `handle_timeout(now)` if the timer fired or the deadline passed, checking the
//!    clock rather than trusting the timer (quinn's `drive_timer`);
//! 4. drains `poll_action`: responses go to the waiting request's oneshot, frames to the
//!    connection's bounded writer channel, events to the [`Dispatcher`] (the application);
//! 5. re-arms the timer from `poll_timeout` when the deadline changed.
//!
//! Backpressure: a connection's writer queue is bounded by the bytes its client has not
//! taken (`max_outbox_bytes`, see `outq`), not by a count of frames, so a burst to a client
//! that reads is delivered. A queue past its bound means that client stopped reading; the
//! hub cuts the connection (its task drops the socket at once) and reports it closed to the
//! engine, so nobody else ever waits for one slow client.
//! Network input pauses while `max_handler_tasks` handlers run.
//!
//! Shutdown: `close_all`, then keep serving until every session and WebSocket is gone and
//! handlers have finished (or `shutdown_grace` passed); then the hub returns, which closes
//! the listener.

use std::collections::HashMap;
use std::future::{Future, poll_fn};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use futures_channel::oneshot;
use futures_util::{FutureExt, Stream};
use socketio_engine::{Action, ClusterAction, ConnId, RequestId, Sid};

use crate::config::DriverConfig;
use crate::idmap::{IdMap, IdSet};
use crate::machine::Machine;
use crate::msg::{Ctl, HttpIn, HttpReply, Life, NetMsg, StreamsInput, WsCmd};
use crate::outq::{self, OutTx};
use crate::runtime::{Runtime, Timer};

/// The application side of a hub: receives events and its own commands, with the machine.
pub(crate) trait Dispatcher<M: Machine>: Send + 'static {
    /// Commands sent by the application's handles.
    type Command: Send + 'static;
    /// An event drained from the machine.
    fn on_event(&mut self, cx: &mut HubCx<'_, M, Self::Command>, event: M::Event);
    /// A command from a handle.
    fn on_command(&mut self, cx: &mut HubCx<'_, M, Self::Command>, cmd: Self::Command);
}

/// What a dispatcher may use during one call.
pub(crate) struct HubCx<'a, M, C> {
    /// The machine.
    pub(crate) machine: &'a mut M,
    /// The time of this hub turn.
    pub(crate) now: Instant,
    spawn: &'a (dyn Fn(crate::runtime::BoxTask) + Send + Sync),
    in_flight: &'a mut usize,
    ctl: &'a async_channel::Sender<Ctl<C>>,
}

impl<M, C: Send + 'static> HubCx<'_, M, C> {
    /// Runs an application handler: polled once here, on the hub, so a handler that
    /// finishes without waiting (most do: an ack, an emit, a join) costs no task, no wake-up
    /// and no "done" message; one that waits goes on as its own task from where it stopped
    /// (see [`Self::spawn_handler`]). The price: whatever a handler does before its first
    /// `.await` holds up the hub, so handlers must not block (as in any async runtime).
    /// A handler that panics in that first poll is dropped and logged, as a runtime drops a
    /// task that panics, and the hub goes on.
    pub(crate) fn run_handler(&mut self, fut: impl Future<Output = ()> + Send + 'static) {
        let mut fut = Box::pin(fut);
        // Whatever the future registers this waker with is registered again by the task's
        // first poll, so nothing it waits for is missed.
        let mut first = Context::from_waker(Waker::noop());
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut first))) {
            Ok(Poll::Ready(())) => {}
            Ok(Poll::Pending) => self.spawn_handler(fut),
            Err(_) => tracing::error!("an event handler panicked; it was dropped"),
        }
    }

    /// Runs an application handler as its own task, counted against `max_handler_tasks`.
    pub(crate) fn spawn_handler(&mut self, fut: impl Future<Output = ()> + Send + 'static) {
        *self.in_flight = self.in_flight.saturating_add(1);
        let guard = DoneGuard(self.ctl.clone());
        (self.spawn)(Box::pin(async move {
            let _guard = guard;
            fut.await;
        }));
    }

    /// Runs a long-lived task that is not one handler call (a socket's namespace object,
    /// alive as long as the socket): not counted against `max_handler_tasks`, which would
    /// otherwise stop network input once that many sockets are connected. Its work is bounded
    /// by `max_queued_events` instead.
    pub(crate) fn spawn_socket_task(&mut self, fut: impl Future<Output = ()> + Send + 'static) {
        (self.spawn)(Box::pin(fut));
    }

    /// The channel application handles send commands on.
    pub(crate) fn ctl(&self) -> &async_channel::Sender<Ctl<C>> {
        self.ctl
    }
}

/// Reports a handler's end, also when its task is dropped or panics.
struct DoneGuard<C>(async_channel::Sender<Ctl<C>>);

impl<C> Drop for DoneGuard<C> {
    fn drop(&mut self) {
        let _ = self.0.try_send(Ctl::HandlerDone);
    }
}

/// The receiving ends of a hub's channels.
pub(crate) struct HubInputs<C> {
    pub(crate) net: Pin<Box<async_channel::Receiver<NetMsg>>>,
    pub(crate) life: Pin<Box<async_channel::Receiver<Life>>>,
    pub(crate) ctl: Pin<Box<async_channel::Receiver<Ctl<C>>>>,
    /// Kept so handler guards can report, and so `ctl` never reads as closed.
    pub(crate) ctl_tx: async_channel::Sender<Ctl<C>>,
}

enum Wake<C> {
    Net(NetMsg),
    Life(Life),
    Ctl(Ctl<C>),
    Timer,
}

struct Shutdown {
    grace_until: Instant,
    waiters: Vec<oneshot::Sender<()>>,
}

/// A hub: the machine, its application, and the driver's bookkeeping.
pub(crate) struct Hub<R: Runtime, M: Machine, D: Dispatcher<M>> {
    rt: R,
    machine: M,
    dispatcher: D,
    config: DriverConfig,
    inputs: HubInputs<D::Command>,
    net_open: bool,
    life_open: bool,
    /// Requests awaiting their answer, by engine id, with the connection's key.
    replies: IdMap<RequestId, (u64, oneshot::Sender<HttpReply>)>,
    /// Engine id of each connection key, for aborts.
    keys: IdMap<u64, RequestId>,
    /// Requests whose body is still coming, by session: cut when the session ends.
    pending_bodies: HashMap<Sid, Vec<oneshot::Sender<()>>>,
    /// Writer queues of the WebSockets (and streamed bodies) the engine knows.
    conns: IdMap<ConnId, OutTx>,
    /// WebSocket tasks not yet ended (shutdown waits for them).
    ws_tasks: IdSet<ConnId>,
    timer: Option<R::Timer>,
    armed: Option<Instant>,
    fired: bool,
    in_flight: usize,
    shutdown: Option<Shutdown>,
    /// Where the machine's cluster actions go (the Redis link), when it has a cluster.
    cluster: Option<async_channel::Sender<ClusterAction>>,
    /// Where the machine's streams actions go (the streams backend's Redis link).
    streams: Option<async_channel::Sender<socketio_engine::streams::StreamsAction>>,
}

impl<R: Runtime, M: Machine, D: Dispatcher<M>> Hub<R, M, D> {
    pub(crate) fn new(
        rt: R,
        machine: M,
        dispatcher: D,
        config: DriverConfig,
        inputs: HubInputs<D::Command>,
    ) -> Self {
        Self {
            rt,
            machine,
            dispatcher,
            config,
            inputs,
            net_open: true,
            life_open: true,
            replies: IdMap::default(),
            keys: IdMap::default(),
            pending_bodies: HashMap::new(),
            conns: IdMap::default(),
            ws_tasks: IdSet::default(),
            timer: None,
            armed: None,
            fired: false,
            in_flight: 0,
            shutdown: None,
            cluster: None,
            streams: None,
        }
    }

    /// Sends the machine's cluster actions to `link` (the Redis connection's task).
    #[cfg_attr(
        not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
        allow(dead_code)
    )]
    pub(crate) fn with_cluster(mut self, link: async_channel::Sender<ClusterAction>) -> Self {
        self.cluster = Some(link);
        self
    }

    /// Sends the machine's streams actions to `link` (the streams backend's Redis link).
    #[cfg_attr(
        not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
        allow(dead_code)
    )]
    pub(crate) fn with_streams(
        mut self,
        link: async_channel::Sender<socketio_engine::streams::StreamsAction>,
    ) -> Self {
        self.streams = Some(link);
        self
    }

    /// Runs until a graceful shutdown completes.
    pub(crate) async fn run(mut self) {
        // What the machine has to say before any input (the cluster's subscriptions).
        self.drain(self.rt.now());
        loop {
            let wake = self.wait().await;
            let now = self.rt.now();
            self.apply(now, wake);
            for _ in 1..self.config.work_batch.max(1) {
                match self.try_next() {
                    Some(w) => self.apply(now, w),
                    None => break,
                }
            }
            if self.fired || self.armed.is_some_and(|d| d <= now) {
                self.machine.handle_timeout(now);
            }
            self.drain(now);
            if self.shutdown_done(now) {
                break;
            }
            self.rearm();
        }
        if let Some(s) = self.shutdown.take() {
            for w in s.waiters {
                let _ = w.send(());
            }
        }
    }

    fn net_paused(&self) -> bool {
        self.in_flight >= self.config.max_handler_tasks
    }

    async fn wait(&mut self) -> Wake<D::Command> {
        poll_fn(|cx| {
            if let Poll::Ready(Some(m)) = self.inputs.ctl.as_mut().poll_next(cx) {
                return Poll::Ready(Wake::Ctl(m));
            }
            if self.life_open {
                match self.inputs.life.as_mut().poll_next(cx) {
                    Poll::Ready(Some(m)) => return Poll::Ready(Wake::Life(m)),
                    Poll::Ready(None) => self.life_open = false,
                    Poll::Pending => {}
                }
            }
            if let (Some(t), Some(_)) = (self.timer.as_mut(), self.armed)
                && t.poll_unpin(cx).is_ready()
            {
                return Poll::Ready(Wake::Timer);
            }
            if self.net_open && !self.net_paused() {
                match self.inputs.net.as_mut().poll_next(cx) {
                    Poll::Ready(Some(m)) => return Poll::Ready(Wake::Net(m)),
                    Poll::Ready(None) => self.net_open = false,
                    Poll::Pending => {}
                }
            }
            Poll::Pending
        })
        .await
    }

    fn try_next(&mut self) -> Option<Wake<D::Command>> {
        if let Ok(m) = self.inputs.ctl.try_recv() {
            return Some(Wake::Ctl(m));
        }
        if let Ok(m) = self.inputs.life.try_recv() {
            return Some(Wake::Life(m));
        }
        if !self.net_paused()
            && let Ok(m) = self.inputs.net.try_recv()
        {
            return Some(Wake::Net(m));
        }
        None
    }

    fn apply(&mut self, now: Instant, wake: Wake<D::Command>) {
        match wake {
            Wake::Timer => self.fired = true,
            Wake::Net(NetMsg::Http(http)) => {
                let HttpIn {
                    key,
                    meta,
                    body,
                    reply,
                } = *http;
                if self.shutdown.is_some() && meta.query_param("sid").is_none() {
                    // No new sessions while shutting down.
                    let _ = reply.send(HttpReply::Response(unavailable()));
                    return;
                }
                let req = self.machine.handle_http(now, meta, body);
                if reply.is_canceled() {
                    self.machine.handle_http_aborted(now, req);
                } else {
                    self.replies.insert(req, (key, reply));
                    self.keys.insert(key, req);
                }
            }
            Wake::Net(NetMsg::WsMessage { conn, msg }) => {
                if self.conns.contains_key(&conn) {
                    self.machine.handle_ws_message(now, conn, msg);
                }
            }
            Wake::Net(NetMsg::Cluster { channel, payload }) => {
                self.machine.handle_cluster_message(now, &channel, payload);
            }
            Wake::Net(NetMsg::ClusterServers(n)) => self.machine.set_cluster_server_count(n),
            Wake::Net(NetMsg::Streams(input)) => match input {
                StreamsInput::Appended { token, id } => {
                    self.machine.handle_stream_appended(now, token, id);
                }
                StreamsInput::Entries(e) => self.machine.handle_stream_entries(now, e),
                StreamsInput::Restored { token, answer } => {
                    self.machine.handle_session_restored(now, token, answer);
                }
                StreamsInput::Nothing => {}
            },
            Wake::Net(NetMsg::WsClosed { conn }) | Wake::Life(Life::WsClosed { conn }) => {
                self.ws_tasks.remove(&conn);
                if self.conns.remove(&conn).is_some() {
                    self.machine.handle_ws_closed(now, conn);
                }
            }
            Wake::Life(Life::HttpAborted { key }) => {
                if let Some(req) = self.keys.remove(&key) {
                    self.replies.remove(&req);
                    self.machine.handle_http_aborted(now, req);
                }
            }
            Wake::Life(Life::BodyPending { sid, cut }) => {
                if !self.machine.has_session(sid) {
                    // Already gone: stop reading now.
                    let _ = cut.send(());
                    return;
                }
                let cuts = self.pending_bodies.entry(sid).or_default();
                // Bodies that completed since dropped their end; forget them here, so a
                // session's list stays as long as its bodies still coming.
                cuts.retain(|c| !c.is_canceled());
                cuts.push(cut);
            }
            Wake::Ctl(Ctl::HandlerDone) => self.in_flight = self.in_flight.saturating_sub(1),
            Wake::Ctl(Ctl::Shutdown { done }) => match self.shutdown.as_mut() {
                Some(s) => s.waiters.push(done),
                None => {
                    self.machine.close_all(now);
                    self.shutdown = Some(Shutdown {
                        grace_until: now.checked_add(self.config.shutdown_grace).unwrap_or(now),
                        waiters: vec![done],
                    });
                }
            },
            Wake::Ctl(Ctl::Command(c)) => {
                let mut cx = HubCx {
                    machine: &mut self.machine,
                    now,
                    spawn: &|t| self.rt.spawn(t),
                    in_flight: &mut self.in_flight,
                    ctl: &self.inputs.ctl_tx,
                };
                self.dispatcher.on_command(&mut cx, c);
            }
        }
    }

    fn drain(&mut self, now: Instant) {
        while let Some(action) = self.machine.poll_action() {
            match action {
                Action::Respond { req, response } => {
                    if let Some((key, tx)) = self.replies.remove(&req) {
                        self.keys.remove(&key);
                        if tx.send(HttpReply::Response(*response)).is_err() {
                            // The client left while the engine answered: its frames were
                            // not delivered.
                            self.machine.handle_http_aborted(now, req);
                        }
                    }
                }
                Action::AcceptWebSocket { req, conn } => self.accept_ws(now, req, conn, None),
                Action::Cluster(c) => {
                    // Unbounded: publishes are what the application asked for, and the
                    // link's own queue bound (while Redis is away) applies behind it.
                    if let Some(link) = &self.cluster {
                        let _ = link.try_send(*c);
                    }
                }
                Action::Streams(a) => {
                    // Unbounded like publishes: each holds one broadcast the application
                    // asked for, and the engine bounds those waiting for their entry ids.
                    if let Some(link) = &self.streams {
                        let _ = link.try_send(*a);
                    }
                }
                Action::StreamResponse {
                    req,
                    conn,
                    response,
                } => self.accept_ws(now, req, conn, Some(*response)),
                Action::SendWs { conn, frame } => {
                    if let Some(w) = self.conns.get(&conn)
                        && w.send(WsCmd::Frame(frame)).is_err()
                    {
                        // Past the bound (the client stopped reading) or gone: drop it.
                        if let Some(w) = self.conns.remove(&conn) {
                            w.cut();
                        }
                        self.machine.handle_ws_closed(now, conn);
                    }
                }
                Action::CloseWs { conn } => {
                    if let Some(w) = self.conns.remove(&conn) {
                        w.close();
                    }
                }
                Action::SessionEnded { sid } => {
                    for cut in self.pending_bodies.remove(&sid).unwrap_or_default() {
                        let _ = cut.send(());
                    }
                }
                Action::Dispatch(event) => {
                    let mut cx = HubCx {
                        machine: &mut self.machine,
                        now,
                        spawn: &|t| self.rt.spawn(t),
                        in_flight: &mut self.in_flight,
                        ctl: &self.inputs.ctl_tx,
                    };
                    self.dispatcher.on_event(&mut cx, event);
                }
                _ => {}
            }
        }
    }

    /// Hands `conn` its writer channel: a WebSocket upgrade, or with `stream` a response
    /// whose body stays open. Both are written and ended the same way.
    fn accept_ws(
        &mut self,
        now: Instant,
        req: RequestId,
        conn: ConnId,
        stream: Option<http::Response<bytes::Bytes>>,
    ) {
        let Some((key, tx)) = self.replies.remove(&req) else {
            self.machine.handle_ws_closed(now, conn);
            return;
        };
        self.keys.remove(&key);
        let (wtx, wrx) = outq::channel(self.machine.max_outbox_bytes());
        let reply = match stream {
            Some(response) => HttpReply::Stream {
                response,
                conn,
                writer: wrx,
            },
            None => HttpReply::Upgrade { conn, writer: wrx },
        };
        if tx.send(reply).is_ok() {
            self.conns.insert(conn, wtx);
            self.ws_tasks.insert(conn);
        } else {
            self.machine.handle_ws_closed(now, conn);
        }
    }

    fn shutdown_done(&self, now: Instant) -> bool {
        let Some(s) = &self.shutdown else {
            return false;
        };
        now >= s.grace_until
            || (self.machine.session_count() == 0
                && self.ws_tasks.is_empty()
                && self.replies.is_empty()
                && self.in_flight == 0)
    }

    fn rearm(&mut self) {
        let mut next = self.machine.poll_timeout();
        if let Some(s) = &self.shutdown {
            next = Some(next.map_or(s.grace_until, |n| n.min(s.grace_until)));
        }
        if next == self.armed && !self.fired {
            return;
        }
        self.armed = next;
        self.fired = false;
        if let Some(at) = next {
            match self.timer.as_mut() {
                Some(t) => t.reset(at),
                None => self.timer = Some(self.rt.timer_at(at)),
            }
        }
    }
}

/// 503 for requests the hub no longer takes.
pub(crate) fn unavailable() -> http::Response<bytes::Bytes> {
    let mut r = http::Response::new(bytes::Bytes::from_static(
        b"{\"code\":3,\"message\":\"Server shutting down\"}",
    ));
    *r.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    r
}
