//! What the engine asks its driver to do, and the WebSocket messages the driver reports.

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::eio::Frame;

use crate::ids::{ConnId, RequestId, Sid};

/// One output of the engine, drained with `poll_action` in causal order.
///
/// Not `Clone`: each action must be carried out exactly once. `E` is the application event
/// type of the layer that produced it ([`EioEvent`](crate::eio::EioEvent) for the bare
/// Engine.IO server).
#[derive(Debug)]
#[non_exhaustive]
#[must_use = "an action must be carried out by the driver"]
pub enum Action<E> {
    /// Answer the HTTP request `req` with `response`. Every `RequestId` is answered exactly
    /// once, either by this, by [`Action::AcceptWebSocket`] or by [`Action::StreamResponse`].
    Respond {
        /// The request being answered.
        req: RequestId,
        /// The full response (boxed: it is large and rare next to `SendWs`, and every action
        /// is as big as its largest variant, so a broadcast's thousands of queued `SendWs`
        /// would otherwise each carry its size).
        response: Box<http::Response<Bytes>>,
    },
    /// Complete the WebSocket handshake of request `req`; from now on report that
    /// connection's traffic as `conn`. If the handshake cannot be completed, report
    /// `handle_ws_closed(conn)` so the engine forgets the connection.
    AcceptWebSocket {
        /// The upgrade request being accepted.
        req: RequestId,
        /// The id the engine gives the new connection.
        conn: ConnId,
    },
    /// Answer the HTTP request `req` with `response` (status, headers and the start of the
    /// body) but keep the body open: from now on [`Action::SendWs`] on `conn` appends the
    /// frame's bytes to this body and [`Action::CloseWs`] ends it. When the client goes away,
    /// report `handle_ws_closed(conn)` as for a WebSocket. This is Socket.IO 0.9's
    /// `htmlfile` transport (a never-ending HTML page of script tags).
    StreamResponse {
        /// The request being answered.
        req: RequestId,
        /// The id the engine gives the open body.
        conn: ConnId,
        /// The status, headers and first bytes of the body (boxed, as in `Respond`).
        response: Box<http::Response<Bytes>>,
    },
    /// Send one WebSocket message (text or binary as the frame says), or append it to a
    /// streamed response body ([`Action::StreamResponse`]).
    SendWs {
        /// The connection to write to.
        conn: ConnId,
        /// The encoded Engine.IO packet, shared with other recipients.
        frame: Frame,
    },
    /// Close the WebSocket connection (or end the streamed body); the engine will not name
    /// `conn` again.
    CloseWs {
        /// The connection to close.
        conn: ConnId,
    },
    /// Deliver an event to the layer above.
    Dispatch(E),
    /// Session `sid` is gone: every request naming it is now refused (400, "Session ID
    /// unknown"). Nothing needs doing, except for a request of that session the driver is
    /// still reading (a POST whose body trickles in, which the engine has not seen yet): it
    /// can stop reading and hand the request over at once, instead of waiting on a client
    /// that may never finish. Node aborts such a request when the session closes.
    SessionEnded {
        /// The session that ended.
        sid: Sid,
    },
    /// Subscribe or publish on Redis for the cluster adapter (only with
    /// `EngineConfig::cluster` set; boxed, as `Respond` is, to keep actions small).
    Cluster(Box<crate::cluster::ClusterAction>),
    /// Something to do on Redis for the streams backend (boxed: rare, and actions stay small).
    Streams(Box<crate::streams::StreamsAction>),
}

/// One WebSocket message as received, framing already removed by the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// A text message (the driver has checked it is UTF-8).
    Text(Str),
    /// A binary message.
    Binary(Bytes),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eio::EioEvent;

    /// A broadcast queues one action per recipient, and every action is as large as the
    /// largest variant: keep the queued kind small (responses are boxed for this).
    #[test]
    fn actions_stay_small() {
        assert!(
            size_of::<Action<EioEvent>>() <= 64,
            "{}",
            size_of::<Action<EioEvent>>()
        );
        assert!(size_of::<Action<crate::Event>>() <= 136);
    }
}
