//! Socket.IO server on smol: only the glue between smol and the runtime-neutral
//! [`adapter_core`] driver. Timer and listener are adapter-core's shared async-io glue;
//! this crate adds `smol::spawn`.
#![forbid(unsafe_code)]

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

pub use adapter_core;
use adapter_core::async_io::{AsyncIoTimer, AsyncNetListener};
use adapter_core::{App, BoxTask, Running, ServerHandle};

/// smol (its global executor) as the driver sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SmolRuntime;

impl adapter_core::Runtime for SmolRuntime {
    type Timer = AsyncIoTimer;
    type Listener = AsyncNetListener;

    fn now(&self) -> Instant {
        Instant::now()
    }

    fn timer_at(&self, at: Instant) -> AsyncIoTimer {
        AsyncIoTimer::at(at)
    }

    fn spawn(&self, task: BoxTask) {
        smol::spawn(task).detach();
    }

    async fn bind(&self, addr: SocketAddr) -> io::Result<AsyncNetListener> {
        AsyncNetListener::bind(addr).await
    }
}

/// Serves `app` on `addr` on smol; returns once listening. Run it inside `smol::block_on`.
///
/// # Errors
/// Binding failed.
pub async fn serve(addr: SocketAddr, app: App) -> io::Result<(Running, ServerHandle)> {
    adapter_core::serve(SmolRuntime, addr, app).await
}
