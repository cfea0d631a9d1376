//! [`RecoveryConfig`]: connection state recovery (socket.io 4.6's `connectionStateRecovery`)
//! and the limits on what it stores, each with its default and why.

use std::time::Duration;

/// Connection state recovery: a client whose connection drops for a moment comes back with
/// the same socket id, rooms and data, and receives the events it missed. Turned on with
/// [`SioConfig::connection_state_recovery`](super::SioConfig::connection_state_recovery);
/// off by default, as in node.
///
/// What is stored is bounded three ways ([`max_sessions`](Self::max_sessions),
/// [`max_packets`](Self::max_packets), [`max_bytes`](Self::max_bytes)) on top of node's
/// bound in time; the oldest entry goes first when a bound is reached. A client whose
/// offset was dropped gets a fresh socket, never a recovery with a gap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryConfig {
    pub(crate) max_disconnection_duration: Duration,
    pub(crate) skip_middlewares: bool,
    pub(crate) max_sessions: usize,
    pub(crate) max_packets: usize,
    pub(crate) max_bytes: usize,
}

impl Default for RecoveryConfig {
    fn default() -> Self {
        Self {
            max_disconnection_duration: Duration::from_secs(120),
            skip_middlewares: true,
            max_sessions: 100_000,
            max_packets: 10_000,
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

impl RecoveryConfig {
    /// How long a disconnected socket's session, and each sent event, are kept. Default
    /// 120 s, node's `maxDisconnectionDuration`. A client back within it recovers.
    pub fn max_disconnection_duration(&mut self, d: Duration) -> &mut Self {
        self.max_disconnection_duration = d;
        self
    }

    /// Whether a recovered socket skips the connect decision (authentication, node's
    /// middlewares). Default true, as node's `skipMiddlewares`: the client proved itself
    /// when it first connected, and its session id (`pid`) is a secret only it knows.
    pub fn skip_middlewares(&mut self, skip: bool) -> &mut Self {
        self.skip_middlewares = skip;
        self
    }

    /// Most disconnected sessions kept at once; beyond it the oldest is dropped. Default
    /// 100 000: a mass disconnect (a load balancer restarting in front of a large server)
    /// can be recovered whole, while the store stays bounded: a kept session with one room
    /// takes about 750 bytes of heap (ids, room names, three index entries; measured by
    /// `tests/recovery_memory.rs`), so about 75 MB at the default, plus the application's
    /// data and longer room lists.
    pub fn max_sessions(&mut self, n: usize) -> &mut Self {
        self.max_sessions = n;
        self
    }

    /// Most sent events kept for replay, all namespaces together; beyond it the oldest is
    /// dropped. Default 10 000, the length the redis streams adapter trims its stream to
    /// (`MAXLEN ~ 10000`): 80 events a second for the whole default duration.
    pub fn max_packets(&mut self, n: usize) -> &mut Self {
        self.max_packets = n;
        self
    }

    /// Most bytes of sent events (JSON text, attachments and room names) kept for replay;
    /// beyond it the oldest are dropped. Default 16 MiB: [`max_packets`](Self::max_packets)
    /// events of 1.6 KiB each, so large payloads cannot make the store grow past it. Each
    /// event also costs about 300 bytes of bookkeeping this does not count (measured by
    /// `tests/recovery_memory.rs`), bounded by `max_packets`.
    pub fn max_bytes(&mut self, n: usize) -> &mut Self {
        self.max_bytes = n;
        self
    }
}
