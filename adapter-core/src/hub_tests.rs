//! The hub driven on a fake runtime: virtual clock, manual task polling, no sockets. Inputs go
//! straight into the hub's channels, as connection tasks would send them.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_channel::oneshot;
use futures_util::FutureExt;
use socketio_engine::{ConnId, Engine, EngineConfig, HttpBody, RequestMeta, WsMessage};
use socketio_proto::Str;

use crate::app::{App, Namespace};
use crate::config::DriverConfig;
use crate::hub::{Hub, HubInputs};
use crate::msg::{Ctl, HttpIn, HttpReply, Life, NetMsg, WsCmd};
use crate::outq::OutRx;
use crate::runtime::{BoxTask, Listener, Runtime, Timer};

struct Shared {
    now: Instant,
    tasks: Vec<BoxTask>,
}

#[derive(Clone)]
pub(crate) struct FakeRt(Arc<Mutex<Shared>>);

impl FakeRt {
    #[allow(clippy::disallowed_methods)]
    fn new() -> Self {
        Self(Arc::new(Mutex::new(Shared {
            now: Instant::now(),
            tasks: Vec::new(),
        })))
    }

    pub(crate) fn advance(&self, d: Duration) {
        let mut s = self.0.lock().unwrap();
        s.now += d;
    }

    /// As [`run`](Self::run), but each round polls the newest task first: a scheduler may
    /// start tasks in any order, and ordering guarantees must not depend on spawn order.
    pub(crate) fn run_newest_first(&self) {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..20 {
            let tasks = std::mem::take(&mut self.0.lock().unwrap().tasks);
            let mut pending = Vec::new();
            for mut t in tasks.into_iter().rev() {
                if t.as_mut().poll(&mut cx).is_pending() {
                    pending.push(t);
                }
            }
            pending.reverse();
            self.0.lock().unwrap().tasks.extend(pending);
        }
    }

    /// Polls every task until a few rounds pass without new tasks (all input is channels
    /// and the fake clock, so this settles).
    pub(crate) fn run(&self) {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..20 {
            let tasks = std::mem::take(&mut self.0.lock().unwrap().tasks);
            let mut pending = Vec::new();
            for mut t in tasks {
                if t.as_mut().poll(&mut cx).is_pending() {
                    pending.push(t);
                }
            }
            self.0.lock().unwrap().tasks.extend(pending);
        }
    }
}

pub(crate) struct FakeTimer {
    rt: FakeRt,
    at: Instant,
}

impl Future for FakeTimer {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.rt.0.lock().unwrap().now >= self.at {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Timer for FakeTimer {
    fn reset(&mut self, at: Instant) {
        self.at = at;
    }
}

pub(crate) struct NoListener;

impl Listener for NoListener {
    type Io = futures_util::io::Cursor<Vec<u8>>;
    async fn accept(&mut self) -> std::io::Result<(Self::Io, std::net::SocketAddr)> {
        std::future::pending().await
    }
    fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        Ok(([127, 0, 0, 1], 0).into())
    }
}

impl Runtime for FakeRt {
    type Timer = FakeTimer;
    type Listener = NoListener;
    fn now(&self) -> Instant {
        self.0.lock().unwrap().now
    }
    fn timer_at(&self, at: Instant) -> FakeTimer {
        FakeTimer {
            rt: self.clone(),
            at,
        }
    }
    fn spawn(&self, task: BoxTask) {
        self.0.lock().unwrap().tasks.push(task);
    }
    async fn bind(&self, _addr: std::net::SocketAddr) -> std::io::Result<NoListener> {
        Ok(NoListener)
    }
}

pub(crate) struct Harness {
    pub(crate) rt: FakeRt,
    pub(crate) net: async_channel::Sender<NetMsg>,
    life: async_channel::Sender<Life>,
    pub(crate) ctl: async_channel::Sender<Ctl<crate::app::Command>>,
    keys: AtomicU64,
}

impl Harness {
    pub(crate) fn new<S: Send + Sync + 'static>(app: App<S>) -> Self {
        let rt = FakeRt::new();
        let (engine, dispatcher, driver) = app.into_parts();
        let (net, net_rx) = async_channel::bounded(64);
        let (life, life_rx) = async_channel::unbounded();
        let (ctl_tx, ctl_rx) = async_channel::unbounded::<Ctl<crate::app::Command>>();
        let inputs = HubInputs {
            net: Box::pin(net_rx),
            life: Box::pin(life_rx),
            ctl: Box::pin(ctl_rx),
            ctl_tx: ctl_tx.clone(),
        };
        let hub = Hub::<FakeRt, Engine, _>::new(rt.clone(), engine, dispatcher, driver, inputs);
        rt.spawn(Box::pin(hub.run()));
        Self {
            rt,
            net,
            life,
            ctl: ctl_tx,
            keys: AtomicU64::new(0),
        }
    }

