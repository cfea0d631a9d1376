//! [`Server`]: mounts hubs (a Socket.IO app, a bare Engine.IO server) on path prefixes and
//! serves them on one listener; [`Running`] stops it gracefully.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use futures_channel::oneshot;
use futures_util::future::{Either, select};
use socketio_engine::eio::{EioConfig, EioEvent, EioServer};

use crate::app::{App, ServerHandle};
use crate::config::DriverConfig;
use crate::conn::{self, Mount};
use crate::hub::{Dispatcher, Hub, HubCx, HubInputs};
use crate::io::FuturesIo;
use crate::machine::Machine;
use crate::msg::Ctl;
use crate::runtime::{Listener, Runtime};
use crate::ws;

/// Pause after a failed `accept` (e.g. out of file descriptors) before trying again.
pub const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// How long a stopping server waits for its connections to finish writing.
pub const CONNECTION_DRAIN_GRACE: Duration = Duration::from_secs(2);

type ShutdownFn = Box<dyn Fn() -> oneshot::Receiver<()> + Send + Sync>;

/// A server under construction: hubs mounted on path prefixes.
pub struct Server<R: Runtime> {
    rt: R,
    mounts: Vec<Mount>,
    shutdowns: Vec<ShutdownFn>,
    /// Each hub holds a clone; when the last hub stops, the listener stops.
    stop_tx: async_channel::Sender<()>,
    stop_rx: async_channel::Receiver<()>,
    alive_tx: async_channel::Sender<()>,
    alive_rx: async_channel::Receiver<()>,
}

