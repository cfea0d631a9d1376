//! The load scenarios and what they share: a fleet of client tasks that connect with bounded
//! concurrency, then follow a phase signal.
//!
//! Theory of operation: a scenario spawns one task per client. Each task takes a permit of
//! the connect semaphore (so at most `connect_concurrency` handshakes are in progress and
//! the server's accept queue is never flooded), connects, gives the permit back, reports
//! to the scenario, and waits — answering pings — for the phase to leave
//! [`Phase::Connecting`]. The scenario collects every report (bounded by the connect
//! timeout per client), then switches the phase to [`Phase::Run`] so all clients start at
//! the same instant, and to [`Phase::Stop`] at the end. Every wait in a scenario has a
//! deadline, so a stuck server ends a scenario with an error count, never a hang.

pub(crate) mod broadcast;
pub(crate) mod echo;
pub(crate) mod idle;
pub(crate) mod polling;
pub(crate) mod spread;

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc, watch};

use crate::args::Settings;
use crate::client::{Client, ClientError};

/// The `k`-th client source address: 127.0.0.(k + 1).
pub(crate) fn source_addr(k: usize) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 0, u8::try_from(k % 254).unwrap_or(0) + 1)
}

/// How long a client waits for any single reply (an ack) before counting an error.
pub(crate) const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// What the clients should be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Connecting; connected clients wait.
    Connecting,
    /// Measuring.
    Run,
    /// Done: finish up and close.
    Stop,
}

/// The outcome of the connect phase.
#[derive(Debug, Clone)]
pub(crate) struct ConnectSummary {
    /// Clients connected.
    pub(crate) connected: usize,
    /// Clients that failed to connect.
    pub(crate) failed: usize,
    /// The first failure, for the report.
    pub(crate) first_error: Option<String>,
    /// From the first attempt to the last report.
    pub(crate) elapsed: Duration,
}

/// The scenario's side of a fleet of client tasks.
pub(crate) struct Fleet {
    phase: watch::Sender<Phase>,
    reports: mpsc::Receiver<Result<(), String>>,
    clients: usize,
    started: Instant,
}

/// A client task's side: how it connects and learns the phase. Each clone is the next
/// client, on the next server when the clients are spread (see [`spread`]).
pub(crate) struct Member {
    port: u16,
    ports: spread::Ports,
    connect_timeout: Duration,
    source_addrs: usize,
    /// Connection attempts so far, to pick each one's source address in turn.
    attempts: Arc<AtomicUsize>,
    permits: Arc<Semaphore>,
    reports: mpsc::Sender<Result<(), String>>,
    /// The phase signal.
    pub(crate) phase: watch::Receiver<Phase>,
}

impl Fleet {
    /// A fleet for `settings.clients` clients of the server on `port`, and the handle each
    /// client task gets.
    pub(crate) fn new(port: u16, settings: &Settings) -> (Self, Member) {
        let (phase_tx, phase_rx) = watch::channel(Phase::Connecting);
        let (report_tx, report_rx) = mpsc::channel(settings.clients.max(1));
        let fleet = Self {
            phase: phase_tx,
            reports: report_rx,
            clients: settings.clients,
            started: Instant::now(),
        };
        let ports = spread::Ports::new(port, &settings.spread_ports);
        // The template is no client: its clones are, from the first server on.
        let member = Member {
            port,
            ports,
            connect_timeout: settings.connect_timeout,
            source_addrs: settings.source_addrs.max(1),
            attempts: Arc::new(AtomicUsize::new(0)),
            permits: Arc::new(Semaphore::new(settings.connect_concurrency.max(1))),
            reports: report_tx,
            phase: phase_rx,
        };
        (fleet, member)
    }

