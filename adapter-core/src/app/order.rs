//! Per-socket ordering of handler tasks.
//!
//! A handler that awaits goes on as its own task (so it does not hold up others), but a
//! socket's handlers must still *start* in the order their events arrived, as Node runs
//! listeners: everything a handler does before its first `.await` (typically its emits and
//! acks) happens before the next handler of that socket begins. Handlers are first polled on
//! the hub (`HubCx::run_handler`), which keeps that order by itself; only a handler queued
//! behind one not yet polled needs a gate: its task waits for the previous task of its socket
//! to have been polled once, and signals the same after its own first poll. A task that dies
//! early drops its signal, which releases the next one too.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_channel::oneshot;

use super::BoxFut;

/// Signals once the wrapped future has been polled for the first time.
struct FirstPoll {
    fut: BoxFut<()>,
    polled: Option<oneshot::Sender<()>>,
}

impl Future for FirstPoll {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let r = self.fut.as_mut().poll(cx);
        if let Some(s) = self.polled.take() {
            let _ = s.send(());
        }
        r
    }
}

/// The gate a socket's next handler waits on.
pub(crate) type Gate = oneshot::Receiver<()>;

/// Whether the handler behind `gate` has been polled (or dropped), so the next may start;
/// `None` is a socket with no handler before.
pub(crate) fn is_open(gate: Option<&mut Gate>) -> bool {
    // Sent, or the sender dropped with its task: both open it.
    gate.is_none_or(|g| !matches!(g.try_recv(), Ok(None)))
}

/// Wraps `fut` so it starts after `prev` opened and opens the returned gate after its own
/// first poll.
pub(crate) fn ordered(prev: Option<Gate>, fut: BoxFut<()>) -> (impl Future<Output = ()>, Gate) {
    let (tx, rx) = oneshot::channel();
    let task = async move {
        if let Some(prev) = prev {
            let _ = prev.await;
        }
        FirstPoll {
            fut,
            polled: Some(tx),
        }
        .await;
    };
    (task, rx)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn second_starts_only_after_first_was_polled() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let l1 = log.clone();
        let (t1, g1) = ordered(
            None,
            Box::pin(async move {
                l1.lock().unwrap().push(1);
            }),
        );
        let l2 = log.clone();
        let (t2, _g2) = ordered(
            Some(g1),
            Box::pin(async move {
                l2.lock().unwrap().push(2);
            }),
        );
        // Poll the second first: it must wait for the first.
        let mut t2 = Box::pin(t2);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(t2.as_mut().poll(&mut cx).is_pending());
        assert!(log.lock().unwrap().is_empty());
        block_on(t1);
        block_on(t2);
        assert_eq!(*log.lock().unwrap(), vec![1, 2]);
    }

    #[test]
    fn a_dropped_predecessor_releases_the_next() {
        let (t1, g1) = ordered(None, Box::pin(async {}));
        drop(t1);
        let (t2, _) = ordered(Some(g1), Box::pin(async {}));
        block_on(t2);
    }
}