    /// Sends a request; returns its key and the reply receiver.
    pub(crate) fn request(&self, uri: &str, upgrade: bool) -> (u64, oneshot::Receiver<HttpReply>) {
        let mut meta = RequestMeta::new(http::Method::GET, uri.parse().unwrap());
        if upgrade {
            meta.headers
                .insert(http::header::UPGRADE, "websocket".parse().unwrap());
        }
        let key = self.keys.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.net
            .try_send(NetMsg::Http(Box::new(HttpIn {
                key,
                meta,
                body: HttpBody::Complete(Bytes::new()),
                reply: tx,
            })))
            .unwrap();
        self.rt.run();
        (key, rx)
    }
}

fn body(rx: &mut oneshot::Receiver<HttpReply>) -> Option<(u16, String)> {
    match rx.try_recv().unwrap() {
        Some(HttpReply::Response(r)) => Some((
            r.status().as_u16(),
            String::from_utf8(r.body().to_vec()).unwrap(),
        )),
        Some(HttpReply::Upgrade { .. }) => panic!("unexpected upgrade"),
        Some(HttpReply::Stream { .. }) => panic!("unexpected stream"),
        None => None,
    }
}

fn timing(interval_ms: u64, timeout_ms: u64) -> impl FnOnce(&mut EngineConfig) {
    move |c| {
        c.eio.ping_interval = Duration::from_millis(interval_ms);
        c.eio.ping_timeout = Duration::from_millis(timeout_ms);
    }
}

const POLL: &str = "/socket.io/?EIO=4&transport=polling";

fn handshake(h: &Harness) -> String {
    let (_, mut rx) = h.request(POLL, false);
    let (status, open) = body(&mut rx).expect("handshake answered at once");
    assert_eq!(status, 200);
    open.split('"').nth(3).unwrap().to_owned()
}

#[test]
fn timer_drives_pings_and_ping_timeout_on_virtual_time() {
    let h = Harness::new(App::new().configure(timing(1000, 500)));
    let sid = handshake(&h);
    let (_, mut parked) = h.request(&format!("{POLL}&sid={sid}"), false);
    assert_eq!(body(&mut parked), None, "the GET waits");
    h.rt.advance(Duration::from_millis(999));
    h.rt.run();
    assert_eq!(body(&mut parked), None, "no ping before the interval");
    h.rt.advance(Duration::from_millis(2));
    h.rt.run();
    assert_eq!(body(&mut parked), Some((200, "2".to_owned())), "the ping");
    // No pong: after ping_timeout the session is gone.
    h.rt.advance(Duration::from_millis(501));
    h.rt.run();
    let (_, mut late) = h.request(&format!("{POLL}&sid={sid}"), false);
    assert_eq!(body(&mut late).map(|(s, _)| s), Some(400));
}

#[test]
fn an_aborted_request_is_reported_to_the_engine() {
    let h = Harness::new(App::new().configure(timing(1000, 500)));
    let sid = handshake(&h);
    let (key, rx) = h.request(&format!("{POLL}&sid={sid}"), false);
    // The connection task went away (its guard reports the key).
    drop(rx);
    h.life.try_send(Life::HttpAborted { key }).unwrap();
    h.rt.run();
    // A new GET is not a forbidden second concurrent GET: it parks and gets the ping.
    let (_, mut again) = h.request(&format!("{POLL}&sid={sid}"), false);
    assert_eq!(body(&mut again), None);
    h.rt.advance(Duration::from_millis(1001));
    h.rt.run();
    assert_eq!(body(&mut again), Some((200, "2".to_owned())));
}

#[test]
fn a_pending_body_is_cut_when_its_session_ends() {
    let h = Harness::new(App::new().configure(timing(1000, 500)));
    let sid: socketio_engine::Sid = handshake(&h).parse().unwrap();
    let (cut, mut cut_rx) = oneshot::channel();
    h.life.try_send(Life::BodyPending { sid, cut }).unwrap();
    h.rt.run();
    assert_eq!(cut_rx.try_recv(), Ok(None), "the session is alive");
    // No pong: the session ends at interval + timeout, and the body read with it.
    h.rt.advance(Duration::from_millis(1001));
    h.rt.run();
    assert_eq!(cut_rx.try_recv(), Ok(None), "still alive after the ping");
    h.rt.advance(Duration::from_millis(500));
    h.rt.run();
    assert_eq!(
        cut_rx.try_recv(),
        Ok(Some(())),
        "cut when the session ended"
    );

    // A body of a session that is already gone is cut at once.
    let (cut, mut cut_rx) = oneshot::channel();
    h.life.try_send(Life::BodyPending { sid, cut }).unwrap();
    h.rt.run();
    assert_eq!(cut_rx.try_recv(), Ok(Some(())));
}

