//! Heartbeat and the timers of a session.
//!
//! # Theory of operation
//! v4 (server pings): `PingDue` fires one `ping_interval` after the handshake; a ping is
//! sent and `PongDeadline` armed `ping_timeout` later. A pong cancels the deadline and
//! re-arms `PingDue` one interval after the pong (node refreshes its interval timer then).
//! A missed deadline closes the session with `PingTimeout`. Exactly one of the two timers
//! is armed at any time.
//!
//! 0.9 runs the v4 rules with its own spelling: the heartbeat `2::` both ways.
//!
//! v3 (client pings): only `PongDeadline` is used, `ping_interval + ping_timeout` after the
//! handshake and after each client ping, which is answered with a pong at once.
//!
//! `UpgradeDeadline` and `CloseDeadline` are dispatched here too, so every timer kind is
//! handled in one place.

use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::eio::{Packet, ProtocolVersion};

use crate::eio::event::CloseReason;
use crate::eio::generation::Generation;
use crate::eio::server::{EioServer, EioTimer};
use crate::ids::Sid;
use crate::timer::after;

impl EioServer {
    pub(crate) fn start_heartbeat(&mut self, now: Instant, sid: Sid, generation: Generation) {
        match generation.codec() {
            ProtocolVersion::V4 => {
                self.timers.set(
                    sid,
                    EioTimer::PingDue,
                    after(now, self.config.ping_interval),
                );
            }
            ProtocolVersion::V3 => self.arm_v3_deadline(now, sid),
        }
    }

    pub(crate) fn on_pong(&mut self, now: Instant, sid: Sid) {
        self.timers.cancel(sid, EioTimer::PongDeadline);
        self.timers.set(
            sid,
            EioTimer::PingDue,
            after(now, self.config.ping_interval),
        );
    }

    pub(crate) fn on_v3_ping(&mut self, now: Instant, sid: Sid) {
        self.arm_v3_deadline(now, sid);
        let pong = Packet::Pong(Str::new()).encode(ProtocolVersion::V3);
        // A full outbox closes the session inside enqueue; nothing more to do here.
        let _ = self.enqueue(sid, pong);
    }

    fn arm_v3_deadline(&mut self, now: Instant, sid: Sid) {
        let wait = self
            .config
            .ping_interval
            .saturating_add(self.config.ping_timeout);
        self.timers
            .set(sid, EioTimer::PongDeadline, after(now, wait));
    }

    pub(crate) fn on_timer(&mut self, now: Instant, sid: Sid, kind: EioTimer) {
        match kind {
            EioTimer::PingDue => {
                let Some(generation) = self.sessions.get(&sid).map(|s| s.generation) else {
                    return;
                };
                self.timers.set(
                    sid,
                    EioTimer::PongDeadline,
                    after(now, self.config.ping_timeout),
                );
                let _ = self.enqueue(sid, generation.encode(Packet::Ping(Str::new())));
            }
            EioTimer::PongDeadline => self.close_session(sid, CloseReason::PingTimeout),
            EioTimer::UpgradeDeadline => self.cancel_upgrade(sid),
            EioTimer::CloseDeadline => {
                // `Close` went out when closing began; just forget the session.
                let _ = self.remove_session(sid);
            }
        }
    }
}
