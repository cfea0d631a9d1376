//! One timer table for the whole engine (quinn's `TimerTable`, scaled to many sessions).
//!
//! # Theory of operation
//! A timer is named by a key (a session id, a socket id ...) and a kind (a small enum such as
//! `PingDue` or `AckDeadline(id)`); each `(key, kind)` pair has at most one deadline. The table
//! keeps two indexes that always agree:
//! - `queue`, ordered by deadline, so the next deadline and every expired timer are found in
//!   O(log n) without scanning;
//! - `slots`, from `(key, kind)` to its deadline, so a timer is re-armed or cancelled in
//!   O(log n) without the caller remembering when it was due.
//!
//! Setting a timer that is already armed moves it. Cancelling one that is not armed is a
//! no-op. [`TimerTable::pop_expired`] hands back expired timers one at a time, earliest first
//! (ties by key then kind, so runs are deterministic), and removes them: a handler that wants
//! the timer again sets it again. Nothing here reads the clock.
//!
//! A timer due at or before `now` is expired: an input stamped exactly at a deadline comes
//! after it, as in node, whose timers phase runs before the I/O callbacks of the same loop
//! turn. Each expired timer comes back with the deadline it was set for, so a handler that
//! arms a follow-up (a ping's pong deadline) computes it from the schedule, not from a late
//! `now`: a driver's wake-up latency never pushes the next deadline back.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::time::{Duration, Instant};

/// `now + d`, saturating at about a century from `now` instead of overflowing (the
/// durations come from user config). Never returns `now` for a non-zero `d`, so a re-armed
/// timer cannot fire again in the same `handle_timeout` call.
#[must_use]
pub fn after(now: Instant, d: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    now.checked_add(d.min(CENTURY))
        .or_else(|| now.checked_add(Duration::from_secs(1)))
        .unwrap_or(now)
}

/// Deadlines keyed by `(key, kind)`; see the module docs.
#[derive(Debug)]
pub struct TimerTable<K, T> {
    queue: BTreeSet<(Instant, K, T)>,
    slots: HashMap<(K, T), Instant>,
}

impl<K, T> Default for TimerTable<K, T> {
    fn default() -> Self {
        Self {
            queue: BTreeSet::new(),
            slots: HashMap::new(),
        }
    }
}

impl<K: Ord + Hash + Copy, T: Ord + Hash + Copy> TimerTable<K, T> {
    /// An empty table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms (or re-arms) the `kind` timer of `key` to fire at `at`.
    pub fn set(&mut self, key: K, kind: T, at: Instant) {
        if let Some(old) = self.slots.insert((key, kind), at) {
            self.queue.remove(&(old, key, kind));
        }
        self.queue.insert((at, key, kind));
    }

    /// Disarms the `kind` timer of `key`; returns whether it was armed.
    pub fn cancel(&mut self, key: K, kind: T) -> bool {
        match self.slots.remove(&(key, kind)) {
            Some(at) => {
                self.queue.remove(&(at, key, kind));
                true
            }
            None => false,
        }
    }

    /// When the `kind` timer of `key` fires, if armed.
    #[must_use]
    pub fn deadline(&self, key: K, kind: T) -> Option<Instant> {
        self.slots.get(&(key, kind)).copied()
    }

    /// The earliest deadline of all armed timers.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        self.queue.first().map(|(at, _, _)| *at)
    }

    /// Removes and returns the earliest timer due at or before `now`, with the deadline it
    /// was set for (follow-up deadlines are computed from that, not from `now`).
    pub fn pop_expired(&mut self, now: Instant) -> Option<(K, T, Instant)> {
        let &(at, key, kind) = self.queue.first()?;
        if at > now {
            return None;
        }
        self.queue.pop_first();
        self.slots.remove(&(key, kind));
        Some((key, kind, at))
    }

    /// Whether some timer is due at or before `now` (one comparison: the cheap test every
    /// input makes before it is processed).
    #[must_use]
    pub fn is_due(&self, now: Instant) -> bool {
        self.next_deadline().is_some_and(|at| at <= now)
    }

    /// How many timers are armed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no timer is armed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any instant will do: the table only compares instants it was given.
    #[allow(clippy::disallowed_methods)]
    fn base() -> Instant {
        Instant::now()
    }

    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
    enum Kind {
        A,
        B,
    }

    #[test]
    fn fires_in_deadline_order_and_only_when_due() {
        let t0 = base();
        let mut t = TimerTable::new();
        t.set(2u32, Kind::A, t0 + Duration::from_secs(2));
        t.set(1u32, Kind::B, t0 + Duration::from_secs(1));
        assert_eq!(t.next_deadline(), Some(t0 + Duration::from_secs(1)));
        assert_eq!(t.pop_expired(t0), None);
        assert!(!t.is_due(t0));
        let late = t0 + Duration::from_secs(5);
        assert!(t.is_due(late));
        // Each comes back with its own deadline, however late the call.
        assert_eq!(
            t.pop_expired(late),
            Some((1, Kind::B, t0 + Duration::from_secs(1)))
        );
        assert_eq!(
            t.pop_expired(late),
            Some((2, Kind::A, t0 + Duration::from_secs(2)))
        );
        assert_eq!(t.pop_expired(late), None);
        assert!(t.is_empty());
    }

    #[test]
    fn a_timer_is_due_at_its_deadline_exactly() {
        let t0 = base();
        let at = t0 + Duration::from_millis(500);
        let mut t = TimerTable::new();
        t.set(1u32, Kind::A, at);
        assert!(!t.is_due(at - Duration::from_nanos(1)));
        assert_eq!(t.pop_expired(at - Duration::from_nanos(1)), None);
        assert!(t.is_due(at));
        assert_eq!(t.pop_expired(at), Some((1, Kind::A, at)));
    }

    #[test]
    fn set_moves_and_cancel_removes() {
        let t0 = base();
        let mut t = TimerTable::new();
        t.set(1u32, Kind::A, t0 + Duration::from_secs(1));
        t.set(1u32, Kind::A, t0 + Duration::from_secs(9));
        assert_eq!(t.len(), 1);
        assert_eq!(t.pop_expired(t0 + Duration::from_secs(5)), None);
        assert_eq!(t.deadline(1, Kind::A), Some(t0 + Duration::from_secs(9)));
        assert!(t.cancel(1, Kind::A));
        assert!(!t.cancel(1, Kind::A));
        assert_eq!(t.next_deadline(), None);
    }
}