impl<R: Runtime> std::fmt::Debug for Server<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field(
                "mounts",
                &self.mounts.iter().map(|m| &m.path).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> Server<R> {
    /// An empty server on runtime `rt`.
    pub fn new(rt: R) -> Self {
        let (stop_tx, stop_rx) = async_channel::bounded(1);
        let (alive_tx, alive_rx) = async_channel::bounded(1);
        Self {
            rt,
            mounts: Vec::new(),
            shutdowns: Vec::new(),
            stop_tx,
            stop_rx,
            alive_tx,
            alive_rx,
        }
    }

    /// Mounts a Socket.IO application on its configured path (default `/socket.io/`).
    pub fn socketio<S: Send + Sync + 'static>(&mut self, app: App<S>) -> ServerHandle {
        let redis = app.redis_url().map(str::to_owned);
        let (engine, dispatcher, driver) = app.into_parts();
        // The backend is the engine's choice (`EngineConfig::streams`): one seam.
        let stream = engine.streams_stream().map(str::to_owned);
        let redis = redis.map(|url| RedisLink { url, stream });
        let state = dispatcher.state().clone();
        let ctl = self.mount(engine, dispatcher, driver, redis);
        ServerHandle::new(ctl, state)
    }

    /// Mounts a bare Engine.IO server on `config.path`; `on_event` runs inside its hub with
    /// the server itself, e.g. to echo messages with [`EioServer::send`].
    pub fn engineio(
        &mut self,
        config: EioConfig,
        driver: DriverConfig,
        on_event: impl FnMut(&mut EioServer, Instant, EioEvent) + Send + 'static,
    ) {
        self.mount(EioServer::new(config), EioCallback(on_event), driver, None);
    }

    fn mount<M: Machine, D: Dispatcher<M>>(
        &mut self,
        machine: M,
        dispatcher: D,
        driver: DriverConfig,
        redis: Option<RedisLink>,
    ) -> async_channel::Sender<Ctl<D::Command>> {
        let (net_tx, net) = async_channel::bounded(driver.net_queue.max(1));
        let link = self.cluster_link(redis, &net_tx);
        let (life_tx, life) = async_channel::unbounded();
        let (ctl_tx, ctl) = async_channel::unbounded();
        let max = machine.max_http_buffer_size();
        let body_read_timeout = driver.body_read_limit(machine.session_lifetime());
        let mount = Mount {
            path: Arc::from(machine.path()),
            max_body: max,
            ws_config: WebSocketConfig::default()
                .read_buffer_size(driver.ws_read_buffer.max(1024))
                .max_message_size(Some(max))
                .max_frame_size(Some(max)),
            header_read_timeout: driver.header_read_timeout,
            body_read_timeout,
            ws_close_timeout: driver.ws_close_timeout,
            net: net_tx,
            life: life_tx,
            keys: Arc::new(AtomicU64::new(0)),
            _alive: self.alive_tx.clone(),
        };
        // Longer prefixes first, so `/a/b/` wins over `/a/`.
        self.mounts.push(mount);
        self.mounts.sort_by_key(|m| std::cmp::Reverse(m.path.len()));
        let inputs = HubInputs {
            net: Box::pin(net),
            life: Box::pin(life),
            ctl: Box::pin(ctl),
            ctl_tx: ctl_tx.clone(),
        };
        let mut hub = Hub::new(self.rt.clone(), machine, dispatcher, driver, inputs);
        match link {
            Some(Link::PubSub(link)) => hub = hub.with_cluster(link),
            Some(Link::Streams(link)) => hub = hub.with_streams(link),
            None => {}
        }
        let stop = self.stop_tx.clone();
        self.rt.spawn(Box::pin(async move {
            hub.run().await;
            drop(stop);
        }));
        let shut = ctl_tx.clone();
        self.shutdowns.push(Box::new(move || {
            let (tx, rx) = oneshot::channel();
            let _ = shut.try_send(Ctl::Shutdown { done: tx });
            rx
        }));
        ctl_tx
    }

    /// The Redis link of a mount with a Redis URL (`App::redis`, `App::redis_streams`).
    #[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
    fn cluster_link(
        &self,
        redis: Option<RedisLink>,
        net: &async_channel::Sender<crate::msg::NetMsg>,
    ) -> Option<Link> {
        let RedisLink { url, stream } = redis?;
        Some(match stream {
            Some(stream) => Link::Streams(crate::streams_redis::spawn(
                &self.rt,
                url,
                stream,
                net.clone(),
            )),
            None => Link::PubSub(crate::cluster_redis::spawn(&self.rt, url, net.clone())),
        })
    }

    /// Without a Redis feature there is no link (and `App::redis` does not exist).
    #[cfg(not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")))]
    #[allow(clippy::unused_self)]
    fn cluster_link(
        &self,
        _redis: Option<RedisLink>,
        _net: &async_channel::Sender<crate::msg::NetMsg>,
    ) -> Option<Link> {
        None
    }

    /// Binds `addr` and serves every mount until a shutdown.
    ///
    /// # Errors
    /// Binding failed.
    pub async fn listen(self, addr: SocketAddr) -> io::Result<Running> {
        let listener = self.rt.bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (done_tx, done_rx) = oneshot::channel();
        let mounts: Arc<[Mount]> = self.mounts.into();
        let rt = self.rt.clone();
        let stop = self.stop_rx.clone();
        self.rt.spawn(Box::pin(async move {
            accept_loop(rt, listener, mounts, stop).await;
            let _ = done_tx.send(());
        }));
        // Only hubs hold the stop sender now, and only tasks the alive sender.
        drop(self.stop_tx);
        drop(self.alive_tx);
        let alive = self.alive_rx;
        let rt = self.rt;
        let drain = Box::pin(async move {
            let deadline = rt
                .now()
                .checked_add(CONNECTION_DRAIN_GRACE)
                .unwrap_or_else(|| rt.now());
            let _ = select(pin!(alive.recv()), rt.timer_at(deadline)).await;
        });
        Ok(Running {
            local_addr,
            shutdowns: self.shutdowns,
            accept_done: done_rx,
            drain,
        })
    }

    /// The mounts as a tower `Service` for someone else's hyper or axum server; `Running` is
    /// not needed then (shut down through the [`ServerHandle`]).
    pub fn into_service(self) -> crate::tower::SocketIoService<R> {
        drop(self.stop_tx);
        crate::tower::SocketIoService::new(self.rt, self.mounts.into(), self.stop_rx)
    }
}

