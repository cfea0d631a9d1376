//! Socket.IO 0.9 requests: the handshake and the transports, on the sessions, parked GETs,
//! outbox and WebSockets the Engine.IO transports use.
//!
//! # Theory of operation
//! - `{path}1/` (GET or POST): the handshake, `sid:heartbeat:close:transports`
//!   (`handshake.rs`). The session starts as polling with nothing parked.
//! - `{path}1/<transport>/<sid>`: the client opens the transport it picked.
//!   - `xhr-polling`: GETs and POSTs as Engine.IO polling, with 0.9 payload framing.
//!   - `jsonp-polling`: the same, with the callback index `i` of each request; GETs are
//!     answered `io.j[i]("...");` and POSTs are forms (`d` holds the payload as a JSON
//!     string). The session keeps the latest index.
//!   - `websocket` (an upgrade request): taken at once, no probe, when the session is polling
//!     with no GET parked; what is queued is flushed on it in order. One packet per message.
//!   - `htmlfile` (IE's streaming iframe): a GET is answered with a response whose body
//!     stays open (`Action::StreamResponse`); each frame is appended as a script tag
//!     `<script>_("<packet>");</script>`. POSTs carry 0.9 payloads as over `xhr-polling`.
//!   - Anything else (`flashsocket`, which is obsolete, unknown names): the error packet
//!     `7:::0+0` ("transport not supported", advice "reconnect"), which 0.9 clients act on.
//! - `?disconnect=<anything>` on any transport path (even an empty transport name) ends the
//!   session as a client close, as node 0.9 does; the answer is an empty 200.
//! - Liveness: over WebSocket and htmlfile the server sends heartbeats; over polling it does
//!   not (as node 0.9) and a held GET ends with `8::` after a third of the close timeout,
//!   while each request keeps the session for the close timeout (see `heartbeat.rs`).
//! - An unknown sid: `7:::1+0` ("client not handshaken", "reconnect"), so the client
//!   handshakes again; over WebSocket the upgrade is refused. A sid of an Engine.IO session,
//!   or a malformed index `i`, is a 400 bad request.

use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use socketio_proto::eio::jsonp::JsonpIndex;
use socketio_proto::v09::{ErrorAdvice, ErrorReason, Packet, PacketBody};

use crate::action::Action;
use crate::eio::encoding::{HTMLFILE_PRELUDE, PollEncoding, htmlfile_chunk};
use crate::eio::event::CloseReason;
use crate::eio::generation::Generation;
use crate::eio::reject::{Refusal, response};
use crate::eio::server::EioServer;
use crate::eio::session::Transport;
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{ConnId, RequestId, Sid};

/// The part of `path` after `{base}1/` (or `{base}1`), when `path` is a 0.9 request.
pub(crate) fn v09_path<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(base)?.strip_prefix('1')?;
    match rest {
        "" => Some(""),
        r => r.strip_prefix('/'),
    }
}

impl EioServer {
    pub(crate) fn route_v09(
        &mut self,
        now: Instant,
        req: RequestId,
        meta: &RequestMeta,
        body: HttpBody,
        upgrade: bool,
        rest: &str,
    ) -> Result<(), Refusal> {
        let rest = rest.trim_end_matches('/');
        if rest.is_empty() {
            if upgrade || !matches!(meta.method, Method::GET | Method::POST) {
                return Err(Refusal::BadHandshakeMethod);
            }
            self.check_allow_request(meta)?;
            return self.open_v09_session(now, req, meta);
        }
        let (transport, sid) = rest.split_once('/').unwrap_or((rest, ""));
        let sid = sid.trim_end_matches('/');
        if !upgrade && meta.query_param("disconnect").is_some() {
            // A client leaving (socketIO-client's `?disconnect=True`, the browser client's
            // unload `{path}1//<sid>/?disconnect=1`): as node 0.9, any transport name will do.
            if let Ok(sid) = sid.parse::<Sid>()
                && self.sessions.get(&sid).map(|s| s.generation) == Some(Generation::V09)
            {
                self.close_session(sid, CloseReason::ClientClose);
            }
            self.respond(
                req,
                response(StatusCode::OK, Bytes::new(), HeaderMap::new()),
            );
            return Ok(());
        }
        let session = sid
            .parse::<Sid>()
            .ok()
            .and_then(|sid| Some((sid, self.sessions.get(&sid)?.generation)));
        let sid = match session {
            Some((sid, Generation::V09)) => sid,
            Some(_) => return Err(Refusal::BadRequest),
            None if upgrade => return Err(Refusal::UnknownSid),
            None => {
                self.v09_error(req, meta, ErrorReason::ClientNotHandshaken);
                return Ok(());
            }
        };
        let t = &self.config.transports;
        match transport {
            "websocket" if upgrade && t.websocket => self.v09_take_over(now, req, sid, false),
            "htmlfile" if !upgrade && t.polling && meta.method == Method::GET => {
                self.v09_take_over(now, req, sid, true)
            }
            "htmlfile" if !upgrade && t.polling => {
                self.on_polling_request(now, req, sid, meta, body);
                Ok(())
            }
            "xhr-polling" if !upgrade && t.polling => {
                self.v09_polling(now, req, sid, meta, body, None)
            }
            "jsonp-polling" if !upgrade && t.polling => {
                let i = meta.query_param("i");
                let index = JsonpIndex::parse(i.as_deref().unwrap_or("0"))
                    .map_err(|_| Refusal::BadRequest)?;
                self.v09_polling(now, req, sid, meta, body, Some(index))
            }
            _ if upgrade => Err(Refusal::UnknownTransport),
            _ => {
                self.v09_error(req, meta, ErrorReason::TransportNotSupported);
                Ok(())
            }
        }
    }

