//! Socket.IO server on async-std: only the glue between async-std and the runtime-neutral
//! [`adapter_core`] driver. Timer, listener and clock are adapter-core's shared async-io
//! runtime (async-std runs on the same reactor); this crate adds `async_std::task::spawn`.
//!
//! async-std is discontinued (RUSTSEC-2025-0052); prefer `adapter-smol`. This adapter stays
//! deliberately thin so it costs nothing to keep.
#![forbid(unsafe_code)]

use std::io;
use std::net::SocketAddr;

pub use adapter_core;
use adapter_core::async_io::{AsyncIoRuntime, Spawn};
use adapter_core::{App, BoxTask, Running, ServerHandle};

/// Spawns on async-std's executor.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncStdSpawn;

impl Spawn for AsyncStdSpawn {
    fn spawn(&self, task: BoxTask) {
        drop(async_std::task::spawn(task));
    }
}

/// async-std as the driver sees it.
pub type AsyncStdRuntime = AsyncIoRuntime<AsyncStdSpawn>;

/// The async-std runtime handle.
pub const ASYNC_STD: AsyncStdRuntime = AsyncIoRuntime(AsyncStdSpawn);

/// Serves `app` on `addr` on async-std; returns once listening.
///
/// # Errors
/// Binding failed.
pub async fn serve<S: Send + Sync + 'static>(
    addr: SocketAddr,
    app: App<S>,
) -> io::Result<(Running, ServerHandle)> {
    adapter_core::serve(ASYNC_STD, addr, app).await
}
