//! The per-session queue of encoded frames waiting for a polling GET.
//!
//! Bounded by bytes (`max_outbox_bytes`): a push that would go past the bound is refused and
//! the caller closes the session with `BufferFull`, so one slow client costs at most that
//! much memory and never affects the others. The bound also counts the frames of the last
//! answered GET (`in_flight`): the session keeps them until the next GET proves they
//! arrived, and puts them back if the response was lost, so they are memory it holds. The queue starts without an allocation and
//! gives its buffer back when drained, so an idle session holds no queue memory.

use std::collections::VecDeque;

use socketio_proto::eio::Frame;

/// A byte-bounded FIFO of frames.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    frames: VecDeque<Frame>,
    bytes: usize,
    /// Bytes of the answered GET not yet proven delivered (held elsewhere, counted here).
    in_flight: usize,
}

impl Outbox {
    /// Appends `frame` unless that would hold more than `limit` bytes; returns whether it
    /// was queued. O(1), and the frame is moved, not copied.
    pub(crate) fn push(&mut self, frame: Frame, limit: usize) -> bool {
        let Some(bytes) = self.bytes.checked_add(frame.len()) else {
            return false;
        };
        if bytes.saturating_add(self.in_flight) > limit {
            return false;
        }
        self.bytes = bytes;
        self.frames.push_back(frame);
        true
    }

    /// Puts `frames` back at the front, in their order (a response that never arrived).
    /// They were counted as in flight, so the total stays within the bound.
    pub(crate) fn unshift_all(&mut self, frames: Vec<Frame>) {
        for frame in frames.into_iter().rev() {
            self.bytes = self.bytes.saturating_add(frame.len());
            self.in_flight = self.in_flight.saturating_sub(frame.len());
            self.frames.push_front(frame);
        }
    }

    /// Takes frames from the front while their total stays within `budget` bytes (at least
    /// one frame, so a large frame is never stuck).
    pub(crate) fn take_up_to(&mut self, budget: usize) -> Vec<Frame> {
        let mut out = Vec::new();
        let mut used = 0usize;
        while let Some(front) = self.frames.front() {
            let next = used.saturating_add(front.len());
            if !out.is_empty() && next > budget {
                break;
            }
            let Some(frame) = self.frames.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(frame.len());
            used = next;
            out.push(frame);
        }
        self.release_if_empty();
        out
    }

    /// Records that `frames` (just taken for a GET response) are in flight.
    pub(crate) fn hold_in_flight(&mut self, frames: &[Frame]) {
        self.in_flight = frames.iter().map(Frame::len).fold(0, usize::saturating_add);
    }

    /// The in-flight frames arrived (or were dropped with their session): stop counting them.
    pub(crate) fn delivered(&mut self) {
        self.in_flight = 0;
    }

    /// Bytes held for the session: queued plus in flight (what the bound limits).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) const fn held(&self) -> usize {
        self.bytes.saturating_add(self.in_flight)
    }

    /// Takes every frame.
    pub(crate) fn take_all(&mut self) -> Vec<Frame> {
        self.bytes = 0;
        std::mem::take(&mut self.frames).into()
    }

    /// Whether nothing is queued.
    pub(crate) fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Bytes queued.
    pub(crate) const fn bytes(&self) -> usize {
        self.bytes
    }

    fn release_if_empty(&mut self) {
        if self.frames.is_empty() && self.frames.capacity() > 0 {
            self.frames = VecDeque::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use socketio_proto::Str;

    use super::*;

    fn f(s: &'static str) -> Frame {
        Frame::Text(Str::from_static(s))
    }

    #[test]
    fn bounded_by_bytes() {
        let mut o = Outbox::default();
        assert!(o.push(f("4abc"), 6));
        assert!(!o.push(f("4abc"), 6), "8 bytes > 6");
        assert!(o.push(f("4a"), 6));
        assert_eq!(o.bytes(), 6);
    }

    #[test]
    fn take_up_to_keeps_order_and_at_least_one() {
        let mut o = Outbox::default();
        for s in ["4aaaa", "4b", "4c"] {
            assert!(o.push(f(s), 100));
        }
        assert_eq!(o.take_up_to(1), vec![f("4aaaa")]);
        o.unshift_all(vec![f("4z")]);
        assert_eq!(o.take_up_to(100), vec![f("4z"), f("4b"), f("4c")]);
        assert!(o.is_empty());
        assert_eq!(o.bytes(), 0);
    }

    #[test]
    fn frames_in_flight_count_toward_the_bound() {
        let mut o = Outbox::default();
        assert!(o.push(f("4abc"), 6));
        let taken = o.take_up_to(100);
        o.hold_in_flight(&taken);
        assert_eq!((o.bytes(), o.held()), (0, 4));
        assert!(!o.push(f("4abc"), 6), "4 in flight + 4 > 6");
        assert!(o.push(f("4"), 6));
        o.unshift_all(taken);
        assert_eq!((o.bytes(), o.held()), (5, 5), "lost frames are back, once");
        let taken = o.take_up_to(100);
        o.hold_in_flight(&taken);
        o.delivered();
        assert_eq!(o.held(), 0);
        assert!(o.push(f("4abcd"), 6));
    }
}
