//! Example applications of the socketio-rs server.
//!
//! - [`chat`]: a multi-room chat (the gevent-socketio chat example, today): nicknames,
//!   rooms, broadcasts and acknowledgements on the `/chat` namespace, live room list and
//!   online count on `/presence`. The same application runs on tokio (`chat`), smol
//!   (`chat-smol`) and async-std (`chat-async-std`), and mounted into axum (`axum-mount`).
//! - `std-loop`: the sans-IO engine driven by a plain `std::net` poll loop, no async runtime.
//!
//! Run the chat with `tools/chat.sh` and open <http://127.0.0.1:3000/>.
#![forbid(unsafe_code)]

pub mod assets;
pub mod chat;
pub mod cli;