/// A serving server.
pub struct Running {
    local_addr: SocketAddr,
    shutdowns: Vec<ShutdownFn>,
    accept_done: oneshot::Receiver<()>,
    drain: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl Running {
    /// The bound address (with the real port when bound to port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Graceful shutdown: every client gets a disconnect ("server shutting down"), then the
    /// listener closes, and connections finish writing (at most
    /// [`CONNECTION_DRAIN_GRACE`]). Returns when all that happened.
    pub async fn shutdown(self) {
        let waits: Vec<_> = self.shutdowns.iter().map(|s| s()).collect();
        for w in waits {
            let _ = w.await;
        }
        self.stopped().await;
    }

    /// Waits until the server stops (after a shutdown through a [`ServerHandle`]) and its
    /// connections finish (at most [`CONNECTION_DRAIN_GRACE`] after the listener closed).
    pub async fn stopped(self) {
        let _ = self.accept_done.await;
        self.drain.await;
    }
}

async fn accept_loop<R: Runtime>(
    rt: R,
    mut listener: R::Listener,
    mounts: Arc<[Mount]>,
    stop: async_channel::Receiver<()>,
) {
    loop {
        let next = {
            let accept = pin!(listener.accept());
            let stopped = pin!(stop.recv());
            match select(accept, stopped).await {
                Either::Left((r, _)) => r,
                Either::Right(_) => return,
            }
        };
        match next {
            Ok((io, peer)) => {
                let task = serve_connection::<R, <R::Listener as Listener>::Io>(
                    rt.clone(),
                    io,
                    peer,
                    mounts.clone(),
                    stop.clone(),
                );
                rt.spawn(Box::pin(task));
            }
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                let at = rt
                    .now()
                    .checked_add(ACCEPT_ERROR_BACKOFF)
                    .unwrap_or_else(|| rt.now());
                rt.timer_at(at).await;
            }
        }
    }
}

/// Serves one TCP connection (HTTP/1.1 keep-alive, upgrades) until the client leaves or
/// every hub stopped.
async fn serve_connection<R: Runtime, T: ws::IoStream>(
    rt: R,
    io: T,
    peer: SocketAddr,
    mounts: Arc<[Mount]>,
    stop: async_channel::Receiver<()>,
) {
    {
        let header_timeout = mounts
            .iter()
            .map(|m| m.header_read_timeout)
            .min()
            .unwrap_or(DriverConfig::DEFAULT_HEADER_READ_TIMEOUT);
        let svc_rt = rt.clone();
        let service = hyper::service::service_fn(move |req| {
            conn::service(
                svc_rt.clone(),
                mounts.clone(),
                Some(peer),
                req,
                ws::own_io::<T>,
            )
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .timer(crate::hyper_timer::HyperTimer(rt.clone()))
            .header_read_timeout(header_timeout)
            .serve_connection(FuturesIo::new(io), service)
            .with_upgrades();
        let mut conn = pin!(conn);
        let stopped = pin!(stop.recv());
        if let Either::Right((_, _)) = select(conn.as_mut(), stopped).await {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// The bare Engine.IO server's application: a callback with the server.
struct EioCallback<F>(F);

impl<F> Dispatcher<EioServer> for EioCallback<F>
where
    F: FnMut(&mut EioServer, Instant, EioEvent) + Send + 'static,
{
    type Command = ();

    fn on_event(&mut self, cx: &mut HubCx<'_, EioServer, ()>, event: EioEvent) {
        (self.0)(cx.machine, cx.now, event);
    }

    fn on_command(&mut self, _cx: &mut HubCx<'_, EioServer, ()>, (): ()) {}
}

/// A mount's Redis: its URL, and the stream when the backend is the streams one.
#[derive(Debug)]
#[cfg_attr(
    not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
    allow(dead_code)
)]
struct RedisLink {
    url: String,
    stream: Option<String>,
}

/// The hub's side of a Redis link, by backend.
#[cfg_attr(
    not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
    allow(dead_code)
)]
enum Link {
    PubSub(async_channel::Sender<socketio_engine::ClusterAction>),
    Streams(async_channel::Sender<socketio_engine::streams::StreamsAction>),
}
