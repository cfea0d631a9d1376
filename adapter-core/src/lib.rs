//! Runtime-neutral Socket.IO server driver: hyper 1 (HTTP/1.1 with upgrades) and
//! async-tungstenite over futures-io, driving the sans-IO [`socketio_engine::Engine`].
//!
//! - [`Runtime`]: what an adapter provides (clock, timer, spawn, TCP listener). The
//!   `adapter-tokio`, `adapter-smol` and `adapter-async-std` crates are only that glue.
//! - [`Server`]: mounts hubs on path prefixes and listens; [`serve`] does it for one app.
//! - [`app`]: the application's async API ([`App`], [`Namespace`], [`Socket`],
//!   [`ServerHandle`]).
//!
//! Inside: one hub task per mounted engine owns it (no lock) and talks to connection tasks
//! and application handles over channels; see `hub` for the drive loop.
#![forbid(unsafe_code)]

pub mod app;
#[cfg(feature = "async-io")]
pub mod async_io;
mod body;
mod config;
mod conn;
mod hub;
#[cfg(test)]
mod hub_tests;
mod hyper_timer;
pub mod io;
mod limits;
mod machine;
mod msg;
mod outq;
mod runtime;
mod server;
#[cfg(feature = "testing")]
pub mod testing;
mod tower;
mod ws;

use std::io as stdio;
use std::net::SocketAddr;

pub use app::{App, Namespace, ServerHandle, Socket};
pub use config::DriverConfig;
pub use conn::ResponseBody;
pub use limits::raise_open_file_limit;
pub use machine::Machine;
pub use runtime::{BoxTask, Listener, Runtime, Timer};
pub use server::{ACCEPT_ERROR_BACKOFF, CONNECTION_DRAIN_GRACE, Running, Server};
pub use socketio_engine;
pub use socketio_proto;
pub use tower::SocketIoService;
pub use ws::{IoStream, WS_CLOSE_GRACE};

/// Serves `app` on `addr` with runtime `rt`; returns once listening.
///
/// # Errors
/// Binding failed.
pub async fn serve<R: Runtime>(
    rt: R,
    addr: SocketAddr,
    app: App,
) -> stdio::Result<(Running, ServerHandle)> {
    let mut server = Server::new(rt);
    let handle = server.socketio(app);
    let running = server.listen(addr).await?;
    Ok((running, handle))
}
