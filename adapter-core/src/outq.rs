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

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures_channel::oneshot;
use futures_util::Stream;

use crate::msg::WsCmd;

/// Bytes charged per queued frame on top of its length: the queue slot and the frame's
/// handle, so frames of zero bytes still count.
pub(crate) const FRAME_OVERHEAD: usize = 64;

/// What a frame costs in the queue.
fn charge(cmd: &WsCmd) -> usize {
    match cmd {
        WsCmd::Frame(f) => f.len().saturating_add(FRAME_OVERHEAD),
        WsCmd::Close => FRAME_OVERHEAD,
    }
}

/// A queue for one connection holding at most `limit` bytes (see the module docs).
pub(crate) fn channel(limit: usize) -> (OutTx, OutRx) {
    let (tx, rx) = async_channel::unbounded();
    let (cut_tx, cut_rx) = oneshot::channel();
    let held = Arc::new(AtomicUsize::new(0));
    (
        OutTx {
            tx,
            held: held.clone(),
            limit,
            cut: cut_tx,
        },
        OutRx {
            rx: Box::pin(rx),
            held,
            cut: Some(cut_rx),
        },
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
    tx: async_channel::Sender<WsCmd>,
    held: Arc<AtomicUsize>,
    limit: usize,
    cut: oneshot::Sender<()>,
}

impl OutTx {
    /// Queues a frame, unless that would hold more than the bound.
    pub(crate) fn send(&self, cmd: WsCmd) -> Result<(), SendError> {
        let cost = charge(&cmd);
        let held = self.held.load(Ordering::Acquire);
        if held.saturating_add(cost) > self.limit {
            return Err(SendError::Full);
        }
        self.held.fetch_add(cost, Ordering::AcqRel);
        self.tx.try_send(cmd).map_err(|_| {
            self.held.fetch_sub(cost, Ordering::AcqRel);
            SendError::Gone
        })
    }

    /// Queues the close; it always fits (the writer ends on it, so it cannot pile up).
    pub(crate) fn close(&self) {
        let _ = self.tx.try_send(WsCmd::Close);
    }

    /// Drops the connection at once, without a close handshake.
    pub(crate) fn cut(self) {
        let _ = self.cut.send(());
    }
}

/// The connection's end: frames in order; their bytes stop counting once taken.
#[derive(Debug)]
pub(crate) struct OutRx {
    rx: std::pin::Pin<Box<async_channel::Receiver<WsCmd>>>,
    held: Arc<AtomicUsize>,
    cut: Option<oneshot::Receiver<()>>,
}

impl OutRx {
    fn took(&self, cmd: WsCmd) -> WsCmd {
        self.held.fetch_sub(charge(&cmd), Ordering::AcqRel);
        cmd
    }

    /// The next command; `None` once the hub dropped its end and the queue is empty.
    pub(crate) async fn recv(&self) -> Option<WsCmd> {
        self.rx.recv().await.ok().map(|c| self.took(c))
    }

    /// The next command if one is waiting.
    pub(crate) fn try_recv(&self) -> Option<WsCmd> {
        self.rx.try_recv().ok().map(|c| self.took(c))
    }

    /// Polls for the next command (for a streamed response body).
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<WsCmd>> {
        match self.rx.as_mut().poll_next(cx) {
            Poll::Ready(Some(c)) => Poll::Ready(Some(self.took(c))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Resolves when the hub is done with the connection: `true` when it cut it
    /// ([`OutTx::cut`]: drop the socket now), `false` when it closed or forgot it (what is
    /// queued, and the close, may still be written). Takes the signal, so call it once.
    pub(crate) fn hub_done(&mut self) -> impl Future<Output = bool> + Send + 'static {
        let cut = self.cut.take();
        async move {
            match cut {
                Some(rx) => rx.await.is_ok(),
                None => std::future::pending().await,
            }
        }
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
