//! The async-io glue shared by the smol and async-std adapters (both run on the async-io
//! reactor): a re-armable [`async_io::Timer`] and an [`async_net::TcpListener`]. Only
//! spawning differs between those runtimes, so each adapter adds just that.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

/// An [`async_io::Timer`] as the driver's [`Timer`](crate::Timer).
#[derive(Debug)]
pub struct AsyncIoTimer(async_io::Timer);

impl AsyncIoTimer {
    /// A timer firing at `at`.
    #[must_use]
    pub fn at(at: Instant) -> Self {
        Self(async_io::Timer::at(at))
    }
}

impl Future for AsyncIoTimer {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

impl crate::Timer for AsyncIoTimer {
    fn reset(&mut self, at: Instant) {
        self.0.set_at(at);
    }
}

/// An [`async_net::TcpListener`] as the driver's [`Listener`](crate::Listener).
#[derive(Debug)]
pub struct AsyncNetListener(async_net::TcpListener);

impl AsyncNetListener {
    /// Binds `addr`.
    ///
    /// # Errors
    /// The operating system's error.
    pub async fn bind(addr: SocketAddr) -> io::Result<Self> {
        async_net::TcpListener::bind(addr).await.map(Self)
    }
}

impl crate::Listener for AsyncNetListener {
    type Io = async_net::TcpStream;

    async fn accept(&mut self) -> io::Result<(Self::Io, SocketAddr)> {
        let (stream, peer) = self.0.accept().await?;
        // Small frames (pings, acks) should leave at once.
        let _ = stream.set_nodelay(true);
        Ok((stream, peer))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// How a runtime on the async-io reactor spawns a task: the one thing that differs between
/// smol and async-std.
pub trait Spawn: Clone + Send + Sync + 'static {
    /// Runs `task` in the background; it is never awaited.
    fn spawn(&self, task: crate::BoxTask);
}

/// A [`Runtime`](crate::Runtime) for any executor on the async-io reactor: async-io timers,
/// an async-net listener, the system clock, and `S` to spawn. The smol and async-std
/// adapters are this with their own [`Spawn`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncIoRuntime<S>(pub S);

impl<S: Spawn> crate::Runtime for AsyncIoRuntime<S> {
    type Timer = AsyncIoTimer;
    type Listener = AsyncNetListener;

    fn now(&self) -> Instant {
        Instant::now()
    }

    fn timer_at(&self, at: Instant) -> AsyncIoTimer {
        AsyncIoTimer::at(at)
    }

    fn spawn(&self, task: crate::BoxTask) {
        self.0.spawn(task);
    }

    async fn bind(&self, addr: SocketAddr) -> io::Result<AsyncNetListener> {
        AsyncNetListener::bind(addr).await
    }
}
