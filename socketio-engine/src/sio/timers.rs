//! The Socket.IO layer's timer table: one ordered set of `(deadline, key)`.
//!
//! Every owner of a timer keeps its deadline next to its state, so cancelling is a removal of
//! the exact pair, and the next deadline is the first element. Expired timers are popped one
//! at a time so the caller can act on each (which may arm or cancel others) in order.

use std::collections::BTreeSet;
use std::time::Instant;

use super::ids::AckId;

/// What a Socket.IO timer is for.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub(crate) enum SioTimer<S> {
    /// The session `S` must have connected a namespace by now (`connect_timeout`).
    ConnectDeadline(S),
    /// The ack (single or broadcast) must have been answered by now.
    AckDeadline(AckId),
}

/// Ordered timer set.
#[derive(Debug)]
pub(crate) struct Timers<K: Ord> {
    set: BTreeSet<(Instant, K)>,
}

impl<K: Ord> Default for Timers<K> {
    fn default() -> Self {
        Self {
            set: BTreeSet::new(),
        }
    }
}

impl<K: Ord + Copy> Timers<K> {
    /// Arms `key` at `at`.
    pub(crate) fn insert(&mut self, at: Instant, key: K) {
        self.set.insert((at, key));
    }

    /// Cancels `key` armed at `at`; false if it was not armed.
    pub(crate) fn remove(&mut self, at: Instant, key: K) -> bool {
        self.set.remove(&(at, key))
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.set.first().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest timer due at or before `now`.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<K> {
        let (at, _) = self.set.first()?;
        if *at > now {
            return None;
        }
        self.set.pop_first().map(|(_, k)| k)
    }

    /// Number of armed timers.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn pops_in_order_and_cancels() {
        let t0 = crate::sio::test_epoch();
        let mut t: Timers<SioTimer<u8>> = Timers::default();
        t.insert(t0 + Duration::from_secs(2), SioTimer::ConnectDeadline(1));
        t.insert(t0 + Duration::from_secs(1), SioTimer::AckDeadline(AckId(5)));
        t.insert(t0 + Duration::from_secs(3), SioTimer::ConnectDeadline(2));
        assert!(t.remove(t0 + Duration::from_secs(3), SioTimer::ConnectDeadline(2)));
        assert!(!t.remove(t0 + Duration::from_secs(3), SioTimer::ConnectDeadline(2)));
        assert_eq!(t.next(), Some(t0 + Duration::from_secs(1)));
        assert_eq!(t.pop_expired(t0), None);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(t.pop_expired(later), Some(SioTimer::AckDeadline(AckId(5))));
        assert_eq!(t.pop_expired(later), Some(SioTimer::ConnectDeadline(1)));
        assert_eq!(t.pop_expired(later), None);
        assert_eq!(t.len(), 0);
    }
}
