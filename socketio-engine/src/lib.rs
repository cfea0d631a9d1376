//! Sans-IO Socket.IO server state machine: bytes, timer ticks and HTTP metadata in,
//! actions out.
//!
//! The engine never reads the clock or touches a socket. A driver feeds it HTTP requests
//! ([`RequestMeta`] + [`HttpBody`]), WebSocket messages and the current time, then drains
//! [`Action`]s (HTTP responses, WebSocket frames, events) and sleeps until `poll_timeout`.
//! See [`eio::EioServer`] for the drive loop.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used
)]

mod action;
pub mod eio;
mod engine;
pub mod event;
pub mod handler;
mod http;
mod ids;
pub mod sio;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod timer;

pub use crate::action::{Action, WsMessage};
pub use crate::engine::{Engine, EngineConfig};
pub use crate::event::{AckResponse, AckToken, DisconnectReason, Event, EventArgs, PendingConnect};
pub use crate::http::{HttpBody, RequestMeta};
pub use crate::ids::{ConnId, ParseSidError, RequestId, Sid};
pub use crate::sio::{AckId, BroadcastTarget, SioConfig, SocketId, SocketName, UsageError};
