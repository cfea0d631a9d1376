//! A connection's outgoing queue: the frames the hub handed to one WebSocket (or streamed
//! body) that its writer has not taken yet, bounded by bytes rather than by frame count.
//!
//! # Why bytes
//! A burst of ten thousand small replies to a client that reads them is not a slow
//! consumer: it holds a few hundred kilobytes for a few milliseconds. Counting frames cut
//! such clients off (a queue of 256 frames filled before the writer task was even
//! scheduled); counting bytes cuts off only a client that leaves more unread than the
//! engine lets a polling session hold (`max_outbox_bytes`), so both transports answer to the
//! same bound. Each frame is charged its length plus [`FRAME_OVERHEAD`], so a flood of empty
//! frames is bounded too.
//!
//! # Cut
//! [`OutTx::cut`] tells the connection to drop its socket at once (no close handshake): the
//! client stopped reading, so its writer is likely stuck in a write that would never finish,
//! and the frames queued behind it are memory to give back now. When the hub merely drops
//! its end (after a close), the connection learns that too ([`OutRx::hub_done`]), so it can
//! bound how long it keeps writing to a client that may never read again.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use futures_util::task::AtomicWaker;

use crate::msg::WsCmd;

/// Bytes charged per queued frame on top of its length: the queue slot and the frame's
/// handle, so frames of zero bytes still count.
pub(crate) const FRAME_OVERHEAD: usize = 64;

/// Slots an emptied queue keeps; the rest of its capacity is given back. A connection
/// between bursts (most of them, most of the time) then holds a few hundred bytes here,
/// not the high-water mark of its last burst, while a steady trickle of one frame at a
/// time never reallocates.
pub(crate) const IDLE_KEEP_SLOTS: usize = 4;

/// What a frame costs in the queue.
fn charge(cmd: &WsCmd) -> usize {
    match cmd {
        WsCmd::Frame(f) => f.len().saturating_add(FRAME_OVERHEAD),
        WsCmd::Close => FRAME_OVERHEAD,
    }
}

/// The queue both ends share: one small allocation per connection, nothing allocated
/// until the first frame (a general-purpose channel costs about 2 KiB per connection here,
/// most of it preallocated slots and listener lists).
#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    /// The writer waiting for a frame.
    reader: AtomicWaker,
    /// The connection waiting for the hub to cut or let go (`hub_done`).
    done: AtomicWaker,
    /// Bytes queued, as charged.
    held: AtomicUsize,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<WsCmd>,
    /// The hub dropped its end.
    hub_gone: bool,
    /// The hub cut the connection.
    cut: bool,
    /// The connection dropped its end.
    conn_gone: bool,
}

impl Shared {
    /// The state; a panic elsewhere while holding it leaves plain data, still usable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A queue for one connection holding at most `limit` bytes (see the module docs).
pub(crate) fn channel(limit: usize) -> (OutTx, OutRx) {
    let shared = Arc::new(Shared::default());
    (
        OutTx {
            shared: shared.clone(),
            limit,
        },
        OutRx { shared },
    )
}

/// Why a frame was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SendError {
    /// The client left more than the bound unread.
    Full,
    /// The connection is gone.
    Gone,
}

/// The hub's end of a connection's queue.
#[derive(Debug)]
pub(crate) struct OutTx {
    shared: Arc<Shared>,
    limit: usize,
}

impl OutTx {
    /// Queues a frame, unless that would hold more than the bound.
    pub(crate) fn send(&self, cmd: WsCmd) -> Result<(), SendError> {
        let cost = charge(&cmd);
        if self
            .shared
            .held
            .load(Ordering::Acquire)
            .saturating_add(cost)
            > self.limit
        {
            return Err(SendError::Full);
        }
        self.push(cmd, cost)
    }

