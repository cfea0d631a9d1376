//! Upgrading a polling session to WebSocket.
//!
//! # Theory of operation
//! 1. A WebSocket request naming a `Polling` session is accepted as a probe
//!    (`AcceptWebSocket`) and `UpgradeDeadline` is armed. In any other state (already
//!    upgrading, upgraded, closing) or with `allow_upgrades = false`, the WebSocket is
//!    accepted under a fresh `ConnId` the session never learns about and closed at once
//!    (`AcceptWebSocket` then `CloseWs`): node's `onWebSocket` completes the handshake and
//!    calls `websocket.close()`, so clients see a close (1005, no status), not an HTTP
//!    error, and the session and its transport are untouched.
//! 2. `2probe` on the probe → `3probe` on the probe, and the parked GET (if any) is released
//!    with a noop so the client can pause polling; later GETs with nothing queued are
//!    released at once the same way.
//! 3. `5` on the probe → the session is `WebSocket`: a GET still parked gets a noop, the
//!    outbox is flushed on the WebSocket in order, and from then on frames go there.
//!    Frames queued during the upgrade went out either on a GET or in this flush, exactly
//!    once and in order, because both take from the same queue.
//! 4. Anything else on the probe, garbage, the probe closing, or the deadline: the probe is
//!    closed (unless already gone) and the session goes on polling.

use socketio_proto::eio::Packet;

use crate::action::Action;
use crate::eio::reject::Refusal;
use crate::eio::server::{EioServer, EioTimer};
use crate::eio::session::{PollState, Transport};
use crate::ids::{ConnId, RequestId, Sid};
use crate::timer::after;

impl EioServer {
    pub(crate) fn on_upgrade_request(
        &mut self,
        now: std::time::Instant,
        req: RequestId,
        sid: Sid,
    ) -> Result<(), Refusal> {
        let session = self.sessions.get_mut(&sid).ok_or(Refusal::UnknownSid)?;
        let poll = match session.transport {
            Transport::Polling(poll) if self.config.allow_upgrades => poll,
            _ => {
                self.accept_and_close(req);
                return Ok(());
            }
        };
        let conn = ConnId::from_raw(self.ids.next_raw());
        session.transport = Transport::Upgrading {
            poll,
            probe: conn,
            probed: false,
        };
        self.conns.insert(conn, sid);
        self.actions
            .push_back(Action::AcceptWebSocket { req, conn });
        self.timers.set(
            sid,
            EioTimer::UpgradeDeadline,
            after(now, self.config.upgrade_timeout),
        );
        Ok(())
    }

    /// Completes the WebSocket handshake of `req` and closes the connection at once, as
    /// node does for a WebSocket it will not use (`websocket.close()` in `onWebSocket`):
    /// no packet is sent, and the fresh `ConnId` is never registered, so nothing the
    /// driver later reports for it reaches a session.
    pub(crate) fn accept_and_close(&mut self, req: RequestId) {
        let conn = ConnId::from_raw(self.ids.next_raw());
        self.actions
            .push_back(Action::AcceptWebSocket { req, conn });
        self.actions.push_back(Action::CloseWs { conn });
    }

    /// A message on the probe connection; `None` when it was not a packet.
    pub(crate) fn on_probe_packet(&mut self, sid: Sid, conn: ConnId, packet: Option<Packet>) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let generation = session.generation;
        match packet {
            Some(Packet::Ping(data)) if data.as_str() == "probe" => {
                if let Transport::Upgrading { probed, .. } = &mut session.transport {
                    *probed = true;
                }
                let pong = generation.encode(Packet::Pong(data));
                self.actions.push_back(Action::SendWs { conn, frame: pong });
                if session.outbox.is_empty() {
                    self.release_with_noop(sid);
                }
            }
            Some(Packet::Upgrade) => self.complete_upgrade(sid, conn),
            _ => self.abandon_upgrade(sid, true),
        }
    }

    fn complete_upgrade(&mut self, sid: Sid, conn: ConnId) {
        self.timers.cancel(sid, EioTimer::UpgradeDeadline);
        self.release_with_noop(sid);
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let old = std::mem::replace(&mut session.transport, Transport::WebSocket { conn });
        if let Transport::Upgrading { poll, .. } = old {
            // The client finished its last poll before sending "5": that response arrived.
            if let Some(req) = poll.inflight {
                self.inflight.remove(&req);
            }
        }
        session.outbox.delivered();
        for frame in session.outbox.take_all() {
            self.actions.push_back(Action::SendWs { conn, frame });
        }
    }

    /// Gives up the upgrade of `sid`, closing the probe if `close_probe`; polling goes on.
    pub(crate) fn abandon_upgrade(&mut self, sid: Sid, close_probe: bool) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        let Transport::Upgrading { poll, probe, .. } = session.transport else {
            return;
        };
        session.transport = Transport::Polling(PollState { ..poll });
        self.timers.cancel(sid, EioTimer::UpgradeDeadline);
        self.conns.remove(&probe);
        if close_probe {
            self.actions.push_back(Action::CloseWs { conn: probe });
        }
    }

    /// `UpgradeDeadline` fired.
    pub(crate) fn cancel_upgrade(&mut self, sid: Sid) {
        self.abandon_upgrade(sid, true);
    }
}
