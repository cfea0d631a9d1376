//! Opening a session: a GET without `sid`, over polling or straight over WebSocket.
//!
//! Polling: the handshake GET is answered at once with the open packet (and the sid cookie
//! when configured). WebSocket: the request is accepted, then the open packet is the first
//! frame. Either way `Open` is dispatched after the open packet is queued, and the first
//! ping is due one `ping_interval` later (v4).

use std::time::Instant;

use http::{HeaderValue, StatusCode, header};
use socketio_proto::eio::Handshake;
use socketio_proto::eio::jsonp::JsonpIndex;
use socketio_proto::{Str, v09};

use crate::action::Action;
use crate::eio::encoding::PollEncoding;
use crate::eio::event::EioEvent;
use crate::eio::generation::Generation;
use crate::eio::outbox::Outbox;
use crate::eio::reject::{Refusal, response};
use crate::eio::routing::TransportKind;
use crate::eio::server::EioServer;
use crate::eio::session::{HandshakeInfo, PollState, PongWait, Session, Transport};
use crate::http::RequestMeta;
use crate::ids::{ConnId, RequestId, Sid};

/// Milliseconds in a duration, saturating (the config is user input).
fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl EioServer {
    /// A fresh session id: 120 random bits never collide in practice; the loop makes it
    /// certain.
    fn new_sid(&mut self) -> Sid {
        loop {
            let sid = self.sids.next_sid();
            if !self.sessions.contains_key(&sid) {
                return sid;
            }
        }
    }

    /// Registers a new session, reports `Open` and starts its heartbeat.
    fn insert_session(&mut self, now: Instant, sid: Sid, session: Session) {
        let generation = session.generation;
        self.sessions.insert(sid, session);
        self.dispatch(EioEvent::Open { sid });
        self.start_heartbeat(now, sid, generation);
    }

    pub(crate) fn open_session(
        &mut self,
        now: Instant,
        req: RequestId,
        meta: &RequestMeta,
        generation: Generation,
        transport: TransportKind,
        encoding: PollEncoding,
    ) {
        let sid = self.new_sid();
        let upgrades = match transport {
            TransportKind::Polling
                if self.config.allow_upgrades && self.config.transports.websocket =>
            {
                vec!["websocket".to_owned()]
            }
            _ => Vec::new(),
        };
        let handshake = Handshake {
            sid: sid.to_string(),
            upgrades,
            ping_interval: millis(self.config.ping_interval),
            ping_timeout: millis(self.config.ping_timeout),
            max_payload: match generation {
                Generation::Eio4 => {
                    Some(u64::try_from(self.config.max_http_buffer_size).unwrap_or(u64::MAX))
                }
                _ => None,
            },
        };
        let open = generation.encode(handshake.to_packet());
        let info = Box::new(HandshakeInfo::from_request(meta, now, generation));
        let transport = match transport {
            TransportKind::Polling => {
                let mut res = self.payload_response(
                    generation,
                    encoding,
                    meta.headers.get(header::ORIGIN),
                    std::slice::from_ref(&open),
                );
                if let Some(cookie) = self
                    .config
                    .cookie
                    .as_ref()
                    .and_then(|c| c.header_value(sid))
                {
                    res.headers_mut().insert(header::SET_COOKIE, cookie);
                }
                self.respond(req, res);
                Transport::Polling(PollState::default())
            }
            TransportKind::WebSocket => {
                let conn = ConnId::from_raw(self.ids.next_raw());
                self.actions
                    .push_back(Action::AcceptWebSocket { req, conn });
                self.actions.push_back(Action::SendWs { conn, frame: open });
                self.conns.insert(conn, sid);
                Transport::WebSocket { conn }
            }
        };
        let session = Session {
            generation,
            pong_wait: PongWait::Idle,
            encoding,
            transport,
            outbox: Outbox::default(),
            info,
        };
        self.insert_session(now, sid, session);
    }

    /// A Socket.IO 0.9 handshake (`{path}1/`): answered `sid:heartbeat:close:transports`, or
    /// with `jsonp=<i>` the script `io.j[i]("...");`. The session then waits, as a polling
    /// session with nothing parked, for the client to open the transport it picked. Both
    /// timeouts announced are `ping_interval + ping_timeout` rounded up to seconds: the client
    /// reconnects when no heartbeat came within them, and this server sends one every
    /// `ping_interval`.
    pub(crate) fn open_v09_session(
        &mut self,
        now: Instant,
        req: RequestId,
        meta: &RequestMeta,
    ) -> Result<(), Refusal> {
        let jsonp = match meta.query_param("jsonp") {
            Some(j) => Some(JsonpIndex::parse(&j).map_err(|_| Refusal::BadRequest)?),
            None => None,
        };
        if self.sessions.len() >= self.config.max_sessions {
            return Err(Refusal::TooManySessions);
        }
        let sid = self.new_sid();
        let timeout = self.silence_limit().as_millis().div_ceil(1000);
        let timeout = u64::try_from(timeout).unwrap_or(u64::MAX);
        let t = &self.config.transports;
        let transports = [
            (t.websocket, "websocket"),
            (t.polling, "htmlfile"),
            (t.polling, "xhr-polling"),
            (t.polling, "jsonp-polling"),
        ]
        .into_iter()
        .filter(|&(on, _)| on)
        .map(|(_, name)| Str::from_static(name))
        .collect();
        let handshake = v09::Handshake {
            sid: Str::from(sid.to_string()),
            heartbeat_timeout: Some(timeout),
            close_timeout: Some(timeout),
            transports,
        };
        // A sid is never empty and holds no `:`, and the names are fixed: encoding succeeds.
        let body = handshake.encode().map_err(|_| Refusal::BadRequest)?;
        let mut headers = self.cors_headers(meta.headers.get(header::ORIGIN));
        let body = match jsonp {
            Some(index) => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(socketio_proto::eio::jsonp::CONTENT_TYPE),
                );
                v09::jsonp::wrap_response(index, &body)
            }
            None => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=UTF-8"),
                );
                body.into_bytes()
            }
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        self.respond(req, response(StatusCode::OK, body, headers));
        let session = Session {
            generation: Generation::V09,
            pong_wait: PongWait::Idle,
            encoding: PollEncoding::V09 { jsonp: None },
            transport: Transport::Polling(PollState::default()),
            outbox: Outbox::default(),
            info: Box::new(HandshakeInfo::from_request(meta, now, Generation::V09)),
        };
        self.insert_session(now, sid, session);
        Ok(())
    }
}
