//! Opening a session: a GET without `sid`, over polling or straight over WebSocket.
//!
//! Polling: the handshake GET is answered at once with the open packet (and the sid cookie
//! when configured). WebSocket: the request is accepted, then the open packet is the first
//! frame. Either way `Open` is dispatched after the open packet is queued, and the first
//! ping is due one `ping_interval` later (v4).

use std::time::Instant;

use http::header;
use socketio_proto::eio::{Handshake, ProtocolVersion};

use crate::action::Action;
use crate::eio::encoding::PollEncoding;
use crate::eio::event::EioEvent;
use crate::eio::outbox::Outbox;
use crate::eio::routing::TransportKind;
use crate::eio::server::EioServer;
use crate::eio::session::{HandshakeInfo, PollState, Session, Transport};
use crate::http::RequestMeta;
use crate::ids::{ConnId, RequestId};

/// Milliseconds in a duration, saturating (the config is user input).
fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl EioServer {
    pub(crate) fn open_session(
        &mut self,
        now: Instant,
        req: RequestId,
        meta: &RequestMeta,
        version: ProtocolVersion,
        transport: TransportKind,
        encoding: PollEncoding,
    ) {
        let sid = loop {
            // 120 random bits collide never in practice; the loop makes it certain.
            let sid = self.sids.next_sid();
            if !self.sessions.contains_key(&sid) {
                break sid;
            }
        };
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
            max_payload: match version {
                ProtocolVersion::V4 => {
                    Some(u64::try_from(self.config.max_http_buffer_size).unwrap_or(u64::MAX))
                }
                ProtocolVersion::V3 => None,
            },
        };
        let open = handshake.to_packet().encode(version);
        let info = Box::new(HandshakeInfo::from_request(meta, now, version));
        match transport {
            TransportKind::Polling => {
                let mut res = self.payload_response(
                    version,
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
                self.sessions.insert(
                    sid,
                    Session {
                        version,
                        encoding,
                        transport: Transport::Polling(PollState::default()),
                        outbox: Outbox::default(),
                        info,
                    },
                );
            }
            TransportKind::WebSocket => {
                let conn = ConnId::from_raw(self.ids.next_raw());
                self.actions
                    .push_back(Action::AcceptWebSocket { req, conn });
                self.actions.push_back(Action::SendWs { conn, frame: open });
                self.conns.insert(conn, sid);
                self.sessions.insert(
                    sid,
                    Session {
                        version,
                        encoding,
                        transport: Transport::WebSocket { conn },
                        outbox: Outbox::default(),
                        info,
                    },
                );
            }
        }
        self.dispatch(EioEvent::Open { sid });
        self.start_heartbeat(now, sid, version);
    }
}
