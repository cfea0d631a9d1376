//! Sans-IO Socket.IO server state machine: bytes, timer ticks and HTTP metadata in,
//! actions out.
//!
//! The engine never reads the clock or touches a socket. A driver feeds it HTTP requests
//! ([`RequestMeta`] + [`HttpBody`]), WebSocket messages and the current time, then drains
//! [`Action`]s (HTTP responses, WebSocket frames, events) and sleeps until `poll_timeout`.
//!
//! # The drive loop
//! Everything a driver does, here with the network replaced by a client that speaks the
//! long-polling wire format by hand (a real driver does the same with sockets and a timer):
//!
//! ```
//! use std::time::{Duration, Instant};
//! use socketio_engine::{Action, Engine, EngineConfig, Event, HttpBody, RequestMeta};
//! use bytes::Bytes;
//!
//! let mut engine = Engine::new(EngineConfig::default());
//! let mut now = Instant::now(); // time is an argument: tests pass a virtual clock
//!
//! // An HTTP request in; its response (and anything else that follows) out.
//! fn request(engine: &mut Engine, now: Instant, method: &str, uri: &str, body: &str) -> String {
//!     let meta = RequestMeta::new(method.parse().unwrap(), uri.parse().unwrap());
//!     let req = engine.handle_http(now, meta, HttpBody::Complete(Bytes::from(body.to_owned())));
//!     let mut answer = None;
//!     while let Some(action) = engine.poll_action() {
//!         match action {
//!             Action::Respond { req: r, response } if r == req => {
//!                 answer = Some(String::from_utf8_lossy(response.body()).into_owned());
//!             }
//!             Action::Dispatch(Event::Connect(pending)) => {
//!                 // The application decides (auth would be read here), then the engine answers.
//!                 engine.accept_connect(now, pending).unwrap();
//!             }
//!             Action::Dispatch(Event::Message { socket, event, args, ack, .. }) => {
//!                 assert_eq!(event, "hello");
//!                 // Echo the arguments back, and acknowledge with one argument.
//!                 engine.emit(now, socket, "echo", &args.to_args(), vec![]).unwrap();
//!                 if let Some(token) = ack {
//!                     engine.ack(now, token, &socketio_proto::sio::Args::new(&"got it").unwrap(), vec![]).unwrap();
//!                 }
//!             }
//!             _ => {} // WebSocket frames, other events: a real driver routes them
//!         }
//!     }
//!     answer.unwrap_or_default()
//! }
//!
//! // The Engine.IO handshake: the open packet carries the session id.
//! let open = request(&mut engine, now, "GET", "/socket.io/?EIO=4&transport=polling", "");
//! let sid = open[open.find("\"sid\":\"").unwrap() + 7..].split('"').next().unwrap().to_owned();
//! let poll = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
//!
//! // Connect to "/", then emit `hello` asking for an ack.
//! assert_eq!(request(&mut engine, now, "POST", &poll, "40"), "ok");
//! assert!(request(&mut engine, now, "GET", &poll, "").starts_with("40{\"sid\""));
//! assert_eq!(request(&mut engine, now, "POST", &poll, r#"421["hello","world"]"#), "ok");
//! // Both packets wait in the session's queue for the next GET (separated by \x1e).
//! assert_eq!(
//!     request(&mut engine, now, "GET", &poll, ""),
//!     "42[\"echo\",\"world\"]\x1e431[\"got it\"]"
//! );
//!
//! // Timers: sleep until poll_timeout, then hand the engine the time. No pong ever comes,
//! // so after the ping (25 s) and its timeout (20 s) the session is gone, and with it the
//! // last deadline.
//! let start = now;
//! while let Some(deadline) = engine.poll_timeout() {
//!     now = now.max(deadline);
//!     engine.handle_timeout(now);
//!     while engine.poll_action().is_some() {}
//! }
//! assert_eq!(now - start, Duration::from_secs(45));
//! assert!(request(&mut engine, now, "GET", &poll, "").contains("Session ID unknown"));
//! ```
//!
//! [`eio::EioServer`] is the bare Engine.IO server under it, with the same loop.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used
)]

mod action;
pub mod cluster;
pub mod eio;
mod engine;
pub mod event;
pub mod handler;
mod http;
mod ids;
pub mod sio;
pub mod stats;
pub mod streams;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod timer;

pub use crate::action::{Action, WsMessage};
pub use crate::cluster::{
    ClusterAction, ClusterConfig, ClusterEvent, ClusterMode, ClusterRequestId, ServerSideAck,
    ShardedSubscription,
};
pub use crate::engine::{Engine, EngineConfig, RecoveryStore};
pub use crate::event::{
    AckResponse, AckToken, DisconnectReason, Event, EventArgs, PendingConnect, Recovered,
};
pub use crate::http::{HttpBody, RequestMeta};
pub use crate::ids::{ConnId, ParseSidError, RequestId, Sid};
pub use crate::sio::recovery::AppData;
pub use crate::sio::{
    AckId, BroadcastTarget, Parser, RecoveryConfig, SioConfig, SocketId, SocketName, UsageError,
};
