//! The server side of the Socket.IO admin UI (`@socket.io/admin-ui` 0.5, node's
//! `instrument(io, options)`), turned on with [`App::admin_ui`](super::App::admin_ui).
//!
//! Two halves: the admin namespace's handlers ([`namespace`]: authentication, `config`,
//! the UI's commands done with the ordinary application API), and the hub-side
//! [`monitor::Monitor`] (the engine's counters as `server_stats` every 2 s, and in
//! development mode the socket list and live updates).

mod config;
mod hooks;
pub(crate) mod monitor;
mod namespace;
mod time;

pub use config::{AdminAuth, AdminConfig};
pub use namespace::MAX_ADMIN_SESSIONS;
pub(crate) use namespace::namespace;

use super::command::Command;
use super::handle::ServerHandle;

/// Asks the hub for `server_stats` every [`monitor::STATS_INTERVAL`] until it stops (a
/// thread, so it works on every runtime; the hub does the work).
pub(crate) fn start_ticker(handle: ServerHandle) {
    let spawned = std::thread::Builder::new()
        .name("socketio-admin-stats".into())
        .spawn(move || {
            while handle.send(Command::AdminStats).is_ok() {
                std::thread::sleep(monitor::STATS_INTERVAL);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("admin UI stats: no thread: {e}");
    }
}
