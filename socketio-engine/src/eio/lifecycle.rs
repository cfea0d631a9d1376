//! Ending sessions, and the packet rules shared by both transports.
//!
//! # Theory of operation
//! - Every way a session ends goes through `remove_session`, which announces it with
//!   [`Action::SessionEnded`] (a driver may be reading a POST of that session).
//! - A peer fault or a vanished transport closes the session at once
//!   ([`EioServer::close_session`]): timers are cancelled, a parked GET gets a close packet
//!   (a noop when the client itself asked to close, as node), the WebSocket is closed unless
//!   it is already gone, queued frames are dropped, and `Close` is dispatched last.
//! - A server close ([`EioServer::server_close`]) first delivers what is queued: on a
//!   WebSocket that already happened, so it closes at once; a polling session with a GET
//!   parked answers it with the queue plus a close packet; without one it turns `Closing`
//!   and waits for the next GET (at most `polling_close_timeout`).
//! - Client packets ([`EioServer::on_packet`]): messages are dispatched; a pong re-arms the
//!   heartbeat (v4), a ping is answered (v3) or is a `TransportError` (v4, node's "invalid
//!   heartbeat direction"); close ends the session; open, upgrade and noop are ignored, as
//!   node ignores them outside an upgrade. In v4, the first packet other than a pong while a
//!   pong is awaited first refreshes the pong deadline (see `heartbeat.rs`).

use std::time::Instant;

use socketio_proto::eio::{Message, Packet, ProtocolVersion};

use crate::action::Action;
use crate::eio::event::{CloseReason, EioEvent};
use crate::eio::server::{EioServer, EioTimer};
use crate::eio::session::{PongWait, Session, Transport};
use crate::ids::Sid;
use crate::timer::after;

impl EioServer {
    /// Handles one packet from the client; returns false when the session is gone.
    pub(crate) fn on_packet(&mut self, now: Instant, sid: Sid, packet: Packet) -> bool {
        let Some(session) = self.sessions.get(&sid) else {
            return false;
        };
        let version = session.generation.codec();
        if session.pong_wait == PongWait::Awaiting && !matches!(packet, Packet::Pong(_)) {
            self.maybe_refresh_pong_deadline(now, sid);
        }
        match (packet, version) {
            (Packet::Message(message), _) => {
                if let Some(stats) = &mut self.stats {
                    stats.packets_in += 1;
                    stats.bytes_in += match &message {
                        Message::Text(t) => t.as_bytes().len(),
                        Message::Binary(b) => b.len(),
                    } as u64;
                }
                self.dispatch(EioEvent::Message { sid, message });
            }
            (Packet::Pong(_), ProtocolVersion::V4) => self.on_pong(now, sid),
            (Packet::Ping(_), ProtocolVersion::V3) => self.on_v3_ping(now, sid),
            (Packet::Ping(_) | Packet::Pong(_), _) => {
                self.close_session(sid, CloseReason::TransportError);
                return false;
            }
            (Packet::Close, _) => {
                self.close_session(sid, CloseReason::ClientClose);
                return false;
            }
            (Packet::Open(_) | Packet::Upgrade | Packet::Noop, _) => {}
        }
        true
    }

    /// Closes `sid` at once for `reason` and dispatches `Close`.
    pub(crate) fn close_session(&mut self, sid: Sid, reason: CloseReason) {
        let Some(session) = self.remove_session(sid) else {
            return;
        };
        match session.transport {
            Transport::Polling(poll) | Transport::Upgrading { poll, .. } => {
                if let Some(req) = poll.parked {
                    let last = match reason {
                        CloseReason::ClientClose => Packet::Noop,
                        _ => Packet::Close,
                    };
                    let last = session.generation.encode(last);
                    let origin = self.parked.remove(&req).and_then(|p| p.origin);
                    let res = self.payload_response(
                        session.generation,
                        session.encoding,
                        origin.as_ref(),
                        std::slice::from_ref(&last),
                    );
                    self.respond(req, res);
                }
            }
            Transport::WebSocket { conn } => {
                if reason != CloseReason::TransportClose {
                    self.actions.push_back(Action::CloseWs { conn });
                }
            }
            Transport::Closing { .. } => return, // `Close` was dispatched when closing began
        }
        self.dispatch(EioEvent::Close { sid, reason });
    }

    /// Removes `sid` and everything pointing at it (timers, probe connection, request
    /// maps) and tells the driver it ended; returns the session so the caller can settle its
    /// transport.
    pub(crate) fn remove_session(&mut self, sid: Sid) -> Option<Session> {
        let session = self.sessions.remove(&sid)?;
        self.actions.push_back(Action::SessionEnded { sid });
        for kind in EioTimer::ALL {
            self.timers.cancel(sid, kind);
        }
        match &session.transport {
            Transport::Upgrading { poll, probe, .. } => {
                self.conns.remove(probe);
                self.actions.push_back(Action::CloseWs { conn: *probe });
                if let Some(req) = poll.inflight {
                    self.inflight.remove(&req);
                }
            }
            Transport::Polling(poll) => {
                if let Some(req) = poll.inflight {
                    self.inflight.remove(&req);
                }
            }
            Transport::WebSocket { conn } => {
                self.conns.remove(conn);
            }
            Transport::Closing { inflight } => {
                if let Some(req) = inflight {
                    self.inflight.remove(req);
                }
            }
        }
        Some(session)
    }

    /// A server-side close; see the module docs.
    pub(crate) fn server_close(&mut self, now: Instant, sid: Sid) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let poll = match &session.transport {
            Transport::Closing { .. } => return,
            Transport::WebSocket { .. } => {
                self.close_session(sid, CloseReason::ServerClose);
                return;
            }
            Transport::Polling(poll) | Transport::Upgrading { poll, .. } => *poll,
        };
        if let Some(req) = poll.parked {
            // Deliver the queue and the close packet on the parked GET.
            let mut frames = session.outbox.take_all();
            frames.push(session.generation.encode(Packet::Close));
            let (generation, encoding) = (session.generation, session.encoding);
            let _ = self.remove_session(sid);
            let origin = self.parked.remove(&req).and_then(|p| p.origin);
            let res = self.payload_response(generation, encoding, origin.as_ref(), &frames);
            self.respond(req, res);
            self.dispatch(EioEvent::Close {
                sid,
                reason: CloseReason::ServerClose,
            });
            return;
        }
        // No GET to carry the close packet: wait for the next one.
        if let Transport::Upgrading { probe, .. } = session.transport {
            self.conns.remove(&probe);
            self.actions.push_back(Action::CloseWs { conn: probe });
        }
        session.transport = Transport::Closing {
            inflight: poll.inflight,
        };
        self.timers.cancel(sid, EioTimer::PingDue);
        self.timers.cancel(sid, EioTimer::PongDeadline);
        self.timers.cancel(sid, EioTimer::UpgradeDeadline);
        self.timers.set(
            sid,
            EioTimer::CloseDeadline,
            after(now, self.config.polling_close_timeout),
        );
        self.dispatch(EioEvent::Close {
            sid,
            reason: CloseReason::ServerClose,
        });
    }
}
