//! What the engine tells the application: [`Event`], and the types events carry.
//!
//! Events are queued and come out of `Engine::poll_action` as `Action::Dispatch(Event)`, in the
//! order their causes happened. Two of them hand the application an obligation as a value
//! (quinn's `Incoming` style): [`PendingConnect`] must be answered with `accept_connect` or
//! `reject_connect`; [`AckToken`] may be answered once with `ack` (consuming it makes a second
//! answer impossible to write).

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::sio::{Args, EventPayload, Payload, ToArgs};

use crate::sio::ids::{AckId, SocketId};
use crate::sio::namespace::NsId;
use crate::sio::recovery::{AppData, Claim};
use crate::sio::session_key::SessionKey;

/// Something the application should know or answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// A client asks to connect to a namespace; answer with `accept_connect` or
    /// `reject_connect`.
    Connect(PendingConnect),
    /// A client emitted an event.
    Message {
        /// The sending socket.
        socket: SocketId,
        /// The event name (`"chat"` in `socket.emit("chat", ...)`).
        event: Str,
        /// The arguments after the name.
        args: EventArgs,
        /// Binary attachments, referenced from `args` by placeholders, in order.
        binary: Vec<Bytes>,
        /// Present when the client waits for an acknowledgement.
        ack: Option<AckToken>,
    },
    /// A client answered an `emit_with_ack`.
    AckReply {
        /// The ack `emit_with_ack` returned.
        ack: AckId,
        /// The answering socket.
        socket: SocketId,
        /// The acknowledgement's arguments.
        args: Args,
        /// Binary attachments of the acknowledgement.
        binary: Vec<Bytes>,
    },
    /// An `emit_with_ack` got no answer in time (or its socket disconnected first).
    AckTimeout {
        /// The ack `emit_with_ack` returned.
        ack: AckId,
        /// The socket that did not answer.
        socket: SocketId,
    },
    /// A broadcast with acks is settled: every recipient answered, or the timeout passed.
    BroadcastAck {
        /// The ack `broadcast_with_ack` returned.
        ack: AckId,
        /// The answers, in arrival order.
        replies: Vec<AckResponse>,
        /// The recipients that did not answer in time, in no particular order.
        timed_out: Vec<SocketId>,
    },
    /// A client recovered a kept session (connection state recovery, with
    /// `skip_middlewares`): the engine restored the socket at once, without a connect
    /// decision, so this stands for both the request and its acceptance. The socket has its
    /// old id, rooms and data, and has been sent the events it missed.
    Recovered(Recovered),
    /// A socket left its namespace; its id is now invalid.
    Disconnect {
        /// The socket.
        socket: SocketId,
        /// Its namespace.
        nsp: Str,
        /// Why.
        reason: DisconnectReason,
        /// The rooms it was in when it left, its own id first (what node's `disconnecting`
        /// listeners read from `socket.rooms`); it is in none of them any more.
        rooms: Vec<Str>,
    },
    /// A request to the other servers of the cluster ended (`cluster_fetch_sockets`,
    /// `cluster_all_rooms`).
    Cluster(crate::cluster::ClusterEvent),
}

/// A socket restored by connection state recovery: what the application needs to treat it
/// as connected again (node's `socket.recovered === true`).
#[derive(Debug)]
#[non_exhaustive]
pub struct Recovered {
    /// The new handle of the socket (its public id is the old one).
    pub socket: SocketId,
    /// Its namespace.
    pub nsp: Str,
    /// The Engine.IO session it rides on now.
    pub session: SessionKey,
    /// The auth object of the reconnecting CONNECT (with the client's `pid` and `offset`).
    pub auth: Option<Payload>,
    /// The data the application attached to the old socket with `Engine::keep_data`.
    pub data: Option<AppData>,
}

/// One answer to a broadcast with acks.
#[derive(Debug, Clone, PartialEq)]
pub struct AckResponse {
    /// The answering socket.
    pub socket: SocketId,
    /// The acknowledgement's arguments.
    pub args: Args,
    /// Binary attachments.
    pub binary: Vec<Bytes>,
}

/// The arguments of a received event: the event's JSON array, read without its name.
#[derive(Debug, Clone, PartialEq)]
pub struct EventArgs(pub(crate) EventPayload);

impl EventArgs {
    /// Reads the arguments by the argument rule: a tuple reads the argument list
    /// (`(String, u32)` from `socket.emit("ev", "a", 1)`), anything else the first
    /// argument (`String`, a struct, or a `Vec` the client sent as one array). Extra
    /// arguments are ignored, as JavaScript does; a missing one reads as `null`.
    ///
    /// # Errors
    /// When the arguments do not fit `T`.
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        self.0.parse_args()
    }

    /// The arguments as a JSON array.
    ///
    /// # Errors
    /// Only serde_json's nesting limit (the JSON was validated on receipt).
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.0.event_args_value()
    }

    /// The whole received event array, name first, as text.
    #[must_use]
    pub fn as_event_payload(&self) -> &EventPayload {
        &self.0
    }

    /// The arguments as an argument list of their own, e.g. to send them on unchanged
    /// (`socket.emit("echo", &data.args)` does this through [`ToArgs`]).
    #[must_use]
    pub fn to_args(&self) -> Args {
        self.0.to_args()
    }
}

/// A received event's arguments, sent on as they are (an echo).
impl ToArgs for EventArgs {
    fn to_args(&self) -> Result<Args, serde_json::Error> {
        Ok(self.0.to_args())
    }
}

