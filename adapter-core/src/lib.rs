//! Runtime-neutral Socket.IO server driver: hyper 1 (HTTP/1.1 with upgrades) and
//! async-tungstenite over futures-io, driving the sans-IO [`socketio_engine::Engine`].
//!
//! A complete server (here on tokio, through `adapter-tokio`; `adapter-smol` and
//! `adapter-async-std` take the same [`App`]):
//!
//! ```no_run
//! use adapter_core::app::{App, Namespace};
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let app = App::new().namespace(
//!         Namespace::new("/")
//!             .on_connection(|socket, _auth| async move { socket.emit("hello", "world") })
//!             .on("echo", |socket, data| async move { socket.emit("echo", &data.args) }),
//!     );
//!     let (running, _handle) = adapter_tokio::serve(([127, 0, 0, 1], 3000).into(), app).await?;
//!     println!("listening on {}", running.local_addr());
//!     tokio::signal::ctrl_c().await
//! }
//! ```
//!
//! Namespace objects ([`app::SocketNamespace`]: one value per socket, `&mut self` methods
//! per event) and application state ([`App::with_state`]) are in [`app`].
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
#[cfg(test)]
mod app_cluster_tests;
#[cfg(test)]
mod app_recovery_tests;
#[cfg(test)]
mod app_tests;
#[cfg(feature = "async-io")]
pub mod async_io;
mod body;
#[cfg(all(
    feature = "testing",
    any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")
))]
pub mod cluster_interop;
#[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
pub mod cluster_redis;
#[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
mod cluster_redis_sub;
mod config;
mod conn;
mod hub;
#[cfg(test)]
mod hub_tests;
mod hyper_timer;
mod idmap;
pub mod io;
mod limits;
mod machine;
mod msg;
mod outq;
mod race;
mod runtime;
mod server;
#[cfg(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol"))]
pub mod streams_redis;
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
pub use socketio_engine::Parser;
pub use socketio_proto;
pub use tower::SocketIoService;
pub use ws::{IoStream, WS_CLOSE_GRACE};

/// Serves `app` on `addr` with runtime `rt`; returns once listening.
///
/// # Errors
/// Binding failed.
pub async fn serve<R: Runtime, S: Send + Sync + 'static>(
    rt: R,
    addr: SocketAddr,
    app: App<S>,
) -> stdio::Result<(Running, ServerHandle)> {
    let mut server = Server::new(rt);
    let handle = server.socketio(app);
    let running = server.listen(addr).await?;
    Ok((running, handle))
}
