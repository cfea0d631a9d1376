//! Socket.IO server on tokio: only the glue between tokio and the runtime-neutral
//! [`adapter_core`] driver (clock and timer from `tokio::time`, `tokio::spawn`, a tokio
//! `TcpListener` whose streams are seen through tokio-util's futures-io compat layer).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use adapter_core::App;
//! let (running, _handle) = adapter_tokio::serve("127.0.0.1:3000".parse().unwrap(), App::new()).await?;
//! running.shutdown().await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

pub use adapter_core;
use adapter_core::{App, BoxTask, Running, ServerHandle, SocketIoService};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

/// The tokio runtime as the driver sees it: a handle, so it spawns onto the runtime it was
/// made in from any thread.
#[derive(Debug, Clone)]
pub struct TokioRuntime {
    handle: tokio::runtime::Handle,
}

impl TokioRuntime {
    /// The runtime of the calling task.
    ///
    /// # Panics
    /// Outside a tokio runtime (tokio's own rule for `Handle::current`).
    #[must_use]
    pub fn current() -> Self {
        Self {
            handle: tokio::runtime::Handle::current(),
        }
    }

    /// A specific runtime.
    #[must_use]
    pub fn from_handle(handle: tokio::runtime::Handle) -> Self {
        Self { handle }
    }
}

/// A `tokio::time::Sleep` that can be moved to another deadline.
#[derive(Debug)]
pub struct TokioTimer(Pin<Box<tokio::time::Sleep>>);

impl Future for TokioTimer {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl adapter_core::Timer for TokioTimer {
    fn reset(&mut self, at: Instant) {
        self.0.as_mut().reset(tokio::time::Instant::from_std(at));
    }
}

/// A tokio TCP listener yielding futures-io streams.
#[derive(Debug)]
pub struct TokioListener(tokio::net::TcpListener);

impl adapter_core::Listener for TokioListener {
    type Io = Compat<tokio::net::TcpStream>;

    async fn accept(&mut self) -> io::Result<(Self::Io, SocketAddr)> {
        let (stream, peer) = self.0.accept().await?;
        // Small frames (pings, acks) should leave at once.
        let _ = stream.set_nodelay(true);
        Ok((stream.compat(), peer))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl adapter_core::Runtime for TokioRuntime {
    type Timer = TokioTimer;
    type Listener = TokioListener;

    fn now(&self) -> Instant {
        // Through tokio's clock, so `tokio::time::pause` applies to the driver too.
        tokio::time::Instant::now().into_std()
    }

    fn timer_at(&self, at: Instant) -> TokioTimer {
        let _guard = self.handle.enter();
        TokioTimer(Box::pin(tokio::time::sleep_until(
            tokio::time::Instant::from_std(at),
        )))
    }

    fn spawn(&self, task: BoxTask) {
        drop(self.handle.spawn(task));
    }

    async fn bind(&self, addr: SocketAddr) -> io::Result<TokioListener> {
        tokio::net::TcpListener::bind(addr).await.map(TokioListener)
    }
}

/// Serves `app` on `addr` on the current tokio runtime; returns once listening.
///
/// # Errors
/// Binding failed.
///
/// # Panics
/// Outside a tokio runtime.
pub async fn serve<S: Send + Sync + 'static>(
    addr: SocketAddr,
    app: App<S>,
) -> io::Result<(Running, ServerHandle)> {
    adapter_core::serve(TokioRuntime::current(), addr, app).await
}

/// `app` as a tower `Service` to mount in an existing hyper or axum server (e.g.
/// `Router::new().route_service("/socket.io/", svc)`), with its handle.
///
/// # Panics
/// Outside a tokio runtime.
#[must_use]
pub fn service<S: Send + Sync + 'static>(
    app: App<S>,
) -> (SocketIoService<TokioRuntime>, ServerHandle) {
    let mut server = adapter_core::Server::new(TokioRuntime::current());
    let handle = server.socketio(app);
    (server.into_service(), handle)
}
