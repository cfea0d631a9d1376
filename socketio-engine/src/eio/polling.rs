//! HTTP long-polling: GETs take queued frames, POSTs bring packets.
//!
//! # Theory of operation
//! - **GET**: proves the previous response arrived (its `inflight` frames are dropped). With
//!   frames queued it is answered at once with as many as fit in `max_http_buffer_size`;
//!   during a probed upgrade it is answered at once with a noop; otherwise it is parked.
//!   A second GET while one is parked is a `TransportError`: node answers it 400 with an
//!   empty body and the parked one gets a close packet.
//! - **POST**: a body past `max_http_buffer_size` → 413 and `PayloadTooLarge`; a binary body
//!   in v4 → 400 and `TransportError`; a JSONP session's body is a form whose `d` field holds
//!   the payload; a malformed payload or form → 400 and `ParseError`; otherwise
//!   each packet is handled in order and the answer is `200 ok` (`text/html`, as node, to
//!   stop some browsers offering a download).
//! - **Other methods** on a session: 500 with an empty body, as node.
//! - **Send**: a frame goes to the outbox; when a GET is parked the session is marked dirty
//!   and answered at the next `poll_action`, so a burst of frames leaves in one response.
//! - **Abort**: a parked GET is forgotten; an answered one puts its frames back in front.

use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use socketio_proto::eio::payload::PayloadLimits;
use socketio_proto::eio::{Frame, Packet};

use crate::action::Action;
use crate::eio::encoding::{PollEncoding, htmlfile_chunk};
use crate::eio::event::{CloseReason, SendError};
use crate::eio::generation::Generation;
use crate::eio::reject::{Refusal, response};
use crate::eio::server::{EioServer, InFlight, Parked};
use crate::eio::session::Transport;
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{RequestId, Sid};