    fn push(&self, cmd: WsCmd, cost: usize) -> Result<(), SendError> {
        let was_empty = {
            let mut st = self.shared.lock();
            if st.conn_gone {
                return Err(SendError::Gone);
            }
            st.queue.push_back(cmd);
            st.queue.len() == 1
        };
        self.shared.held.fetch_add(cost, Ordering::AcqRel);
        // A writer that found frames drains them all before it sleeps again, so only the
        // first frame into an empty queue has anyone to wake.
        if was_empty {
            self.shared.reader.wake();
        }
        Ok(())
    }

    /// Queues the close; it always fits (the writer ends on it, so it cannot pile up).
    pub(crate) fn close(&self) {
        let _ = self.push(WsCmd::Close, FRAME_OVERHEAD);
    }

    /// Drops the connection at once, without a close handshake.
    pub(crate) fn cut(self) {
        self.shared.lock().cut = true;
        // Dropping `self` wakes both waiters.
    }
}

impl Drop for OutTx {
    fn drop(&mut self) {
        self.shared.lock().hub_gone = true;
        self.shared.reader.wake();
        self.shared.done.wake();
    }
}

/// The connection's end: frames in order; their bytes stop counting once taken.
#[derive(Debug)]
pub(crate) struct OutRx {
    shared: Arc<Shared>,
}

impl OutRx {
    /// Takes the next command, or says whether the hub is gone (`Some(None)`) or there is
    /// nothing yet (`None`).
    fn take(&self) -> Option<Option<WsCmd>> {
        let mut st = self.shared.lock();
        match st.queue.pop_front() {
            Some(cmd) => {
                if st.queue.is_empty() && st.queue.capacity() > IDLE_KEEP_SLOTS {
                    st.queue.shrink_to(IDLE_KEEP_SLOTS);
                }
                drop(st);
                self.shared.held.fetch_sub(charge(&cmd), Ordering::AcqRel);
                Some(Some(cmd))
            }
            None if st.hub_gone => Some(None),
            None => None,
        }
    }

    fn poll_take(&self, cx: &mut Context<'_>) -> Poll<Option<WsCmd>> {
        if let Some(r) = self.take() {
            return Poll::Ready(r);
        }
        // Register, then look again: a frame pushed in between either is seen now or
        // finds the waker registered.
        self.shared.reader.register(cx.waker());
        self.take().map_or(Poll::Pending, Poll::Ready)
    }

    /// The next command; `None` once the hub dropped its end and the queue is empty.
    pub(crate) async fn recv(&self) -> Option<WsCmd> {
        poll_fn(|cx| self.poll_take(cx)).await
    }

    /// The next command if one is waiting.
    pub(crate) fn try_recv(&self) -> Option<WsCmd> {
        self.take().flatten()
    }

    /// Polls for the next command (for a streamed response body).
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<WsCmd>> {
        self.poll_take(cx)
    }

    /// Resolves when the hub is done with the connection: `true` when it cut it
    /// ([`OutTx::cut`]: drop the socket now), `false` when it closed or forgot it (what is
    /// queued, and the close, may still be written).
    pub(crate) fn hub_done(&mut self) -> impl Future<Output = bool> + Send + 'static {
        let shared = self.shared.clone();
        poll_fn(move |cx| {
            let check = |st: &State| (st.cut || st.hub_gone).then_some(st.cut);
            if let Some(cut) = check(&shared.lock()) {
                return Poll::Ready(cut);
            }
            shared.done.register(cx.waker());
            check(&shared.lock()).map_or(Poll::Pending, Poll::Ready)
        })
    }
}

