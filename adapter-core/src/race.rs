//! Two futures raced in one task, each polled only when its own waker fired.
//!
//! A WebSocket connection's task reads and writes at once (`ws`). Raced with
//! `futures::select`, every frame the hub queues wakes the task and polls the reader too,
//! and tungstenite zeroes its read buffer (4 KiB) on each read attempt: on a broadcast to a
//! thousand sockets, that was a fifth of the server's instructions. Here each side gets a
//! waker of its own that marks it woken, so a wake for the writer polls only the writer.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use futures_util::future::Either;
use futures_util::task::{ArcWake, AtomicWaker, waker};

/// One side's wake-up flag, and the task to wake.
#[derive(Default)]
struct Side {
    woken: AtomicBool,
    task: AtomicWaker,
}

impl ArcWake for Side {
    fn wake_by_ref(arc: &Arc<Self>) {
        arc.woken.store(true, Ordering::Release);
        arc.task.wake();
    }
}

/// Resolves with the output of whichever of `a` and `b` finishes first (`a` when both are
/// ready in one poll); the other stays where it was, for the caller to go on with.
pub(crate) struct Race<A, B> {
    a: A,
    b: B,
    sides: [(Arc<Side>, Waker); 2],
}

/// Races `a` against `b` (see [`Race`]).
pub(crate) fn race<A, B>(a: A, b: B) -> Race<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    let side = || {
        let s = Arc::new(Side {
            // Both are polled on the first poll.
            woken: AtomicBool::new(true),
            task: AtomicWaker::new(),
        });
        let w = waker(s.clone());
        (s, w)
    };
    Race {
        a,
        b,
        sides: [side(), side()],
    }
}

impl<A, B> Future for Race<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    type Output = Either<A::Output, B::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        for (side, _) in &this.sides {
            side.task.register(cx.waker());
        }
        // Take the flag before polling: a wake during the poll sets it again.
        if this.sides[0].0.woken.swap(false, Ordering::AcqRel) {
            let mut cx_a = Context::from_waker(&this.sides[0].1);
            if let Poll::Ready(out) = Pin::new(&mut this.a).poll(&mut cx_a) {
                return Poll::Ready(Either::Left(out));
            }
        }
        if this.sides[1].0.woken.swap(false, Ordering::AcqRel) {
            let mut cx_b = Context::from_waker(&this.sides[1].1);
            if let Poll::Ready(out) = Pin::new(&mut this.b).poll(&mut cx_b) {
                return Poll::Ready(Either::Right(out));
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use futures_channel::oneshot;

    use super::*;

    /// Counts its polls, then defers to `inner`.
    struct Counted<F> {
        polls: Arc<AtomicUsize>,
        inner: F,
    }

    impl<F: Future + Unpin> Future for Counted<F> {
        type Output = F::Output;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            Pin::new(&mut self.inner).poll(cx)
        }
    }

    #[test]
    fn a_wake_for_one_side_polls_only_that_side() {
        let (a_tx, a_rx) = oneshot::channel::<u8>();
        let (b_tx, b_rx) = oneshot::channel::<u8>();
        let (pa, pb) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut r = race(
            Counted {
                polls: pa.clone(),
                inner: a_rx,
            },
            Counted {
                polls: pb.clone(),
                inner: b_rx,
            },
        );
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut r).poll(&mut cx).is_pending());
        assert_eq!(
            (pa.load(Ordering::SeqCst), pb.load(Ordering::SeqCst)),
            (1, 1)
        );
        // Nothing woke either side: a spurious poll of the task polls neither.
        assert!(Pin::new(&mut r).poll(&mut cx).is_pending());
        assert_eq!(
            (pa.load(Ordering::SeqCst), pb.load(Ordering::SeqCst)),
            (1, 1)
        );
        b_tx.send(7).unwrap();
        assert!(matches!(
            Pin::new(&mut r).poll(&mut cx),
            Poll::Ready(Either::Right(Ok(7)))
        ));
        assert_eq!(
            pa.load(Ordering::SeqCst),
            1,
            "the reader was not polled for the writer's wake"
        );
        drop(a_tx);
    }

    #[test]
    fn a_side_woken_wakes_the_task() {
        let flag = Arc::new(Side::default());
        let task = waker(flag.clone());
        let mut cx = Context::from_waker(&task);
        let (a_tx, a_rx) = oneshot::channel::<u8>();
        let (_b_tx, b_rx) = oneshot::channel::<u8>();
        let mut r = race(a_rx, b_rx);
        assert!(Pin::new(&mut r).poll(&mut cx).is_pending());
        assert!(!flag.woken.load(Ordering::SeqCst));
        a_tx.send(1).unwrap();
        assert!(flag.woken.load(Ordering::SeqCst), "the task was woken");
        assert!(matches!(
            Pin::new(&mut r).poll(&mut cx),
            Poll::Ready(Either::Left(Ok(1)))
        ));
    }
}
