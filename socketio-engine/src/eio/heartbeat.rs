//! Heartbeat and the timers of a session.
//!
//! # Theory of operation
//! v4 (server pings): `PingDue` fires one `ping_interval` after the handshake; a ping is
//! sent and `PongDeadline` armed `ping_timeout` later. A pong cancels the deadline and
//! re-arms `PingDue` one interval after the pong (node refreshes its interval timer then).
//! The first other packet while the pong is awaited moves the deadline one `ping_timeout`
//! after that packet, once per ping (engine.io 6.6's `hasRefreshedPingTimeout`; the
//! session's `PongWait`). A missed deadline closes the session with `PingTimeout`. Exactly
//! one of the two timers is armed at any time.
//!
//! 0.9 over a WebSocket or htmlfile runs the v4 rules with its own spelling, the heartbeat
//! `2::` both ways. 0.9 polling does as node 0.9: no heartbeats (its clients answer them with
//! a POST that can cancel another in flight); instead each request re-arms `PongDeadline`
//! (the close timeout), and `PingDue` ends a held GET with a noop (the polling duration).
//!
//! v3 (client pings): only `PongDeadline` is used, `ping_interval + ping_timeout` after the
//! handshake and after each client ping, which is answered with a pong at once.
//!
//! `UpgradeDeadline` and `CloseDeadline` are dispatched here too, so every timer kind is
//! handled in one place.
//!
//! Deadlines keep to their schedule whatever the driver's timer does: a timer fired late arms
//! its follow-up from when it was due (a ping sent 50 ms late still has its pong deadline at
//! handshake + interval + timeout), and every input first fires what is due at its `now`, so
//! a request or message arriving at or past a deadline finds it expired, as in node, where
//! timers run before the I/O of the same loop turn. Deadlines armed by an input (a pong, a v3
//! ping, a 0.9 request) count from that input's `now`, as node's timers count from the
//! callback that set them.

use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::eio::{Packet, ProtocolVersion};

use crate::eio::event::CloseReason;
use crate::eio::generation::Generation;
use crate::eio::server::{EioServer, EioTimer};
use crate::eio::session::{PongWait, Transport};
use crate::ids::Sid;
use crate::timer::after;

impl EioServer {
    pub(crate) fn start_heartbeat(&mut self, now: Instant, sid: Sid, generation: Generation) {
        if generation == Generation::V09 {
            // No transport yet: the client must open one within the close timeout.
            self.v09_keep_alive(now, sid);
            return;
        }
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
        if self.is_v09_polling(sid) {
            // Its liveness is its requests (`v09_keep_alive`), not heartbeats.
            return;
        }
        if let Some(session) = self.sessions.get_mut(&sid) {
            session.pong_wait = PongWait::Idle;
        }
        self.timers.cancel(sid, EioTimer::PongDeadline);
        self.timers.set(
            sid,
            EioTimer::PingDue,
            after(now, self.config.ping_interval),
        );
    }

    /// Engine.IO 4, a packet other than a pong while a pong is awaited: node (engine.io 6.6)
    /// moves the pong deadline one `ping_timeout` after it, once per ping, so a client busy
    /// sending is not cut off for a pong stuck behind its own traffic.
    pub(crate) fn maybe_refresh_pong_deadline(&mut self, now: Instant, sid: Sid) {
        let Some(session) = self.sessions.get_mut(&sid) else {
            return;
        };
        if session.pong_wait == PongWait::Awaiting {
            session.pong_wait = PongWait::Refreshed;
            self.timers.set(
                sid,
                EioTimer::PongDeadline,
                after(now, self.config.ping_timeout),
            );
        }
    }

    pub(crate) fn on_v3_ping(&mut self, now: Instant, sid: Sid) {
        self.arm_v3_deadline(now, sid);
        let pong = Packet::Pong(Str::new()).encode(ProtocolVersion::V3);
        // A full outbox closes the session inside enqueue; nothing more to do here.
        let _ = self.enqueue(sid, pong);
    }

    /// How long a client may stay silent when it, not the server, keeps the session alive
    /// (the v3 client's pings, 0.9 polling requests): `ping_interval + ping_timeout`, which a
    /// 0.9 handshake announces as both its timeouts.
    pub(crate) fn silence_limit(&self) -> std::time::Duration {
        self.config
            .ping_interval
            .saturating_add(self.config.ping_timeout)
    }

    /// Whether `sid` is a 0.9 session on a polling transport (or none yet).
    pub(crate) fn is_v09_polling(&self, sid: Sid) -> bool {
        self.sessions.get(&sid).is_some_and(|s| {
            s.generation == Generation::V09 && !matches!(s.transport, Transport::WebSocket { .. })
        })
    }

    /// 0.9 without a persistent connection: the session lives while requests come, the next
    /// one due within the close timeout announced at the handshake (`ping_interval +
    /// ping_timeout`).
    pub(crate) fn v09_keep_alive(&mut self, now: Instant, sid: Sid) {
        self.timers.set(
            sid,
            EioTimer::PongDeadline,
            after(now, self.silence_limit()),
        );
    }

    /// A 0.9 GET was parked: it is answered with a noop if nothing comes within the polling
    /// duration, a third of the close timeout, so it ends well before the client's own read
    /// timeout (half the heartbeat timeout in socketIO-client).
    pub(crate) fn v09_poll_parked(&mut self, now: Instant, sid: Sid) {
        let wait = self.silence_limit() / 3;
        self.timers.set(sid, EioTimer::PingDue, after(now, wait));
    }

    /// A 0.9 WebSocket or htmlfile took over: heartbeats as in Engine.IO 4.
    pub(crate) fn v09_persistent(&mut self, now: Instant, sid: Sid) {
        self.timers.cancel(sid, EioTimer::PongDeadline);
        self.timers.set(
            sid,
            EioTimer::PingDue,
            after(now, self.config.ping_interval),
        );
    }

    fn arm_v3_deadline(&mut self, now: Instant, sid: Sid) {
        self.timers.set(
            sid,
            EioTimer::PongDeadline,
            after(now, self.silence_limit()),
        );
    }

    /// Timer `kind` of `sid`, due at `due`, fired (at `due` or later). Follow-up deadlines
    /// are computed from `due`: a ping sent late keeps its pong deadline at
    /// `ping_interval + ping_timeout` after the handshake or pong.
    pub(crate) fn on_timer(&mut self, due: Instant, sid: Sid, kind: EioTimer) {
        match kind {
            EioTimer::PingDue => {
                if self.is_v09_polling(sid) {
                    // Node 0.9's polling duration: a held GET ends with a noop.
                    self.release_with_noop(sid);
                    return;
                }
                let Some(session) = self.sessions.get_mut(&sid) else {
                    return;
                };
                let generation = session.generation;
                if generation == Generation::Eio4 {
                    session.pong_wait = PongWait::Awaiting;
                }
                self.timers.set(
                    sid,
                    EioTimer::PongDeadline,
                    after(due, self.config.ping_timeout),
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