impl Drop for OutRx {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.conn_gone = true;
        // Nobody will write these: give their memory back now.
        st.queue = VecDeque::new();
        drop(st);
        self.shared.held.store(0, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;
    use socketio_engine::eio::Frame;
    use socketio_proto::Str;

    use super::*;

    fn frame(n: usize) -> WsCmd {
        WsCmd::Frame(Frame::Text(Str::from("x".repeat(n))))
    }

    #[test]
    fn bounded_by_bytes_not_frames() {
        let (tx, rx) = channel(10 * (10 + FRAME_OVERHEAD));
        for _ in 0..10 {
            tx.send(frame(10)).unwrap();
        }
        assert_eq!(tx.send(frame(10)), Err(SendError::Full));
        assert_eq!(
            tx.send(frame(0)),
            Err(SendError::Full),
            "empty frames count too"
        );
        // What the writer takes stops counting.
        assert!(matches!(rx.try_recv(), Some(WsCmd::Frame(_))));
        tx.send(frame(10)).unwrap();
        // Many small frames fit where few large ones would not.
        let (tx, _rx) = channel(1000 * (1 + FRAME_OVERHEAD));
        for _ in 0..1000 {
            tx.send(frame(1)).unwrap();
        }
        assert_eq!(tx.send(frame(1)), Err(SendError::Full));
    }

    #[test]
    fn close_always_fits_and_a_gone_writer_is_gone() {
        let (tx, rx) = channel(0);
        assert_eq!(tx.send(frame(0)), Err(SendError::Full));
        tx.close();
        assert!(matches!(rx.try_recv(), Some(WsCmd::Close)));
        drop(rx);
        let (tx, rx) = channel(1000);
        drop(rx);
        assert_eq!(tx.send(frame(1)), Err(SendError::Gone));
    }

    #[test]
    fn an_emptied_queue_gives_its_burst_capacity_back() {
        let (tx, rx) = channel(usize::MAX);
        for _ in 0..1000 {
            tx.send(frame(1)).unwrap();
        }
        assert!(rx.shared.lock().queue.capacity() >= 1000);
        while rx.try_recv().is_some() {}
        assert!(rx.shared.lock().queue.capacity() <= IDLE_KEEP_SLOTS);
        assert_eq!(
            rx.shared.held.load(Ordering::Acquire),
            0,
            "nothing is charged"
        );
        // A fresh queue holds nothing at all.
        let (_tx, rx) = channel(1000);
        assert_eq!(rx.shared.lock().queue.capacity(), 0);
    }

    struct Flag(std::sync::atomic::AtomicBool);
    impl futures_util::task::ArcWake for Flag {
        fn wake_by_ref(arc: &Arc<Self>) {
            arc.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_waiting_writer_is_woken_by_a_frame_and_by_the_hub_leaving() {
        let flag = Arc::new(Flag(false.into()));
        let waker = futures_util::task::waker(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let woken = || flag.0.swap(false, Ordering::SeqCst);
        let (tx, rx) = channel(1000);
        let mut next = Box::pin(rx.recv());
        assert!(next.as_mut().poll(&mut cx).is_pending());
        assert!(!woken());
        tx.send(frame(3)).unwrap();
        assert!(woken(), "the first frame wakes the writer");
        assert!(matches!(
            next.as_mut().poll(&mut cx),
            Poll::Ready(Some(WsCmd::Frame(_)))
        ));
        let mut next = Box::pin(rx.recv());
        assert!(next.as_mut().poll(&mut cx).is_pending());
        drop(tx);
        assert!(woken(), "so does the hub leaving");
        assert!(matches!(next.as_mut().poll(&mut cx), Poll::Ready(None)));
    }

    #[test]
    fn the_hub_says_whether_it_cut_or_forgot() {
        let (tx, mut rx) = channel(1000);
        let mut done = Box::pin(rx.hub_done());
        assert_eq!(done.as_mut().now_or_never(), None, "the hub still has it");
        tx.cut();
        assert_eq!(done.as_mut().now_or_never(), Some(true));
        // Dropping (the hub forgot the connection after a close) is not a cut.
        let (tx, mut rx) = channel(1000);
        let mut done = Box::pin(rx.hub_done());
        tx.close();
        drop(tx);
        assert_eq!(done.as_mut().now_or_never(), Some(false));
        assert!(
            matches!(rx.try_recv(), Some(WsCmd::Close)),
            "the close is still queued"
        );
    }
}