#[test]
fn a_full_writer_queue_disconnects_only_that_client() {
    let reasons = Arc::new(Mutex::new(Vec::new()));
    let seen = reasons.clone();
    let app = App::new()
        .configure(|c| c.eio.max_outbox_bytes = 1024)
        .namespace(
            Namespace::new("/")
                .on("one", |socket, _| async move {
                    socket.emit("one", &());
                })
                .on("burst", |socket, _| async move {
                    for i in 0..100 {
                        socket.emit("burst", &(i,));
                    }
                })
                .on_disconnect(move |socket, reason| {
                    let seen = seen.clone();
                    async move {
                        seen.lock()
                            .unwrap()
                            .push((socket.id().to_owned(), reason.as_str()));
                    }
                }),
        );
    let h = Harness::new(app);
    let (ws, send) = (ws_open, ws_send);
    // A reader that keeps up: open and connect reply, drained.
    let (good, good_rx) = ws(&h);
    send(&h, good, "40");
    assert_eq!(std::iter::from_fn(|| good_rx.try_recv()).count(), 2);

    // A reader that never reads: 100 frames of ~77 bytes each (with the per-frame charge)
    // go past the 1 KiB it may leave unread.
    let (slow, slow_rx) = ws(&h);
    send(&h, slow, "40");
    send(&h, slow, "42[\"burst\"]");
    let queued = std::iter::from_fn(|| slow_rx.try_recv()).count();
    assert!((3..12).contains(&queued), "{queued} frames queued");
    assert!(
        slow_rx.recv().now_or_never().flatten().is_none(),
        "the hub dropped the slow client's writer"
    );
    let reasons = reasons.lock().unwrap().clone();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].1, "transport close");
    // The good client is still served.
    send(&h, good, "42[\"one\"]");
    assert_eq!(std::iter::from_fn(|| good_rx.try_recv()).count(), 1);
}

pub(crate) fn ws_open(h: &Harness) -> (ConnId, OutRx) {
    let (_, mut rx) = h.request("/socket.io/?EIO=4&transport=websocket", true);
    match rx.try_recv().unwrap() {
        Some(HttpReply::Upgrade { conn, writer }) => (conn, writer),
        _ => panic!("expected the upgrade"),
    }
}

pub(crate) fn ws_send(h: &Harness, conn: ConnId, text: &'static str) {
    h.net
        .try_send(NetMsg::WsMessage {
            conn,
            msg: WsMessage::Text(Str::from(text)),
        })
        .unwrap();
    h.rt.run();
}

pub(crate) fn drain(rx: &OutRx) -> Vec<String> {
    std::iter::from_fn(|| rx.try_recv())
        .map(|c| match c {
            WsCmd::Frame(socketio_engine::eio::Frame::Text(t)) => t.as_str().to_owned(),
            WsCmd::Frame(socketio_engine::eio::Frame::Binary(_)) => "<binary>".to_owned(),
            WsCmd::Close => "<close>".to_owned(),
        })
        .collect()
}

#[test]
fn network_input_pauses_while_max_handler_tasks_run() {
    let gate: Arc<Mutex<Option<oneshot::Receiver<()>>>> = Arc::new(Mutex::new(None));
    let (release, wait) = oneshot::channel::<()>();
    *gate.lock().unwrap() = Some(wait);
    let g = gate.clone();
    let app = App::new()
        .driver(DriverConfig {
            max_handler_tasks: 1,
            ..DriverConfig::default()
        })
        .namespace(
            Namespace::new("/")
                .on("hang", move |_socket, _| {
                    let wait = g.lock().unwrap().take();
                    async move {
                        if let Some(w) = wait {
                            let _ = w.await;
                        }
                    }
                })
                .on("ping", |socket, _| async move {
                    socket.emit("pong", &());
                }),
        );
    let h = Harness::new(app);
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    assert_eq!(drain(&rx).len(), 2, "open and connect reply");
    ws_send(&h, conn, "42[\"hang\"]");
    ws_send(&h, conn, "42[\"ping\"]");
    assert!(
        drain(&rx).is_empty(),
        "the ping waits while the one handler slot is taken"
    );
    release.send(()).unwrap();
    h.rt.run();
    assert_eq!(drain(&rx), vec!["42[\"pong\"]".to_owned()]);
}

#[test]
fn shutdown_waits_for_polling_clients_at_most_the_grace() {
    let h = Harness::new(App::new().driver(DriverConfig {
        shutdown_grace: Duration::from_millis(3000),
        ..DriverConfig::default()
    }));
    let _sid = handshake(&h); // a polling client that never comes back
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    drain(&rx);
    let (tx, mut done) = oneshot::channel();
    // As `ServerHandle::shutdown` sends it.
    h.ctl.try_send(Ctl::Shutdown { done: tx }).unwrap();
    h.rt.run();
    // The WebSocket client got DISCONNECT and the close at once.
    assert_eq!(drain(&rx), vec!["41".to_owned(), "<close>".to_owned()]);
    assert_eq!(
        done.try_recv().unwrap(),
        None,
        "still waiting for the polling client"
    );
    h.rt.advance(Duration::from_millis(2999));
    h.rt.run();
    assert_eq!(done.try_recv().unwrap(), None);
    h.rt.advance(Duration::from_millis(2));
    h.rt.run();
    assert_eq!(
        done.try_recv().unwrap(),
        Some(()),
        "the hub stopped at the grace"
    );
}
