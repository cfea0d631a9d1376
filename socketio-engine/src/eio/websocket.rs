//! WebSocket traffic: one Engine.IO packet per message.
//!
//! A message on a session's established WebSocket is decoded for the session's version
//! (text or binary as received) and handled by the shared packet rules; bytes that are not a
//! packet close the session with `ParseError`, a message past `max_http_buffer_size` with
//! `PayloadTooLarge` (node's `ws` `maxPayload`). Messages on a probe connection go to the
//! upgrade rules. A closed connection ends its session (`TransportClose`) or its upgrade.

use std::time::Instant;

use socketio_proto::eio::Packet;

use crate::action::WsMessage;
use crate::eio::event::CloseReason;
use crate::eio::generation::Generation;
use crate::eio::server::EioServer;
use crate::eio::session::Transport;
use crate::ids::ConnId;

impl EioServer {
    pub(crate) fn on_ws_message(&mut self, now: Instant, conn: ConnId, msg: WsMessage) {
        let Some(&sid) = self.conns.get(&conn) else {
            return;
        };
        let Some(session) = self.sessions.get(&sid) else {
            return;
        };
        let generation = session.generation;
        let is_probe =
            matches!(session.transport, Transport::Upgrading { probe, .. } if probe == conn);
        let size = match &msg {
            WsMessage::Text(t) => t.len(),
            WsMessage::Binary(b) => b.len(),
        };
        let decoded = if size > self.config.max_http_buffer_size {
            None
        } else {
            match (msg, generation) {
                // One 0.9 packet per message, as the reference client sends them.
                (WsMessage::Text(t), Generation::V09) => Some(Generation::v09_inbound(t)),
                (WsMessage::Binary(_), Generation::V09) => None,
                (WsMessage::Text(t), g) => Packet::decode_text(g.codec(), t).ok(),
                (WsMessage::Binary(b), g) => Packet::decode_binary(g.codec(), b).ok(),
            }
        };
        if is_probe {
            self.on_probe_packet(sid, conn, decoded);
            return;
        }
        match decoded {
            Some(packet) => {
                let _ = self.on_packet(now, sid, packet);
            }
            None if size > self.config.max_http_buffer_size => {
                self.close_session(sid, CloseReason::PayloadTooLarge);
            }
            None => self.close_session(sid, CloseReason::ParseError),
        }
    }

    pub(crate) fn on_ws_closed(&mut self, _now: Instant, conn: ConnId) {
        let Some(sid) = self.conns.remove(&conn) else {
            return;
        };
        let Some(session) = self.sessions.get(&sid) else {
            return;
        };
        match session.transport {
            Transport::WebSocket { conn: c } if c == conn => {
                self.close_session(sid, CloseReason::TransportClose);
            }
            Transport::Upgrading { probe, .. } if probe == conn => {
                self.abandon_upgrade(sid, false);
            }
            _ => {}
        }
    }
}
