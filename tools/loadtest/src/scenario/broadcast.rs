//! Broadcast: every client listens for "news"; client 0 also sends "broadcast"
//! `{room:null, event:"news", args:[<send time µs>, <filler>], exceptSelf:false}` with at most
//! `in_flight` broadcasts awaiting their ack, for the duration. Every client (the sender
//! included) should receive every broadcast, so deliveries expected = acked broadcasts ×
//! clients. After the sender stops, the scenario waits (bounded by [`DRAIN_TIMEOUT`]) for
//! the deliveries still on their way, then stops the receivers.
//!
//! Figures: broadcasts acked per second (sender's window), deliveries per second (from the
//! start to the last delivery), the delivery ratio, the sender's ack latency and the
//! delivery latency (receive time minus the send time carried in the event; one process,
//! one clock).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use socketio_proto::sio::{Args, Payload};

use super::{Fleet, Member, Phase, REPLY_TIMEOUT, filler, micros, rate};
use crate::args::Settings;
use crate::client::{Client, ClientError, Incoming};
use crate::hist::Histogram;
use crate::procfs::{CpuMeter, CpuUsage};

/// Longest wait for deliveries still in flight after the sender's last ack.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// After the sender is done, a silence this long means no more deliveries are coming.
pub(crate) const QUIET: Duration = Duration::from_secs(2);

/// Shared by every client task: cheap atomics only.
struct Shared {
    epoch: Instant,
    delivered: AtomicU64,
    /// Microseconds since `epoch` of the latest delivery.
    last_delivery_us: AtomicU64,
    /// Broadcasts acked so far.
    acked: AtomicU64,
    /// The send time of the newest broadcast sent.
    newest_sent_us: AtomicU64,
    /// The sender has stopped (window over and every ack in, or an error).
    sender_done: AtomicBool,
}

/// What the whole fleet measured.
pub(crate) struct BroadcastTotals {
    /// Broadcasts sent.
    pub(crate) sent: u64,
    /// Broadcasts acked.
    pub(crate) acked: u64,
    /// Sender's window (first send to last ack).
    pub(crate) send_elapsed: Duration,
    /// Ack latency seen by the sender.
    pub(crate) ack_hist: Histogram,
    /// "news" events received, all clients.
    pub(crate) delivered: u64,
    /// Deliveries expected: acked × connected clients.
    pub(crate) expected: u64,
    /// From the start to the last delivery.
    pub(crate) deliver_elapsed: Duration,
    /// Delivery latency.
    pub(crate) delivery_hist: Histogram,
    /// Clients that received fewer "news" than broadcasts were acked.
    pub(crate) short_receivers: u64,
    /// Of those, the ones that did not get the final broadcast (the others lost one earlier).
    pub(crate) short_missing_last: u64,
    /// Clients that stopped with an error.
    pub(crate) errors: u64,
    /// The first error.
    pub(crate) first_error: Option<String>,
    /// CPU from the start to the end of the drain.
    pub(crate) cpu: CpuUsage,
}

impl BroadcastTotals {
    /// Acked broadcasts per second.
    pub(crate) fn broadcast_rate(&self) -> f64 {
        rate(self.acked, self.send_elapsed)
    }

    /// Deliveries per second.
    pub(crate) fn delivery_rate(&self) -> f64 {
        rate(self.delivered, self.deliver_elapsed)
    }
}

/// Counts a "news" event; other events (the "welcome") are ignored.
fn on_event(data: &Payload, shared: &Shared, rx: &mut Received) {
    if data.event_name().ok().as_deref() != Some("news") {
        return;
    }
    let now_us = micros(shared.epoch.elapsed());
    if let Ok((sent_us,)) = data.event_args::<(u64,)>() {
        rx.hist.record(now_us.saturating_sub(sent_us));
        rx.newest_us = rx.newest_us.max(sent_us);
    }
    shared.delivered.fetch_add(1, Ordering::Relaxed);
    shared.last_delivery_us.fetch_max(now_us, Ordering::Relaxed);
}

