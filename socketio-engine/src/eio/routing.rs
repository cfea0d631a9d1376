//! Request routing and validation, in the order node's `engine.io` checks (`verify`):
//!
//! 1. path: not under `config.path` → 404 (node hands such requests to other listeners);
//! 2. CORS preflight: `OPTIONS` with CORS configured → 204 and the preflight headers;
//! 3. `transport` missing, unknown or disabled → code 0;
//! 4. with a `sid`: unknown → code 1; a plain request whose transport differs from the
//!    session's → code 3; a WebSocket upgrade naming `transport=polling` → accepted and
//!    closed at once; then to the session (polling request or WebSocket upgrade);
//! 5. without a `sid` (a handshake): not GET → code 2; `transport=websocket` without an
//!    upgrade → code 3; `allow_request` refuses → code 4; a WebSocket upgrade naming
//!    `transport=polling` → accepted and closed at once, no session; `EIO` not 4 (or 3 when
//!    allowed) → code 5; a JSONP index `j` that is not a number → code 3; `max_sessions`
//!    reached → 503; else a new session.
//!
//! "Accepted and closed" is node's `onWebSocket` answering a WebSocket it will not use:
//! `ws` completes the handshake (101), then `websocket.close()` sends a close frame without
//! a status. Clients see a close, not an HTTP error (see `upgrade.rs`).
//!
//! A path under `{path}1/` is a Socket.IO 0.9 request and follows the 0.9 rules (`v09`).
//!
//! The `Origin` header check of node needs no code here: `http::HeaderValue` cannot hold
//! the control characters node looks for.

use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::eio::encoding::PollEncoding;
use crate::eio::generation::Generation;
use crate::eio::reject::{Refusal, response};
use crate::eio::server::EioServer;
use crate::eio::v09::v09_path;
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{RequestId, Sid};

/// The transports a request can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransportKind {
    Polling,
    WebSocket,
}

impl EioServer {
    pub(crate) fn route(
        &mut self,
        now: Instant,
        req: RequestId,
        meta: RequestMeta,
        body: HttpBody,
    ) {
        if !meta.uri.path().starts_with(self.config.path.as_str()) {
            self.respond(
                req,
                response(StatusCode::NOT_FOUND, Bytes::new(), HeaderMap::new()),
            );
            return;
        }
        let upgrade = meta.is_websocket_upgrade();
        if !upgrade
            && meta.method == Method::OPTIONS
            && let Some(cors) = &self.config.cors
        {
            let mut headers = HeaderMap::new();
            cors.apply_preflight(&meta.headers, &mut headers);
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
            self.respond(req, response(StatusCode::NO_CONTENT, Bytes::new(), headers));
            return;
        }
        if let Err(refusal) = self.verify_and_dispatch(now, req, &meta, body, upgrade) {
            let res = if upgrade {
                refusal.to_upgrade_response()
            } else {
                refusal.to_http_response(self.cors_headers(meta.headers.get(header::ORIGIN)))
            };
            self.respond(req, res);
        }
    }

    /// Validates the request and hands it on; an `Err` is answered by the caller.
    fn verify_and_dispatch(
        &mut self,
        now: Instant,
        req: RequestId,
        meta: &RequestMeta,
        body: HttpBody,
        upgrade: bool,
    ) -> Result<(), Refusal> {
        if let Some(rest) = v09_path(meta.uri.path(), &self.config.path) {
            if !self.config.allow_v09 {
                return Err(Refusal::UnsupportedProtocolVersion);
            }
            return self.route_v09(now, req, meta, body, upgrade, rest);
        }
        let transport = match meta.query_param("transport").as_deref() {
            Some("polling") if self.config.transports.polling => TransportKind::Polling,
            Some("websocket") if self.config.transports.websocket => TransportKind::WebSocket,
            _ => return Err(Refusal::UnknownTransport),
        };
        if let Some(sid) = meta.query_param("sid") {
            let sid: Sid = sid.parse().map_err(|_| Refusal::UnknownSid)?;
            let session = self.sessions.get(&sid).ok_or(Refusal::UnknownSid)?;
            let current = session.transport.name();
            let asked = match transport {
                TransportKind::Polling => "polling",
                TransportKind::WebSocket => "websocket",
            };
            if upgrade {
                if transport != TransportKind::WebSocket {
                    // node accepts the socket, then closes it: polling cannot take an upgrade.
                    self.accept_and_close(req);
                    return Ok(());
                }
                return self.on_upgrade_request(now, req, sid);
            }
            if current != asked {
                return Err(Refusal::BadRequest);
            }
            if transport == TransportKind::WebSocket {
                // A plain HTTP request naming a WebSocket session: nothing can serve it.
                return Err(Refusal::BadRequest);
            }
            self.on_polling_request(now, req, sid, meta, body);
            return Ok(());
        }
        if meta.method != Method::GET {
            return Err(Refusal::BadHandshakeMethod);
        }
        if transport == TransportKind::WebSocket && !upgrade {
            return Err(Refusal::BadRequest);
        }
        self.check_allow_request(meta)?;
        if upgrade && transport == TransportKind::Polling {
            // node's `onWebSocket`: the polling transport does not handle upgrades, so the
            // WebSocket is completed and closed before any handshake (whatever `EIO` says).
            self.accept_and_close(req);
            return Ok(());
        }
        let generation = match meta.query_param("EIO").as_deref() {
            Some("4") => Generation::Eio4,
            Some("3") if self.config.allow_eio3 => Generation::Eio3,
            _ => return Err(Refusal::UnsupportedProtocolVersion),
        };
        let encoding = match transport {
            TransportKind::Polling => PollEncoding::from_handshake(meta)?,
            TransportKind::WebSocket => PollEncoding::Binary,
        };
        if self.sessions.len() >= self.config.max_sessions {
            return Err(Refusal::TooManySessions);
        }
        self.open_session(now, req, meta, generation, transport, encoding);
        Ok(())
    }

    /// The application's `allow_request` decision on a handshake.
    pub(crate) fn check_allow_request(&self, meta: &RequestMeta) -> Result<(), Refusal> {
        match &self.config.allow_request {
            Some(hook) => {
                hook(meta).map_err(|(status, message)| Refusal::Forbidden { status, message })
            }
            None => Ok(()),
        }
    }

    /// The CORS headers of an ordinary response to a request with this `Origin`.
    pub(crate) fn cors_headers(&self, origin: Option<&HeaderValue>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(cors) = &self.config.cors {
            cors.apply(origin, &mut headers);
        }
        headers
    }
}
