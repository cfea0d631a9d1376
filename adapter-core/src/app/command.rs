//! The commands application handles send to the hub, and how arguments become payloads.

use std::time::Duration;

use bytes::Bytes;
use futures_channel::oneshot;
use serde::Serialize;
use socketio_engine::handler::ConnectDecision;
use socketio_engine::{AckToken, BroadcastTarget, SocketId};
use socketio_proto::Str;
use socketio_proto::sio::Payload;

use super::error::Error;
use super::socket::{AckReply, BroadcastReplies, Socket};

/// Where a reply goes.
pub(crate) type Reply<T> = oneshot::Sender<Result<T, Error>>;

/// One application command, applied by the hub in the order sent.
#[derive(Debug)]
pub(crate) enum Command {
    /// The connect handler decided on the pending request `key`.
    Connect {
        key: u64,
        decision: ConnectDecision,
    },
    /// Emit to one socket, optionally waiting for its ack.
    Emit {
        socket: SocketId,
        event: String,
        args: Payload,
        binary: Vec<Bytes>,
        ack: Option<(Duration, Reply<AckReply>)>,
    },
    /// Answer a client's ack request.
    Ack {
        token: AckToken,
        args: Payload,
        binary: Vec<Bytes>,
    },
    /// Emit to every socket a target selects, optionally gathering acks.
    Broadcast {
        target: BroadcastTarget,
        event: String,
        args: Payload,
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
}

/// Arguments as the engine wants them: a JSON array of the arguments. A value that
/// serializes to an array is the argument list (use a tuple: `("a", 1)`); `()` means no
/// arguments; any other value is the single argument.
pub(crate) fn to_args<T: Serialize + ?Sized>(args: &T) -> Result<Payload, Error> {
    let p = Payload::from_serialize(args).map_err(Error::Serialize)?;
    if p.as_str() == "null" {
        return Ok(Payload::from_value(&serde_json::Value::Array(Vec::new())));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_shapes() {
        assert_eq!(to_args(&()).unwrap().as_str(), "[]");
        assert_eq!(to_args(&("a", 1)).unwrap().as_str(), "[\"a\",1]");
        assert_eq!(to_args(&5).unwrap().as_str(), "5");
        assert_eq!(to_args(&(None::<u8>,)).unwrap().as_str(), "[null]");
    }
}