impl EioServer {
    pub(crate) fn on_polling_request(
        &mut self,
        now: Instant,
        req: RequestId,
        sid: Sid,
        meta: &RequestMeta,
        body: HttpBody,
    ) {
        let origin = meta.headers.get(header::ORIGIN).cloned();
        match meta.method {
            Method::GET => self.on_poll_get(now, req, sid, origin),
            Method::POST => self.on_poll_post(now, req, sid, meta, origin.as_ref(), body),
            _ => self.respond(
                req,
                response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Bytes::new(),
                    HeaderMap::new(),
                ),
            ),
        }
    }

    fn on_poll_get(&mut self, now: Instant, req: RequestId, sid: Sid, origin: Option<HeaderValue>) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let (previous, probed) = match &mut session.transport {
            Transport::Polling(p) => (p, false),
            Transport::Upgrading { poll, probed, .. } => (poll, *probed),
            Transport::Closing { inflight } => {
                // The last GET of a closing session: what is left, then the close packet.
                let prev = inflight.take();
                let mut frames = session.outbox.take_all();
                frames.push(session.generation.encode(Packet::Close));
                let (generation, encoding) = (session.generation, session.encoding);
                if let Some(prev) = prev {
                    self.inflight.remove(&prev);
                }
                let res = self.payload_response(generation, encoding, origin.as_ref(), &frames);
                self.respond(req, res);
                let _ = self.remove_session(sid);
                return;
            }
            Transport::WebSocket { .. } => return,
        };
        if previous.parked.is_some() {
            // Overlapping GETs: the client broke the one-GET rule.
            self.respond(
                req,
                response(StatusCode::BAD_REQUEST, Bytes::new(), HeaderMap::new()),
            );
            self.close_session(sid, CloseReason::TransportError);
            return;
        }
        if let Some(prev) = previous.inflight.take() {
            self.inflight.remove(&prev);
            session.outbox.delivered();
        }
        previous.parked = Some(req);
        let v09 = session.generation == Generation::V09;
        let queued = !session.outbox.is_empty();
        self.parked.insert(req, Parked { sid, origin });
        if queued {
            self.flush_polling(sid);
        } else if probed {
            self.release_with_noop(sid);
        } else if v09 {
            self.v09_poll_parked(now, sid);
        }
    }

    fn on_poll_post(
        &mut self,
        now: Instant,
        req: RequestId,
        sid: Sid,
        meta: &RequestMeta,
        origin: Option<&HeaderValue>,
        body: HttpBody,
    ) {
        let Some(session) = self.sessions.get(&sid) else {
            return;
        };
        let (generation, encoding, closing) = (
            session.generation,
            session.encoding,
            matches!(session.transport, Transport::Closing { .. }),
        );
        let body = match body {
            HttpBody::Complete(body) => body,
            HttpBody::TooLarge => {
                self.respond(
                    req,
                    response(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        Bytes::new(),
                        HeaderMap::new(),
                    ),
                );
                self.close_session(sid, CloseReason::PayloadTooLarge);
                return;
            }
        };
        if closing {
            // node drops packets of a closing session but still says "ok".
            self.respond_ok(req, origin);
            return;
        }
        let binary = meta
            .headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == b"application/octet-stream");
        if binary && generation == Generation::Eio4 {
            self.respond(
                req,
                Refusal::BadRequest.to_http_response(self.cors_headers(origin)),
            );
            self.close_session(sid, CloseReason::TransportError);
            return;
        }
        let limits = PayloadLimits {
            max_packets: self.config.max_payload_packets,
        };
        let Some(packets) = encoding.decode_body(generation, binary, body, &limits) else {
            self.respond(
                req,
                Refusal::BadRequest.to_http_response(self.cors_headers(origin)),
            );
            self.close_session(sid, CloseReason::ParseError);
            return;
        };
        for packet in packets {
            if !self.on_packet(now, sid, packet) {
                break;
            }
        }
        self.respond_ok(req, origin);
    }

    fn respond_ok(&mut self, req: RequestId, origin: Option<&HeaderValue>) {
        let mut headers = self.cors_headers(origin);
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        self.respond(
            req,
            response(StatusCode::OK, Bytes::from_static(b"ok"), headers),
        );
    }

    /// The send path: WebSocket frames leave at once; polling frames wait in the outbox.
    pub(crate) fn enqueue(&mut self, sid: Sid, frame: Frame) -> Result<(), SendError> {
        let session = self
            .sessions
            .get_mut(&sid)
            .ok_or(SendError::UnknownSession(sid))?;
        let parked = match &session.transport {
            Transport::WebSocket { conn } => {
                let frame = match session.encoding {
                    PollEncoding::V09Htmlfile => htmlfile_chunk(frame),
                    _ => frame,
                };
                self.actions
                    .push_back(Action::SendWs { conn: *conn, frame });
                return Ok(());
            }
            Transport::Closing { .. } => return Err(SendError::Closing(sid)),
            Transport::Polling(p) | Transport::Upgrading { poll: p, .. } => p.parked.is_some(),
        };
        let was_empty = session.outbox.is_empty();
        if !session.outbox.push(frame, self.config.max_outbox_bytes) {
            self.close_session(sid, CloseReason::BufferFull);
            return Err(SendError::BufferFull(sid));
        }
        if parked && was_empty {
            self.dirty.push(sid);
        }
        Ok(())
    }

    /// Answers the parked GET of `sid` with queued frames, if both exist.
    pub(crate) fn flush_polling(&mut self, sid: Sid) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let Some(poll) = session.transport.poll_mut() else {
            return;
        };
        if session.outbox.is_empty() {
            return;
        }
        let Some(req) = poll.parked.take() else {
            return;
        };
        let frames = session.outbox.take_up_to(self.config.max_http_buffer_size);
        session.outbox.hold_in_flight(&frames);
        poll.inflight = Some(req);
        let (generation, encoding) = (session.generation, session.encoding);
        let origin = self.parked.remove(&req).and_then(|p| p.origin);
        let res = self.payload_response(generation, encoding, origin.as_ref(), &frames);
        self.respond(req, res);
        self.inflight.insert(req, InFlight { sid, frames });
    }

    /// Answers the parked GET of `sid` (if any) with a noop: frees the client to pause
    /// polling during an upgrade, or ends a poll that the session no longer needs.
    pub(crate) fn release_with_noop(&mut self, sid: Sid) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let (generation, encoding) = (session.generation, session.encoding);
        let Some(req) = session.transport.poll_mut().and_then(|p| p.parked.take()) else {
            return;
        };
        let noop = generation.encode(Packet::Noop);
        let origin = self.parked.remove(&req).and_then(|p| p.origin);
        let res = self.payload_response(
            generation,
            encoding,
            origin.as_ref(),
            std::slice::from_ref(&noop),
        );
        self.respond(req, res);
    }

    pub(crate) fn on_http_aborted(&mut self, req: RequestId) {
        if let Some(parked) = self.parked.remove(&req) {
            if let Some(p) = self
                .sessions
                .get_mut(&parked.sid)
                .and_then(|s| s.transport.poll_mut())
                && p.parked == Some(req)
            {
                p.parked = None;
            }
            return;
        }
        let Some(lost) = self.inflight.remove(&req) else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&lost.sid) else {
            return;
        };
        let inflight = match &mut session.transport {
            Transport::Polling(p) | Transport::Upgrading { poll: p, .. } => &mut p.inflight,
            Transport::Closing { inflight } => inflight,
            Transport::WebSocket { .. } => return,
        };
        if *inflight == Some(req) {
            *inflight = None;
            session.outbox.unshift_all(lost.frames);
        }
    }

    /// A 200 response carrying `frames` as one payload in the session's format.
    pub(crate) fn payload_response(
        &self,
        generation: Generation,
        encoding: PollEncoding,
        origin: Option<&HeaderValue>,
        frames: &[Frame],
    ) -> http::Response<Bytes> {
        let (body, content_type) = encoding.encode(generation, frames);
        let mut headers = self.cors_headers(origin);
        headers.insert(header::CONTENT_TYPE, content_type);
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response(StatusCode::OK, body, headers)
    }
}
