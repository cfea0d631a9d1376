//! Echo: every client runs a closed loop of "echo-ack" round trips (send, wait for the ack,
//! send again) for the duration; the figures are round trips per second over all clients
//! and the round-trip latency distribution. Each ack is checked to carry the sent arguments.

use std::time::{Duration, Instant};

use socketio_proto::sio::Payload;

use super::{Fleet, Member, Phase, REPLY_TIMEOUT, filler, micros, rate};
use crate::args::Settings;
use crate::client::{Client, ClientError, Incoming};
use crate::hist::Histogram;

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
}

impl EchoTotals {
    /// Round trips per second.
    pub(crate) fn rate(&self) -> f64 {
        rate(self.hist.len(), self.elapsed)
    }
}

async fn closed_loop(
    client: &mut Client,
    args: &Payload,
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

async fn client_task(mut member: Member, args: Payload, duration: Duration) -> Option<EchoResult> {
    let mut client = member.connect().await?;
    let mut out = EchoResult {
        hist: Histogram::new(),
        finished: Instant::now(),
        mismatches: 0,
        error: None,
    };
    match member.wait_phase(&mut client, Phase::Connecting).await {
        Ok(Phase::Run) => {
            let deadline = Instant::now() + duration;
            if let Err(e) = closed_loop(&mut client, &args, deadline, &mut out).await {
                out.error = Some(e.to_string());
            }
        }
        Ok(_) => {}
        Err(e) => out.error = Some(e.to_string()),
    }
    out.finished = Instant::now();
    client.close().await;
    Some(out)
}

/// Runs the echo scenario against the server on `port`; returns the connect summary and
/// the totals (measured from the common start).
pub(crate) async fn run(port: u16, s: &Settings) -> (super::ConnectSummary, EchoTotals) {
    let args = Payload::from_value(&serde_json::json!([filler(s.payload_bytes)]));
    let (mut fleet, member) = Fleet::new(port, s);
    let tasks: Vec<_> = (0..s.clients)
        .map(|_| tokio::spawn(client_task(member.clone(), args.clone(), s.duration)))
        .collect();
    drop(member);
    let connect = fleet.connected(s.connect_timeout).await;
    let start = Instant::now();
    fleet.set(Phase::Run);
    let mut totals = EchoTotals {
        hist: Histogram::new(),
        elapsed: Duration::ZERO,
        mismatches: 0,
        errors: 0,
        first_error: None,
    };
    let mut last = start;
    for t in tasks {
        // Each task is bounded: duration plus one reply timeout plus a 1 s close.
        let Ok(Some(r)) = t.await else { continue };
        totals.hist.merge(&r.hist);
        totals.mismatches = totals.mismatches.saturating_add(r.mismatches);
        if let Some(e) = r.error {
            totals.errors = totals.errors.saturating_add(1);
            totals.first_error.get_or_insert(e);
        }
        last = last.max(r.finished);
    }
    fleet.set(Phase::Stop);
    totals.elapsed = last.saturating_duration_since(start);
    (connect, totals)
}
