//! Clients spread over several servers of one cluster (`--spread-port`): the receivers of a
//! broadcast sit on two servers sharing a Redis, so every delivery to the second server's
//! clients crossed Redis (tools/loadtest/cluster.sh).
//!
//! Each [`Member`](super::Member) is one client; its port is fixed when it is made (cloned
//! from the scenario's template), round robin over the target first and then the spread
//! ports, so client 0 (the broadcast's sender) is always on the target.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Most extra servers one scenario may spread its clients over.
pub(crate) const MAX_SPREAD_PORTS: usize = 8;

/// The servers' ports and the next client's turn.
#[derive(Debug)]
pub(crate) struct Ports {
    ports: Arc<[u16]>,
    next: Arc<AtomicUsize>,
}

impl Ports {
    /// The target's port first, then `spread`.
    pub(crate) fn new(target: u16, spread: &[u16]) -> Self {
        let ports: Vec<u16> = std::iter::once(target)
            .chain(spread.iter().copied())
            .collect();
        Self {
            ports: ports.into(),
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The port of the next client.
    pub(crate) fn take(&self) -> u16 {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        self.ports
            .get(i % self.ports.len().max(1))
            .copied()
            .unwrap_or(0)
    }

    /// The same servers, sharing the turn.
    pub(crate) fn share(&self) -> Self {
        Self {
            ports: self.ports.clone(),
            next: self.next.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_alternate_over_the_servers_target_first() {
        let p = Ports::new(1, &[2]);
        let q = p.share();
        assert_eq!([p.take(), q.take(), p.take(), q.take()], [1, 2, 1, 2]);
        let alone = Ports::new(7, &[]);
        assert_eq!([alone.take(), alone.take()], [7, 7]);
        assert_eq!(MAX_SPREAD_PORTS, 8);
    }
}
