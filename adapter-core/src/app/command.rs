//! The commands application handles send to the hub, and how arguments become payloads.

use std::time::Duration;

use bytes::Bytes;
use futures_channel::oneshot;
use socketio_engine::handler::ConnectDecision;
use socketio_engine::{AckToken, BroadcastTarget, SocketId};
use socketio_proto::Str;
use socketio_proto::sio::{Args, ToArgs};

use super::cluster::ServerSideReplies;
use super::error::Error;
use super::socket::{AckReply, BroadcastReplies, Socket};
use socketio_engine::cluster::ServerSideAck;

/// Where a reply goes.
pub(crate) type Reply<T> = oneshot::Sender<Result<T, Error>>;

/// One application command, applied by the hub in the order sent.
#[derive(Debug)]
pub(crate) enum Command {
    /// The connect handler decided on the pending request `key`; an accepted namespace
    /// object travels with the decision.
    Connect {
        key: u64,
        decision: ConnectDecision,
        object: Option<Box<dyn std::any::Any + Send>>,
    },
    /// Emit to one socket, optionally waiting for its ack.
    Emit {
        socket: SocketId,
        event: String,
        args: Args,
        binary: Vec<Bytes>,
        ack: Option<(Duration, Reply<AckReply>)>,
    },
    /// Answer a client's ack request.
    Ack {
        token: AckToken,
        args: Args,
        binary: Vec<Bytes>,
    },
    /// Emit to every socket a target selects, optionally gathering acks.
    Broadcast {
        target: BroadcastTarget,
        event: String,
        args: Args,
        binary: Vec<Bytes>,
        ack: Option<(Duration, Reply<BroadcastReplies>)>,
    },
    Join {
        socket: SocketId,
        room: Str,
    },
    Leave {
        socket: SocketId,
        room: Str,
    },
    Rooms {
        socket: SocketId,
        reply: Reply<Vec<Str>>,
    },
    Disconnect {
        socket: SocketId,
    },
    CloseTransport {
        socket: SocketId,
    },
    Sockets {
        target: BroadcastTarget,
        reply: Reply<Vec<Socket>>,
    },
    SocketsJoin {
        target: BroadcastTarget,
        room: Str,
    },
    SocketsLeave {
        target: BroadcastTarget,
        room: Str,
    },
    DisconnectSockets {
        target: BroadcastTarget,
    },
    /// The other servers' sockets a target selects (the cluster's `fetchSockets`).
    ClusterSockets {
        target: BroadcastTarget,
        reply: Reply<Vec<super::remote::RemoteSocket>>,
    },
    /// A server-side emit to the other servers, with a reply when their answers are wanted.
    ServerSideEmit {
        nsp: Str,
        event: String,
        args: Args,
        reply: Option<Reply<ServerSideReplies>>,
    },
    /// Answer another server's server-side emit.
    ServerSideAck {
        ack: Box<ServerSideAck>,
        value: serde_json::Value,
    },
    /// Room names of a namespace across the cluster.
    AllRooms {
        nsp: Str,
        reply: Reply<Vec<Str>>,
    },
    /// How many servers share the cluster.
    ServerCount {
        reply: Reply<usize>,
    },
    /// Admin UI: send `server_stats` to the admin namespace.
    AdminStats,
    /// Admin UI: send `all_sockets` to this admin socket.
    AdminAllSockets {
        socket: SocketId,
    },
    /// Tests: how many sockets the dispatcher holds anything for.
    #[cfg(test)]
    Held {
        reply: Reply<usize>,
    },
}

/// The arguments `args` stands for, by the rule of [`Args::new`]: a tuple is the argument
/// list, anything else one argument; prepared [`Args`] (and a received event's arguments)
/// go as they are.
pub(crate) fn to_args<A: ToArgs + ?Sized>(args: &A) -> Result<Args, Error> {
    args.to_args().map_err(Error::Serialize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_shapes() {
        assert_eq!(to_args(&()).unwrap().as_str(), "[]");
        assert_eq!(to_args(&("a", 1)).unwrap().as_str(), "[\"a\",1]");
        assert_eq!(to_args(&5).unwrap().as_str(), "[5]");
        assert_eq!(to_args("ok").unwrap().as_str(), "[\"ok\"]");
        assert_eq!(to_args(&vec![1, 2]).unwrap().as_str(), "[[1,2]]");
        assert_eq!(to_args(&(None::<u8>,)).unwrap().as_str(), "[null]");
    }
}
