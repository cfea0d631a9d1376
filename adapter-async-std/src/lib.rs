//! Socket.IO server on async-std: only the glue between async-std and the runtime-neutral
//! [`adapter_core`] driver. Timer and listener are adapter-core's shared async-io glue
//! (async-std runs on the same reactor); this crate adds `async_std::task::spawn`.
//!
//! async-std is discontinued (RUSTSEC-2025-0052); prefer `adapter-smol`. This adapter stays
//! deliberately thin so it costs nothing to keep.
#![forbid(unsafe_code)]

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

pub use adapter_core;
use adapter_core::async_io::{AsyncIoTimer, AsyncNetListener};
use adapter_core::{App, BoxTask, Running, ServerHandle};

/// async-std as the driver sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncStdRuntime;

impl adapter_core::Runtime for AsyncStdRuntime {
    type Timer = AsyncIoTimer;
    type Listener = AsyncNetListener;

    fn now(&self) -> Instant {
        Instant::now()
    }

    fn timer_at(&self, at: Instant) -> AsyncIoTimer {
        AsyncIoTimer::at(at)
    }

    fn spawn(&self, task: BoxTask) {
        drop(async_std::task::spawn(task));
    }

    async fn bind(&self, addr: SocketAddr) -> io::Result<AsyncNetListener> {
        AsyncNetListener::bind(addr).await
    }
}

/// Serves `app` on `addr` on async-std; returns once listening.
///
/// # Errors
/// Binding failed.
pub async fn serve(addr: SocketAddr, app: App) -> io::Result<(Running, ServerHandle)> {
    adapter_core::serve(AsyncStdRuntime, addr, app).await
}