    /// A polling request: the session's framing follows the transport the client uses. A
    /// session whose WebSocket took over serves no polling request (as in Engine.IO).
    fn v09_polling(
        &mut self,
        now: Instant,
        req: RequestId,
        sid: Sid,
        meta: &RequestMeta,
        body: HttpBody,
        jsonp: Option<JsonpIndex>,
    ) -> Result<(), Refusal> {
        let session = self.sessions.get_mut(&sid).ok_or(Refusal::UnknownSid)?;
        if matches!(session.transport, Transport::WebSocket { .. }) {
            return Err(Refusal::BadRequest);
        }
        session.encoding = PollEncoding::V09 { jsonp };
        self.v09_keep_alive(now, sid);
        self.on_polling_request(now, req, sid, meta, body);
        Ok(())
    }

    /// The client opens a WebSocket (or, with `stream`, an `htmlfile` page) for its
    /// handshaken session: it takes over at once, with what was queued.
    fn v09_take_over(
        &mut self,
        now: Instant,
        req: RequestId,
        sid: Sid,
        stream: bool,
    ) -> Result<(), Refusal> {
        let session = self.sessions.get_mut(&sid).ok_or(Refusal::UnknownSid)?;
        match session.transport {
            Transport::Polling(poll) if poll.parked.is_none() => {
                if let Some(prev) = poll.inflight {
                    self.inflight.remove(&prev);
                }
            }
            _ => return Err(Refusal::BadRequest),
        }
        let conn = ConnId::from_raw(self.ids.next_raw());
        session.transport = Transport::WebSocket { conn };
        session.outbox.delivered();
        let queued = session.outbox.take_all();
        self.conns.insert(conn, sid);
        if stream {
            session.encoding = PollEncoding::V09Htmlfile;
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=UTF-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            let head = response(
                StatusCode::OK,
                Bytes::from_static(HTMLFILE_PRELUDE.as_bytes()),
                headers,
            );
            self.actions.push_back(Action::StreamResponse {
                req,
                conn,
                response: Box::new(head),
            });
        } else {
            self.actions
                .push_back(Action::AcceptWebSocket { req, conn });
        }
        for frame in queued {
            let frame = if stream { htmlfile_chunk(frame) } else { frame };
            self.actions.push_back(Action::SendWs { conn, frame });
        }
        self.v09_persistent(now, sid);
        Ok(())
    }

    /// Answers a polling request with the 0.9 error packet `7:::<reason>+0` (advice
    /// "reconnect"), in the JSONP wrapping when the request has an index.
    fn v09_error(&mut self, req: RequestId, meta: &RequestMeta, reason: ErrorReason) {
        let packet = Packet::new(PacketBody::Error {
            reason: Some(reason),
            advice: Some(ErrorAdvice::Reconnect),
        });
        let text = packet.encode().unwrap_or_default();
        let index = meta
            .query_param("i")
            .and_then(|i| JsonpIndex::parse(&i).ok());
        let mut headers = self.cors_headers(meta.headers.get(header::ORIGIN));
        let (body, content_type) = match index {
            Some(i) => (
                socketio_proto::v09::jsonp::wrap_response(i, &text),
                socketio_proto::eio::jsonp::CONTENT_TYPE,
            ),
            None => (text.into_bytes(), "text/plain; charset=UTF-8"),
        };
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.respond(req, response(StatusCode::OK, body, headers));
    }
}

#[cfg(test)]
mod tests {
    use super::v09_path;

    #[test]
    fn paths() {
        assert_eq!(v09_path("/socket.io/1/", "/socket.io/"), Some(""));
        assert_eq!(v09_path("/socket.io/1", "/socket.io/"), Some(""));
        assert_eq!(
            v09_path("/socket.io/1/xhr-polling/abc", "/socket.io/"),
            Some("xhr-polling/abc")
        );
        assert_eq!(v09_path("/socket.io/", "/socket.io/"), None);
        assert_eq!(v09_path("/socket.io/12/", "/socket.io/"), None);
        assert_eq!(v09_path("/other/1/", "/socket.io/"), None);
    }
}
