//! Idle: open many connections that do nothing but answer pings, and measure what they cost
//! the server in resident memory.
//!
//! Sequence: read the server's VmRSS (baseline, after its startup) → connect every client
//! (bounded concurrency) → wait `settle` → read VmRSS again (loaded) → hold the connections
//! open for `hold` (pings answered), read VmRSS once more → close them all. Bytes per
//! connection = (loaded − baseline) / connected. The figure includes everything the server
//! allocates per connection (socket buffers in user space, WebSocket state, Engine.IO and
//! Socket.IO session, its task), but not kernel socket memory, which is not in VmRSS.

use std::time::{Duration, Instant};

use super::{ConnectSummary, Fleet, Member, Phase};
use crate::args::Settings;
use crate::procfs::{self, CpuMeter, CpuUsage};

/// Memory readings of one idle run.
pub(crate) struct IdleTotals {
    /// Server RSS before connecting.
    pub(crate) baseline: Option<u64>,
    /// Server RSS with every client connected, after the settle time.
    pub(crate) loaded: Option<u64>,
    /// Server RSS at the end of the hold.
    pub(crate) after_hold: Option<u64>,
    /// Clients that dropped during the hold.
    pub(crate) dropped: u64,
    /// The first drop's reason.
    pub(crate) first_error: Option<String>,
    /// CPU over the connect phase.
    pub(crate) cpu: CpuUsage,
}

impl IdleTotals {
    /// (loaded − baseline) / connected, `None` without both readings or connections.
    pub(crate) fn per_connection(&self, connected: usize) -> Option<u64> {
        per_connection(self.baseline?, self.loaded?, connected)
    }
}

/// Bytes per connection from two RSS readings; a shrinking RSS counts as 0.
pub(crate) fn per_connection(baseline: u64, loaded: u64, connected: usize) -> Option<u64> {
    let n = u64::try_from(connected).ok().filter(|&n| n > 0)?;
    Some(loaded.saturating_sub(baseline) / n)
}

async fn client_task(mut member: Member) -> Option<String> {
    let mut client = member.connect().await?;
    // Idle until Stop, answering pings; any failure (the server dropped us) is reported.
    let result = member.wait_phase(&mut client, Phase::Connecting).await;
    let result = match result {
        Ok(Phase::Run) => member.wait_phase(&mut client, Phase::Run).await,
        other => other,
    };
    client.close().await;
    result.err().map(|e| e.to_string())
}

/// Runs the idle scenario against the server on `port` whose process is `pid`.
pub(crate) async fn run(port: u16, pid: Option<u32>, s: &Settings) -> (ConnectSummary, IdleTotals) {
    let rss = || pid.and_then(|p| procfs::rss_bytes(p).ok());
    let mut totals = IdleTotals {
        baseline: rss(),
        loaded: None,
        after_hold: None,
        dropped: 0,
        first_error: None,
        cpu: CpuUsage::default(),
    };
    let meter = CpuMeter::start(pid);
    let (mut fleet, member) = Fleet::new(port, s);
    let tasks: Vec<_> = (0..s.clients)
        .map(|_| tokio::spawn(client_task(member.clone())))
        .collect();
    drop(member);
    let connect = fleet.connected(s.connect_timeout).await;
    totals.cpu = meter.finish();
    // "Run" for idle clients means: keep idling. The phase change only marks the end of the
    // connect phase for the tasks.
    fleet.set(Phase::Run);
    tokio::time::sleep(s.settle).await;
    totals.loaded = rss();
    let hold_end = Instant::now() + s.hold;
    tokio::time::sleep_until(hold_end.into()).await;
    totals.after_hold = rss();
    fleet.set(Phase::Stop);
    for t in tasks {
        // Each task ends within the 1 s close timeout after Stop.
        let Ok(Some(error)) = tokio::time::timeout(Duration::from_secs(5), t)
            .await
            .unwrap_or(Ok(None))
        else {
            continue;
        };
        totals.dropped = totals.dropped.saturating_add(1);
        totals.first_error.get_or_insert(error);
    }
    (connect, totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_connection_math() {
        assert_eq!(per_connection(10_000_000, 60_000_000, 10_000), Some(5_000));
        assert_eq!(per_connection(10_000, 5_000, 10), Some(0));
        assert_eq!(per_connection(1, 2, 0), None);
    }
}
