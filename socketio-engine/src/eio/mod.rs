//! The bare Engine.IO v4 server (v3 behind `allow_eio3`), sans-IO.
//!
//! [`EioServer`] is the entry point; [`EioConfig`] holds every setting and limit;
//! [`EioEvent`] is what it reports upward. The modules below each hold one set of rules:
//!
//! - `routing`: request validation and node's error answers;
//! - `handshake`: opening sessions;
//! - `polling`, `websocket`, `upgrade`: the transports;
//! - `v09`: Socket.IO 0.9 requests on the same machinery; `generation`: the wire of each
//!   protocol generation;
//! - `heartbeat`: ping/pong and every timer;
//! - `lifecycle`: closing sessions and the shared packet rules;
//! - `encoding`: how polling payloads are framed (binary, base64 or JSONP);
//! - `session`: the per-session state enum; `headers`: the compact handshake headers; `outbox`: the bounded frame queue.

mod config;
mod cookie;
mod cors;
mod encoding;
mod event;
mod generation;
mod handshake;
mod headers;
mod heartbeat;
mod lifecycle;
mod outbox;
mod polling;
mod reject;
mod routing;
mod server;
mod session;
mod upgrade;
mod v09;
mod websocket;

pub use config::{AllowRequest, EioConfig, Transports};
pub use cookie::{CookieConfig, SameSite};
pub use cors::{CorsConfig, CorsOrigin};
pub use event::{CloseReason, EioEvent, SendError};
pub use generation::Generation;
pub use headers::HandshakeHeaders;
pub use server::EioServer;
pub use session::HandshakeInfo;
pub use socketio_proto::eio::{Frame, Message, Packet, ProtocolVersion};
