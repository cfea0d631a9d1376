//! A recovered socket's two lives, kept in order.
//!
//! Connection state recovery brings a socket back under the public id it had. Its new life's
//! first handler (a namespace object's `connect`/`connected`, or the `on_connection` closure)
//! must not start before its previous life's disconnect handlers have *finished*: an
//! application that puts a dropped user away in `disconnect` and takes them back in
//! `connected` (the chat does) would otherwise find nothing to take back whenever the client
//! reconnects faster than `disconnect` completes.
//!
//! When a disconnect leaves a session behind, [`Lives::ending`] hands out a [`LifeEnd`] that
//! the disconnect handlers hold and drop when done; the gate it opens is kept under the
//! socket's public id until the socket recovers ([`Lives::take`]). Sessions that never recover
//! leave opened gates behind, pruned whenever the table doubles, so it stays bounded by the
//! disconnect handlers still running.

use std::collections::HashMap;

use futures_channel::oneshot;
use socketio_engine::SocketName;

use super::order::Gate;

/// Held by a socket's disconnect handlers; dropping it lets the socket's next life start.
pub(crate) type LifeEnd = oneshot::Sender<()>;

/// The table below never prunes below this many entries.
const MIN_PRUNE_AT: usize = 64;

/// Gates of previous lives, by public socket id.
pub(crate) struct Lives {
    ended: HashMap<SocketName, Gate>,
    prune_at: usize,
}

impl Default for Lives {
    fn default() -> Self {
        Self {
            ended: HashMap::new(),
            prune_at: MIN_PRUNE_AT,
        }
    }
}

impl Lives {
    /// Socket `id` ended and its session was kept: the returned [`LifeEnd`] is to be dropped
    /// once its disconnect handlers are done.
    pub(crate) fn ending(&mut self, id: SocketName) -> LifeEnd {
        if self.ended.len() >= self.prune_at {
            // Keep only the gates still closed (their disconnect handlers are running).
            self.ended
                .retain(|_, gate| matches!(gate.try_recv(), Ok(None)));
            self.prune_at = (self.ended.len() * 2).max(MIN_PRUNE_AT);
        }
        let (end, gate) = oneshot::channel();
        self.ended.insert(id, gate);
        end
    }

    /// The gate socket `id`'s new life waits on, if its previous life left one.
    pub(crate) fn take(&mut self, id: &SocketName) -> Option<Gate> {
        self.ended.remove(id)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.ended.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid public id made from `n`.
    fn name(n: usize) -> SocketName {
        SocketName::parse(&format!("{n:0>20}")).expect("20 base64url characters")
    }

    #[test]
    fn the_gate_opens_when_the_previous_life_ends() {
        let mut lives = Lives::default();
        let end = lives.ending(name(0));
        let mut gate = lives.take(&name(0)).expect("a gate for a");
        assert_eq!(gate.try_recv(), Ok(None), "closed while the handlers run");
        drop(end);
        assert!(gate.try_recv().is_err(), "open once they are done");
        assert!(lives.take(&name(0)).is_none(), "taken once");
    }

    #[test]
    fn gates_of_sessions_that_never_recover_are_pruned() {
        let mut lives = Lives::default();
        let running: Vec<LifeEnd> = (0..10).map(|i| lives.ending(name(i))).collect();
        for i in 0..10_000 {
            drop(lives.ending(name(1_000 + i)));
        }
        assert!(
            lives.len() <= 2 * MIN_PRUNE_AT,
            "bounded by the running ones, not by every disconnect: {}",
            lives.len()
        );
        for i in 0..10 {
            let mut gate = lives.take(&name(i)).expect("kept");
            assert_eq!(gate.try_recv(), Ok(None));
        }
        drop(running);
    }
}