/// What one client received.
#[derive(Default)]
struct Received {
    /// Delivery latencies (one sample per "news": it also counts them).
    hist: Histogram,
    /// The send time of the newest broadcast received: tells whether a client that is short
    /// of deliveries missed the final broadcast or one in the middle.
    newest_us: u64,
}

/// Outcome of a client task: delivery latencies, and for the sender its figures.
struct ClientOut {
    rx: Received,
    sender: Option<SenderOut>,
    error: Option<String>,
}

struct SenderOut {
    sent: u64,
    acked: u64,
    elapsed: Duration,
    ack_hist: Histogram,
}

fn broadcast_args(shared: &Shared, payload: &str) -> Args {
    let sent_us = micros(shared.epoch.elapsed());
    shared.newest_sent_us.fetch_max(sent_us, Ordering::Relaxed);
    Args::from_values([serde_json::json!({
        "room": null, "event": "news", "args": [sent_us, payload], "exceptSelf": false
    })])
}

async fn send_loop(
    client: &mut Client,
    s: &Settings,
    shared: &Shared,
    rx: &mut Received,
) -> Result<SenderOut, ClientError> {
    let payload = filler(s.payload_bytes);
    let start = Instant::now();
    let deadline = start + s.duration;
    let mut out = SenderOut {
        sent: 0,
        acked: 0,
        elapsed: Duration::ZERO,
        ack_hist: Histogram::new(),
    };
    // Send times of the broadcasts awaiting their ack (at most `in_flight`).
    let mut pending: Vec<(u64, Instant)> = Vec::with_capacity(s.in_flight);
    loop {
        let sending = Instant::now() < deadline;
        while sending && pending.len() < s.in_flight {
            let id = client
                .emit_with_ack("broadcast", &broadcast_args(shared, &payload))
                .await?;
            pending.push((id, Instant::now()));
            out.sent = out.sent.saturating_add(1);
        }
        if !sending && pending.is_empty() {
            break;
        }
        match tokio::time::timeout(REPLY_TIMEOUT, client.next()).await {
            Err(_) => {
                return Err(ClientError::Protocol(
                    "no broadcast ack within the reply timeout".into(),
                ));
            }
            Ok(Err(e)) => return Err(e),
            Ok(Ok(Incoming::Event(data))) => on_event(&data, shared, rx),
            Ok(Ok(Incoming::Ack { id, .. })) => {
                if let Some(i) = pending.iter().position(|(p, _)| *p == id) {
                    let (_, at) = pending.swap_remove(i);
                    out.ack_hist.record(micros(at.elapsed()));
                    out.acked = out.acked.saturating_add(1);
                    shared.acked.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    out.elapsed = start.elapsed();
    Ok(out)
}

async fn client_task(
    mut member: Member,
    is_sender: bool,
    s: Settings,
    shared: Arc<Shared>,
) -> Option<ClientOut> {
    let mut client = member.connect().await?;
    let mut out = ClientOut {
        rx: Received::default(),
        sender: None,
        error: None,
    };
    let result: Result<(), ClientError> = async {
        // Only the sender waits for Run with `wait_phase` (which drops events). A receiver
        // counts "news" from the moment it is connected: the first broadcasts can reach it
        // before its task has even seen the phase change, and must not be lost.
        if is_sender {
            if member.wait_phase(&mut client, Phase::Connecting).await? != Phase::Run {
                return Ok(());
            }
            let sent = send_loop(&mut client, &s, &shared, &mut out.rx).await;
            shared.sender_done.store(true, Ordering::Relaxed);
            out.sender = Some(sent?);
        }
        // Receive until told to stop.
        loop {
            if *member.phase.borrow_and_update() == Phase::Stop {
                return Ok(());
            }
            tokio::select! {
                changed = member.phase.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                }
                incoming = client.next() => {
                    if let Incoming::Event(data) = incoming? {
                        on_event(&data, &shared, &mut out.rx);
                    }
                }
            }
        }
    }
    .await;
    if let Err(e) = result {
        out.error = Some(e.to_string());
    }
    client.close().await;
    Some(out)
}

/// Runs the broadcast scenario against the server on `port` (process `pid`, when known).
pub(crate) async fn run(
    port: u16,
    pid: Option<u32>,
    s: &Settings,
) -> (super::ConnectSummary, BroadcastTotals) {
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        delivered: AtomicU64::new(0),
        last_delivery_us: AtomicU64::new(0),
        acked: AtomicU64::new(0),
        newest_sent_us: AtomicU64::new(0),
        sender_done: AtomicBool::new(false),
    });
    let (mut fleet, member) = Fleet::new(port, s);
    let mut tasks: Vec<_> = (0..s.clients)
        .map(|i| {
            tokio::spawn(client_task(
                member.clone(),
                i == 0,
                s.clone(),
                shared.clone(),
            ))
        })
        .collect();
    drop(member);
    let connect = fleet.connected(s.connect_timeout).await;
    let meter = CpuMeter::start(pid);
    let start_us = micros(shared.epoch.elapsed());
    fleet.set(Phase::Run);

    // The sender's task ends only at Stop, so watch the shared counters instead: after the
    // window, wait until every acked broadcast reached every client, or nothing arrived for
    // QUIET, or DRAIN_TIMEOUT passed.
    let connected = u64::try_from(connect.connected).unwrap_or(u64::MAX);
    if connect.connected == 0 {
        shared.sender_done.store(true, Ordering::Relaxed);
    }
    tokio::time::sleep(s.duration).await;
    let drain_deadline = Instant::now() + DRAIN_TIMEOUT;
    let mut last_seen = (shared.delivered.load(Ordering::Relaxed), Instant::now());
    while Instant::now() < drain_deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let delivered = shared.delivered.load(Ordering::Relaxed);
        let done = shared.sender_done.load(Ordering::Relaxed);
        if done
            && delivered
                >= shared
                    .acked
                    .load(Ordering::Relaxed)
                    .saturating_mul(connected)
        {
            break;
        }
        if delivered != last_seen.0 {
            last_seen = (delivered, Instant::now());
        } else if done && last_seen.1.elapsed() > QUIET {
            break;
        }
    }
    let cpu = meter.finish();
    fleet.set(Phase::Stop);

    let mut totals = BroadcastTotals {
        sent: 0,
        acked: 0,
        send_elapsed: Duration::ZERO,
        ack_hist: Histogram::new(),
        delivered: shared.delivered.load(Ordering::Relaxed),
        expected: 0,
        deliver_elapsed: Duration::from_micros(
            shared
                .last_delivery_us
                .load(Ordering::Relaxed)
                .saturating_sub(start_us),
        ),
        delivery_hist: Histogram::new(),
        short_receivers: 0,
        short_missing_last: 0,
        errors: 0,
        first_error: None,
        cpu,
    };
    // Deliveries per client (every "news" carries a send time, so the histogram counts them).
    let mut per_client = Vec::with_capacity(tasks.len());
    for t in tasks.drain(..) {
        let Ok(Some(r)) = t.await else { continue };
        per_client.push((r.rx.hist.len(), r.rx.newest_us));
        totals.delivery_hist.merge(&r.rx.hist);
        if let Some(snd) = r.sender {
            totals.sent = snd.sent;
            totals.acked = snd.acked;
            totals.send_elapsed = snd.elapsed;
            totals.ack_hist = snd.ack_hist;
        }
        if let Some(e) = r.error {
            totals.errors = totals.errors.saturating_add(1);
            totals.first_error.get_or_insert(e);
        }
    }
    totals.expected = totals.acked.saturating_mul(connected);
    let newest = shared.newest_sent_us.load(Ordering::Relaxed);
    for &(_, newest_seen) in per_client.iter().filter(|(n, _)| *n < totals.acked) {
        totals.short_receivers = totals.short_receivers.saturating_add(1);
        if newest_seen < newest {
            totals.short_missing_last = totals.short_missing_last.saturating_add(1);
        }
    }
    (connect, totals)
}
