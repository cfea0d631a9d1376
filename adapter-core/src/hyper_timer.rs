//! hyper's [`Timer`](hyper::rt::Timer) on top of our [`Runtime`]: hyper only enforces its
//! header-read timeout (the slowloris defence) when it has a timer, and hyper is
//! runtime-neutral, so we lend it ours.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::runtime::{Runtime, Timer};

/// A hyper timer backed by the runtime's timers.
#[derive(Clone)]
pub(crate) struct HyperTimer<R>(pub(crate) R);

impl<R: Runtime> hyper::rt::Timer for HyperTimer<R> {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        // A duration too large to add is "never" for our purposes: a year is plenty.
        let now = self.0.now();
        let at = now
            .checked_add(duration)
            .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600));
        self.sleep_until(at)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(RuntimeSleep(Mutex::new(self.0.timer_at(deadline))))
    }
}

/// hyper wants `Sync` sleeps; our timers are only `Send`. The mutex is never contended: a
/// sleep is polled through `&mut` only, so `get_mut` needs no locking.
struct RuntimeSleep<T>(Mutex<T>);

impl<T: Timer> Future for RuntimeSleep<T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let timer = match self.get_mut().0.get_mut() {
            Ok(t) => t,
            // Poisoning needs a panic while holding the lock, which get_mut never does;
            // the timer inside is intact either way.
            Err(poisoned) => poisoned.into_inner(),
        };
        Pin::new(timer).poll(cx)
    }
}

impl<T: Timer> hyper::rt::Sleep for RuntimeSleep<T> {}
