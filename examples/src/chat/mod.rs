//! The chat: [`state`] (who is where, pure data), [`app`](mod@app) (the Socket.IO handlers) and
//! [`serve`](mod@serve) (Socket.IO plus the page's files on one port, on any runtime).

pub mod app;
pub mod serve;
pub mod state;

pub use app::{ChatUser, Settings, Shared, Watcher, app, app_with, expire_away};
pub use serve::{Chat, serve, serve_in};
