//! Echo: every client runs a closed loop of "echo-ack" round trips (send, wait for the ack,
//! send again) for the duration; the figures are round trips per second over all clients
//! and the round-trip latency distribution. Each ack is checked to carry the sent arguments.

use std::time::{Duration, Instant};

use socketio_proto::sio::Args;
use tokio::sync::mpsc;

use super::{Fleet, Member, Phase, REPLY_TIMEOUT, filler, micros, rate};
use crate::args::Settings;
use crate::client::{Client, ClientError, Incoming};
use crate::hist::Histogram;
use crate::procfs::{CpuMeter, CpuUsage};

/// What one client measured.
pub(crate) struct EchoResult {
    /// Latencies of the completed round trips.
    pub(crate) hist: Histogram,
    /// When the client finished its last round trip.
    pub(crate) finished: Instant,
    /// Acks that did not carry the sent arguments.
    pub(crate) mismatches: u64,
    /// Why the client stopped early, if it did.
    pub(crate) error: Option<String>,
}

/// All clients together.
pub(crate) struct EchoTotals {
    /// Every latency.
    pub(crate) hist: Histogram,
    /// From the common start to the last client's last round trip.
    pub(crate) elapsed: Duration,
    /// Wrong acks.
    pub(crate) mismatches: u64,
    /// Clients that stopped with an error.
    pub(crate) errors: u64,
    /// The first such error.
    pub(crate) first_error: Option<String>,
    /// CPU over the measuring window (from the start to the last client's end).
    pub(crate) cpu: CpuUsage,
}

impl EchoTotals {
    /// Round trips per second.
    pub(crate) fn rate(&self) -> f64 {
        rate(self.hist.len(), self.elapsed)
    }
}

async fn closed_loop(
    client: &mut Client,
    args: &Args,
    deadline: Instant,
    out: &mut EchoResult,
) -> Result<(), ClientError> {
    while Instant::now() < deadline {
        let sent = Instant::now();
        let id = client.emit_with_ack("echo-ack", args).await?;
        let data = loop {
            match tokio::time::timeout(REPLY_TIMEOUT, client.next()).await {
                Err(_) => {
                    return Err(ClientError::Protocol(
                        "no ack within the reply timeout".into(),
                    ));
                }
                Ok(Err(e)) => return Err(e),
                Ok(Ok(Incoming::Ack { id: got, data })) if got == id => break data,
                Ok(Ok(_)) => {} // "welcome" and anything else: not ours
            }
        };
        out.hist.record(micros(sent.elapsed()));
        if data.as_str() != args.as_str() {
            out.mismatches = out.mismatches.saturating_add(1);
        }
    }
    Ok(())
}

/// Measures, hands the result over `results`, then idles (answering pings) until Stop so
/// the server's disconnect work falls outside the measured window.
async fn client_task(
    mut member: Member,
    args: Args,
    duration: Duration,
    results: mpsc::UnboundedSender<EchoResult>,
) {
    let Some(mut client) = member.connect().await else {
        return;
    };
    let mut out = EchoResult {
        hist: Histogram::new(),
        finished: Instant::now(),
        mismatches: 0,
        error: None,
    };
    let mut healthy = true;
    match member.wait_phase(&mut client, Phase::Connecting).await {
        Ok(Phase::Run) => {
            let deadline = Instant::now() + duration;
            if let Err(e) = closed_loop(&mut client, &args, deadline, &mut out).await {
                out.error = Some(e.to_string());
                healthy = false;
            }
        }
        Ok(_) => {}
        Err(e) => {
            out.error = Some(e.to_string());
            healthy = false;
        }
    }
    out.finished = Instant::now();
    let _ = results.send(out);
    if healthy {
        let _ = member.wait_phase(&mut client, Phase::Run).await;
    }
    client.close().await;
}

/// Runs the echo scenario against the server on `port` (process `pid`, when known); returns
/// the connect summary and the totals (measured from the common start).
pub(crate) async fn run(
    port: u16,
    pid: Option<u32>,
    s: &Settings,
) -> (super::ConnectSummary, EchoTotals) {
    let args = Args::new(&(filler(s.payload_bytes),)).expect("a string serializes");
    let (mut fleet, member) = Fleet::new(port, s);
    let (results_tx, mut results) = mpsc::unbounded_channel();
    let tasks: Vec<_> = (0..s.clients)
        .map(|_| {
            let task = client_task(member.clone(), args.clone(), s.duration, results_tx.clone());
            tokio::spawn(task)
        })
        .collect();
    drop((member, results_tx));
    let connect = fleet.connected(s.connect_timeout).await;
    let meter = CpuMeter::start(pid);
    let start = Instant::now();
    fleet.set(Phase::Run);
    let mut totals = EchoTotals {
        hist: Histogram::new(),
        elapsed: Duration::ZERO,
        mismatches: 0,
        errors: 0,
        first_error: None,
        cpu: CpuUsage::default(),
    };
    let mut last = start;
    // Every connected client reports once, at most one reply timeout after the window.
    let deadline =
        tokio::time::Instant::now() + s.duration + REPLY_TIMEOUT + Duration::from_secs(1);
    for _ in 0..connect.connected {
        let Ok(Some(r)) = tokio::time::timeout_at(deadline, results.recv()).await else {
            break;
        };
        totals.hist.merge(&r.hist);
        totals.mismatches = totals.mismatches.saturating_add(r.mismatches);
        if let Some(e) = r.error {
            totals.errors = totals.errors.saturating_add(1);
            totals.first_error.get_or_insert(e);
        }
        last = last.max(r.finished);
    }
    totals.cpu = meter.finish();
    totals.elapsed = last.saturating_duration_since(start);
    fleet.set(Phase::Stop);
    for t in tasks {
        // Each task ends within the 1 s close timeout after Stop.
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    (connect, totals)
}
