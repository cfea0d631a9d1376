//! [`Runtime`]: everything the driver needs from an async runtime, and nothing more.
//!
//! After quinn's `runtime` module: the clock (so tests can fake it), a re-armable timer, a
//! way to spawn tasks, and a TCP listener whose streams speak futures-io. Each adapter crate
//! implements this trait in a few dozen lines; the driver (HTTP, WebSocket, the hub, the
//! application API) is written once against it.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

use futures_io::{AsyncRead, AsyncWrite};

/// A boxed task for [`Runtime::spawn`].
pub type BoxTask = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// An async runtime as the driver sees it. Cheap to clone (a handle).
pub trait Runtime: Clone + Send + Sync + 'static {
    /// A timer that completes at a deadline and can be moved to another deadline.
    type Timer: Timer;
    /// A bound TCP listener.
    type Listener: Listener;

    /// The current time. The driver never reads the clock any other way, so a test runtime
    /// can control time.
    fn now(&self) -> Instant;

    /// A timer completing at `at` (at once if `at` has passed).
    fn timer_at(&self, at: Instant) -> Self::Timer;

    /// Runs `task` in the background; it is never awaited.
    fn spawn(&self, task: BoxTask);

    /// Binds a TCP listener on `addr` (port 0 picks a free port).
    fn bind(&self, addr: SocketAddr) -> impl Future<Output = io::Result<Self::Listener>> + Send;
}

/// A re-armable timer. As a future it completes once its deadline has passed; after
/// [`reset`](Self::reset) it waits for the new deadline.
pub trait Timer: Future<Output = ()> + Send + Unpin + 'static {
    /// Moves the deadline to `at`.
    fn reset(&mut self, at: Instant);
}

/// A bound TCP listener yielding futures-io streams.
pub trait Listener: Send + 'static {
    /// An accepted connection.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// Waits for the next connection and its peer address.
    fn accept(&mut self) -> impl Future<Output = io::Result<(Self::Io, SocketAddr)>> + Send;

    /// The address the listener is bound to (with the real port when bound to port 0).
    ///
    /// # Errors
    /// The operating system's error.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}
