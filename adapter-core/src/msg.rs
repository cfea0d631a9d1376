//! The messages between connection tasks, application handles and a hub.
//!
//! Three channels feed a hub, each with its own reason:
//! - `net` (bounded): requests and WebSocket messages. A full channel makes readers wait, so a
//!   busy hub slows clients down instead of buffering without bound.
//! - `life` (unbounded): "this request was aborted" and "this WebSocket died", sent from
//!   `Drop` where nothing can wait, and "this request's body is still coming" (so the hub
//!   can cut it when its session ends). At most one of each per request or connection.
//! - `ctl` (unbounded): application commands (emit, join, ...) and shutdown. Never blocks a
//!   handler, so a handler can emit from synchronous code.

use bytes::Bytes;
use futures_channel::oneshot;
use socketio_engine::eio::Frame;
use socketio_engine::{ConnId, HttpBody, RequestMeta, Sid, WsMessage};

use crate::outq::OutRx;

/// Network input, in arrival order per connection.
#[derive(Debug)]
pub(crate) enum NetMsg {
    /// An HTTP request, read up to the body cap (boxed: it is large and rare next to
    /// WebSocket messages).
    Http(Box<HttpIn>),
    /// A WebSocket message.
    WsMessage { conn: ConnId, msg: WsMessage },
    /// A WebSocket ended (sent after its last message, so nothing is lost).
    WsClosed { conn: ConnId },
    /// A message from a cluster channel on Redis (bounded like client input: a flood from
    /// Redis slows the subscriber, not the hub's memory).
    #[cfg_attr(
        not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
        allow(dead_code)
    )]
    Cluster { channel: String, payload: Bytes },
    /// The cluster's server count, as Redis last reported it.
    #[cfg_attr(
        not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
        allow(dead_code)
    )]
    ClusterServers(usize),
    /// What the streams backend's Redis link read or was answered.
    #[cfg_attr(
        not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
        allow(dead_code)
    )]
    Streams(StreamsInput),
}

/// The streams backend's inputs from its Redis link.
#[derive(Debug)]
#[cfg_attr(
    not(any(feature = "cluster-redis-tokio", feature = "cluster-redis-smol")),
    allow(dead_code)
)]
pub(crate) enum StreamsInput {
    /// An append's entry id (`None`: it failed).
    Appended {
        token: socketio_engine::streams::AppendToken,
        id: Option<socketio_proto::cluster::streams::StreamOffset>,
    },
    /// Entries read from the stream.
    Entries(Vec<socketio_engine::streams::StreamEntry>),
    /// A restore's answer.
    Restored {
        token: socketio_engine::streams::RestoreToken,
        answer: socketio_engine::streams::RestoreAnswer,
    },
    /// Nothing to tell the engine.
    Nothing,
}

/// An HTTP request for the hub; the answer goes to `reply`.
#[derive(Debug)]
pub(crate) struct HttpIn {
    /// The connection task's name for the request (for a later abort).
    pub(crate) key: u64,
    pub(crate) meta: RequestMeta,
    pub(crate) body: HttpBody,
    pub(crate) reply: oneshot::Sender<HttpReply>,
}

/// Life-cycle notices sent from `Drop`.
#[derive(Debug)]
pub(crate) enum Life {
    /// The request `key` was dropped before its answer (the client went away).
    HttpAborted { key: u64 },
    /// A WebSocket task was dropped without reporting its end.
    WsClosed { conn: ConnId },
    /// A request of session `sid` is still reading its body; `cut` fires (or is dropped)
    /// when the session is gone, so the read stops. Sent only for bodies that did not
    /// arrive with their headers.
    BodyPending { sid: Sid, cut: oneshot::Sender<()> },
}

/// The hub's answer to an HTTP request.
#[derive(Debug)]
pub(crate) enum HttpReply {
    /// Send this response.
    Response(http::Response<Bytes>),
    /// Send this response's head and first bytes, then keep its body open for `conn`,
    /// appending what `writer` yields (Socket.IO 0.9's `htmlfile`).
    Stream {
        response: http::Response<Bytes>,
        conn: ConnId,
        writer: OutRx,
    },
    /// Complete the WebSocket handshake; then carry `conn`, writing what `writer` yields.
    Upgrade { conn: ConnId, writer: OutRx },
}

/// What a WebSocket writer does next.
#[derive(Debug)]
pub(crate) enum WsCmd {
    /// Send one frame.
    Frame(Frame),
    /// Send a close frame and end.
    Close,
}

/// Application-side control input of a hub, `C` being the application's commands.
#[derive(Debug)]
pub(crate) enum Ctl<C> {
    /// An application command.
    Command(C),
    /// A handler task ended (counts down the in-flight handlers).
    HandlerDone,
    /// Begin a graceful shutdown; `done` fires when the hub has stopped.
    Shutdown { done: oneshot::Sender<()> },
}