    /// Waits for every client's connect report.
    pub(crate) async fn connected(&mut self, connect_timeout: Duration) -> ConnectSummary {
        let mut summary = ConnectSummary {
            connected: 0,
            failed: 0,
            first_error: None,
            elapsed: Duration::ZERO,
        };
        // Every attempt is bounded by the connect timeout and waits for a permit first, so
        // the whole phase is bounded by (clients / concurrency + 1) timeouts; this outer
        // bound only guards against a task that never reports.
        let bound = connect_timeout.saturating_mul(u32::try_from(self.clients).unwrap_or(u32::MAX));
        let deadline = tokio::time::Instant::now() + bound.min(Duration::from_secs(600));
        while summary.connected + summary.failed < self.clients {
            match tokio::time::timeout_at(deadline, self.reports.recv()).await {
                Ok(Some(Ok(()))) => summary.connected += 1,
                Ok(Some(Err(e))) => {
                    summary.failed += 1;
                    summary.first_error.get_or_insert(e);
                }
                Ok(None) | Err(_) => {
                    summary.failed = self.clients.saturating_sub(summary.connected);
                    summary
                        .first_error
                        .get_or_insert_with(|| "connect phase timed out".into());
                    break;
                }
            }
        }
        summary.elapsed = self.started.elapsed();
        summary
    }

    /// Switches every client to `phase`.
    pub(crate) fn set(&self, phase: Phase) {
        self.phase.send_replace(phase);
    }
}

impl Clone for Member {
    fn clone(&self) -> Self {
        Self {
            port: self.ports.take(),
            ports: self.ports.share(),
            connect_timeout: self.connect_timeout,
            source_addrs: self.source_addrs,
            attempts: self.attempts.clone(),
            permits: self.permits.clone(),
            reports: self.reports.clone(),
            phase: self.phase.clone(),
        }
    }
}

impl Member {
    /// Connects (within the concurrency bound and the timeout) and reports the outcome.
    pub(crate) async fn connect(&self) -> Option<Client> {
        let result = async {
            let _permit = self.permits.acquire().await.map_err(|e| e.to_string())?;
            let k = self.attempts.fetch_add(1, Ordering::Relaxed) % self.source_addrs;
            let source = source_addr(k);
            match tokio::time::timeout(self.connect_timeout, Client::connect(self.port, source))
                .await
            {
                Ok(Ok(c)) => Ok(c),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!(
                    "connect timed out after {:?}",
                    self.connect_timeout
                )),
            }
        }
        .await;
        let (report, client) = match result {
            Ok(c) => (Ok(()), Some(c)),
            Err(e) => (Err(e), None),
        };
        let _ = self.reports.send(report).await;
        client
    }

    /// Reads (answering pings, dropping events) until the phase is no longer `while_in`;
    /// returns the new phase.
    pub(crate) async fn wait_phase(
        &mut self,
        client: &mut Client,
        while_in: Phase,
    ) -> Result<Phase, ClientError> {
        loop {
            let now = *self.phase.borrow_and_update();
            if now != while_in {
                return Ok(now);
            }
            tokio::select! {
                changed = self.phase.changed() => {
                    if changed.is_err() {
                        return Ok(Phase::Stop);
                    }
                }
                incoming = client.next() => { incoming?; }
            }
        }
    }
}

/// A string of `n` ASCII characters (no JSON escaping needed) for payloads.
pub(crate) fn filler(n: usize) -> String {
    "abcdefghijklmnopqrstuvwxyz0123456789"
        .chars()
        .cycle()
        .take(n)
        .collect()
}

/// Microseconds in `d`, saturating.
pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// `count / secs`, 0 for an empty interval.
pub(crate) fn rate(count: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    // Counts stay far below 2^53.
    #[allow(clippy::cast_precision_loss)]
    if secs > 0.0 { count as f64 / secs } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_is_exact_length_ascii() {
        assert_eq!(filler(0), "");
        assert_eq!(filler(40).len(), 40);
        assert!(filler(100).bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn rates() {
        assert!((rate(500, Duration::from_secs(2)) - 250.0).abs() < 1e-9);
        assert!(rate(5, Duration::ZERO).abs() < f64::EPSILON);
    }
}
