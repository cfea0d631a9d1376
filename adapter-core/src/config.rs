//! [`DriverConfig`]: the driver's own limits (the protocol's live in the engine's config).

use std::time::Duration;

/// Limits of the I/O driver around an engine. Every field has a named default.
///
/// What a WebSocket's writer may hold for a client that does not read is not here: it is the
/// engine's `max_outbox_bytes`, the same bound as a polling session's queue, counted in
/// bytes so that a burst to a client that reads is never mistaken for a slow consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriverConfig {
    /// Bytes of the read buffer each WebSocket connection allocates. Default
    /// [`Self::DEFAULT_WS_READ_BUFFER`]. tungstenite's own default (128 KiB) is allocated up
    /// front per connection and dominated idle memory; larger messages still arrive, the
    /// buffer just refills more often.
    pub ws_read_buffer: usize,
    /// How long a client may take to send a request's headers. Default
    /// [`Self::DEFAULT_HEADER_READ_TIMEOUT`]. A connection that dribbles its headers
    /// (slowloris) is closed after it, so half-open connections cannot pile up. With several
    /// mounts on one listener the shortest applies.
    pub header_read_timeout: Duration,
    /// How long a WebSocket may still take once the server closed it (the close is queued
    /// behind what the client has not taken yet): past it the socket is dropped, even if a
    /// write is stuck behind a client that stopped reading, so such connections do not hold
    /// their queue forever. Default [`Self::DEFAULT_WS_CLOSE_TIMEOUT`].
    pub ws_close_timeout: Duration,
    /// How long a client may take to send a request's body once its headers arrived.
    /// Default `None`: the session's own lifetime (`ping_interval + ping_timeout`), past
    /// which the session of a POST that trickles in has ended anyway. Never longer than
    /// [`header_read_timeout`](Self::header_read_timeout), whatever is set here. A body cut
    /// off is answered 408 and its connection closed; a body whose session ends before it
    /// is complete is cut at once (the engine answers 400, "Session ID unknown").
    pub body_read_timeout: Option<Duration>,
    /// Network inputs (requests, WebSocket messages) queued for the hub. Default
    /// [`Self::DEFAULT_NET_QUEUE`]. When full, connection readers wait: TCP backpressure
    /// reaches the clients instead of memory growing.
    pub net_queue: usize,
    /// Application handler tasks running at once. Default
    /// [`Self::DEFAULT_MAX_HANDLER_TASKS`]. At the limit the hub stops taking network input
    /// (application commands still flow, so running handlers can finish).
    pub max_handler_tasks: usize,
    /// Events queued for one socket's namespace object
    /// ([`SocketNamespace`](crate::app::SocketNamespace)), which handles them one at a
    /// time. Default [`Self::DEFAULT_MAX_QUEUED_EVENTS`]. A client whose events arrive faster
    /// than its object handles them is disconnected when this many wait, so a flood cannot
    /// grow memory; others are not held up.
    pub max_queued_events: usize,
    /// Inputs applied per hub turn before timers are checked and actions drained.
    /// Default [`Self::DEFAULT_WORK_BATCH`]: amortizes draining over bursts without letting
    /// one burst delay timers much.
    pub work_batch: usize,
    /// How long a graceful shutdown waits for clients to receive their disconnect (a
    /// polling client must come back for it) before the hub stops anyway. Default
    /// [`Self::DEFAULT_SHUTDOWN_GRACE`].
    pub shutdown_grace: Duration,
}

impl DriverConfig {
    /// Default of [`header_read_timeout`](Self::header_read_timeout): 30 s, hyper's own.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default of [`ws_close_timeout`](Self::ws_close_timeout): 30 s, node's `ws`
    /// `closeTimeout`; long enough for a reading client to take a full queue.
    pub const DEFAULT_WS_CLOSE_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default of [`ws_read_buffer`](Self::ws_read_buffer): 4 KiB.
    pub const DEFAULT_WS_READ_BUFFER: usize = 4096;
    /// Default of [`net_queue`](Self::net_queue).
    pub const DEFAULT_NET_QUEUE: usize = 1024;
    /// Default of [`max_handler_tasks`](Self::max_handler_tasks).
    pub const DEFAULT_MAX_HANDLER_TASKS: usize = 10_000;
    /// Default of [`max_queued_events`](Self::max_queued_events): 1024, far more than a
    /// client that waits for its acks ever has in flight.
    pub const DEFAULT_MAX_QUEUED_EVENTS: usize = 1024;
    /// Default of [`work_batch`](Self::work_batch).
    pub const DEFAULT_WORK_BATCH: usize = 64;
    /// Default of [`shutdown_grace`](Self::shutdown_grace): 3 s, longer than a polling
    /// client's round trip, short enough for a deploy.
    pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
}

impl DriverConfig {
    /// The body read limit in force for a server whose sessions outlive silence by
    /// `session_lifetime`: see [`body_read_timeout`](Self::body_read_timeout).
    pub(crate) fn body_read_limit(&self, session_lifetime: Duration) -> Duration {
        self.body_read_timeout
            .unwrap_or(session_lifetime)
            .min(self.header_read_timeout)
    }
}

impl Default for DriverConfig {
    fn default() -> Self {
        Self {
            ws_read_buffer: Self::DEFAULT_WS_READ_BUFFER,
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: None,
            ws_close_timeout: Self::DEFAULT_WS_CLOSE_TIMEOUT,
            net_queue: Self::DEFAULT_NET_QUEUE,
            max_handler_tasks: Self::DEFAULT_MAX_HANDLER_TASKS,
            max_queued_events: Self::DEFAULT_MAX_QUEUED_EVENTS,
            work_batch: Self::DEFAULT_WORK_BATCH,
            shutdown_grace: Self::DEFAULT_SHUTDOWN_GRACE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_named_constants() {
        let c = DriverConfig::default();
        assert_eq!(c.ws_read_buffer, 4096);
        assert_eq!(c.header_read_timeout, Duration::from_secs(30));
        assert_eq!(c.body_read_timeout, None);
        assert_eq!(c.ws_close_timeout, Duration::from_secs(30));
        assert_eq!(c.net_queue, 1024);
        assert_eq!(c.max_handler_tasks, 10_000);
        assert_eq!(c.max_queued_events, 1024);
        assert_eq!(c.work_batch, 64);
        assert_eq!(c.shutdown_grace, Duration::from_secs(3));
    }

    #[test]
    fn the_body_limit_is_the_session_lifetime_at_most_the_header_timeout() {
        let s = Duration::from_secs;
        let c = DriverConfig::default();
        assert_eq!(c.body_read_limit(s(5)), s(5));
        assert_eq!(
            c.body_read_limit(s(45)),
            s(30),
            "the header timeout bounds it"
        );
        let c = DriverConfig {
            body_read_timeout: Some(s(2)),
            ..DriverConfig::default()
        };
        assert_eq!(c.body_read_limit(s(45)), s(2));
        let c = DriverConfig {
            body_read_timeout: Some(s(60)),
            ..DriverConfig::default()
        };
        assert_eq!(
            c.body_read_limit(s(45)),
            s(30),
            "never past the header timeout"
        );
    }
}
