//! Socket.IO server on smol: only the glue between smol and the runtime-neutral
//! [`adapter_core`] driver. Timer, listener and clock are adapter-core's shared async-io
//! runtime; this crate adds `smol::spawn`.
#![forbid(unsafe_code)]

use std::io;
use std::net::SocketAddr;

pub use adapter_core;
use adapter_core::async_io::{AsyncIoRuntime, Spawn};
use adapter_core::{App, BoxTask, Running, ServerHandle};

/// Spawns on smol's global executor.
#[derive(Debug, Clone, Copy, Default)]
pub struct SmolSpawn;

impl Spawn for SmolSpawn {
    fn spawn(&self, task: BoxTask) {
        smol::spawn(task).detach();
    }
}

/// smol as the driver sees it.
pub type SmolRuntime = AsyncIoRuntime<SmolSpawn>;

/// The smol runtime handle.
pub const SMOL: SmolRuntime = AsyncIoRuntime(SmolSpawn);

/// Serves `app` on `addr` on smol; returns once listening. Run it inside `smol::block_on`.
///
/// # Errors
/// Binding failed.
pub async fn serve<S: Send + Sync + 'static>(
    addr: SocketAddr,
    app: App<S>,
) -> io::Result<(Running, ServerHandle)> {
    adapter_core::serve(SMOL, addr, app).await
}
