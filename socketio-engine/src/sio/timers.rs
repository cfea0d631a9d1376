//! The Socket.IO layer's timers: named variants in the engine's shared
//! [`TimerTable`](crate::timer::TimerTable), the same table type Engine.IO uses.
//!
//! Each variant names its owner (a session, an ack), so the variant is the table's key and
//! one deadline per variant is all there is: arming an armed timer moves it, and cancelling
//! needs only the variant (owners keep no deadline fields). Expired timers are popped one at
//! a time, earliest first, so the caller can act on each (which may arm or cancel others).

use std::time::Instant;

use super::ids::AckId;
use super::session_key::SessionKey;
use crate::timer::TimerTable;

/// What a Socket.IO timer is for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub(crate) enum SioTimer {
    /// The session must have connected a namespace by now (`connect_timeout`).
    ConnectDeadline(SessionKey),
    /// The ack (single or broadcast) must have been answered by now.
    AckDeadline(AckId),
    /// The oldest kept session or logged event of connection state recovery expires.
    RecoveryExpiry,
}

/// The layer's timers. The table's per-key kind slot is unit: the variant says it all.
#[derive(Debug, Default)]
pub(crate) struct Timers(TimerTable<SioTimer, ()>);

impl Timers {
    /// Arms (or moves) `timer` to fire at `at`.
    pub(crate) fn set(&mut self, timer: SioTimer, at: Instant) {
        self.0.set(timer, (), at);
    }

    /// Disarms `timer`; false if it was not armed.
    pub(crate) fn cancel(&mut self, timer: SioTimer) -> bool {
        self.0.cancel(timer, ())
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.0.next_deadline()
    }

    /// Removes and returns the earliest timer due at or before `now`. (This layer arms no
    /// follow-up from a timer, so the deadline it was set for is not needed.)
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<SioTimer> {
        self.0.pop_expired(now).map(|(timer, (), _)| timer)
    }

    /// Number of armed timers.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn key(n: u8) -> SessionKey {
        let mut g = crate::ids::SidGenerator::new(Some([n; 32]));
        g.next_sid()
    }

    #[test]
    fn pops_in_order_moves_and_cancels() {
        let t0 = crate::sio::test_epoch();
        let s = |n| t0 + Duration::from_secs(n);
        let mut t = Timers::default();
        t.set(SioTimer::ConnectDeadline(key(1)), s(2));
        t.set(SioTimer::AckDeadline(AckId(5)), s(1));
        t.set(SioTimer::ConnectDeadline(key(2)), s(3));
        t.set(SioTimer::ConnectDeadline(key(2)), s(4));
        assert_eq!(t.len(), 3, "re-arming moves, never duplicates");
        assert!(t.cancel(SioTimer::ConnectDeadline(key(2))));
        assert!(!t.cancel(SioTimer::ConnectDeadline(key(2))));
        assert_eq!(t.next(), Some(s(1)));
        assert_eq!(t.pop_expired(t0), None);
        let later = s(5);
        assert_eq!(t.pop_expired(later), Some(SioTimer::AckDeadline(AckId(5))));
        assert_eq!(
            t.pop_expired(later),
            Some(SioTimer::ConnectDeadline(key(1)))
        );
        assert_eq!(t.pop_expired(later), None);
        assert_eq!(t.len(), 0);
    }
}