/// Why a socket left its namespace. Names follow Node's disconnect reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The connection was closed (the client closed it, or the driver reported it gone):
    /// Node's "transport close".
    TransportClose,
    /// The connection failed: Node's "transport error".
    TransportError,
    /// The client stopped answering pings: Node's "ping timeout".
    PingTimeout,
    /// The client sent a packet that does not parse: Node's "parse error". The whole session
    /// is closed.
    ParseError,
    /// The client sent a packet the protocol does not allow in this state (e.g. an event on a
    /// namespace it is not connected to): Node's "forced server close". The whole session is
    /// closed.
    ProtocolViolation,
    /// The client's outgoing queue overflowed; the session was closed.
    BufferFull,
    /// The client left the namespace: Node's "client namespace disconnect".
    ClientNamespaceDisconnect,
    /// The server disconnected the socket: Node's "server namespace disconnect".
    ServerNamespaceDisconnect,
    /// The server is shutting down (`close_all`): Node's "server shutting down".
    ServerShuttingDown,
    /// The server closed the connection without a Socket.IO DISCONNECT
    /// (`Engine::close_transport`): Node's "forced close". The client reconnects.
    ForcedClose,
}

impl DisconnectReason {
    /// The reason as Node's Socket.IO names it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TransportClose => "transport close",
            Self::TransportError => "transport error",
            Self::PingTimeout => "ping timeout",
            Self::ParseError => "parse error",
            Self::ProtocolViolation => "forced server close",
            Self::BufferFull => "buffer full",
            Self::ClientNamespaceDisconnect => "client namespace disconnect",
            Self::ServerNamespaceDisconnect => "server namespace disconnect",
            Self::ServerShuttingDown => "server shutting down",
            Self::ForcedClose => "forced close",
        }
    }

    /// Whether connection state recovery keeps the socket's session after this reason:
    /// node's `RECOVERABLE_DISCONNECT_REASONS` (transport error, transport close, forced
    /// close, ping timeout, server shutting down, forced server close). A parse error and a
    /// full buffer are not among them; neither is a namespace disconnect from either side.
    #[must_use]
    pub fn is_recoverable(self) -> bool {
        matches!(
            self,
            Self::TransportError
                | Self::TransportClose
                | Self::ForcedClose
                | Self::PingTimeout
                | Self::ServerShuttingDown
                | Self::ProtocolViolation
        )
    }
}

/// A client's request to connect to a namespace, awaiting the application's answer.
///
/// Not `Clone`: exactly one `accept_connect` or `reject_connect` can consume it. Dropping it
/// leaves the request unanswered until the session ends (the client sees no reply, and the
/// request counts against `max_namespaces_per_session`).
#[derive(Debug)]
#[must_use = "answer with Engine::accept_connect or Engine::reject_connect"]
pub struct PendingConnect {
    pub(crate) session: SessionKey,
    pub(crate) ns: NsId,
    pub(crate) serial: u32,
    pub(crate) nsp: Str,
    pub(crate) auth: Option<Payload>,
    pub(crate) query: Option<Str>,
    /// The kept session this request claimed (connection state recovery without
    /// `skip_middlewares`); accepting restores it.
    pub(crate) recovery: Option<Box<Claim>>,
}

impl PendingConnect {
    /// Whether the client is recovering a kept session (node's `socket.recovered`, known
    /// before the decision): accepting restores its id, rooms and missed events, unless the
    /// events it missed were dropped meanwhile (then the socket is fresh). Only asked when
    /// `skip_middlewares` is off; otherwise a recovery comes as `Event::Recovered`. The
    /// request holds the kept session, taken out of the store: rejecting or dropping it
    /// ends that session for good (node drops it on a middleware error too).
    #[must_use]
    pub fn is_recovery(&self) -> bool {
        self.recovery.is_some()
    }

    /// The namespace asked for.
    #[must_use]
    pub fn nsp(&self) -> &Str {
        &self.nsp
    }

    /// The auth payload the client sent (`io({ auth })`), a JSON object, if any.
    #[must_use]
    pub fn auth(&self) -> Option<&Payload> {
        self.auth.as_ref()
    }

    /// The query string a Socket.IO v4 client (`socket.io-client` 2.x) sent with the
    /// namespace (`io("/chat?token=abc")` → `token=abc`, without the `?`), if any. v5
    /// clients send [`auth`](Self::auth) instead; the handshake's own query is in
    /// `Engine::handshake`.
    #[must_use]
    pub fn query(&self) -> Option<&Str> {
        self.query.as_ref()
    }

    /// The first value of parameter `key` of [`query`](Self::query), percent-decoded.
    #[must_use]
    pub fn query_param(&self, key: &str) -> Option<String> {
        let q = self.query.as_ref()?;
        crate::http::query_pairs(q).find_map(|(k, v)| (k == key).then(|| v.into_owned()))
    }

    /// The Engine.IO session the request came on (for handshake data such as headers).
    #[must_use]
    pub fn session(&self) -> SessionKey {
        self.session
    }
}

/// The right to acknowledge one received event, once.
///
/// Not `Clone`; `Engine::ack` consumes it. Dropping it sends nothing (the client's callback
/// never runs, as with a Node listener that ignores its callback).
#[derive(Debug, PartialEq, Eq)]
pub struct AckToken {
    pub(crate) socket: SocketId,
    pub(crate) id: u64,
}

impl AckToken {
    /// The socket that asked for the acknowledgement.
    #[must_use]
    pub fn socket(&self) -> SocketId {
        self.socket
    }
}
