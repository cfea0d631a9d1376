//! Running a scenario against a server and turning its totals into a [`Report`], and the
//! suite that compares several servers.

use std::time::Duration;

use crate::args::{Kind, RunArgs, Settings, SuiteArgs, Target};
use crate::goals::{self, ratio};
use crate::hist::Histogram;
use crate::procfs;
use crate::report::{Report, Value, comparison};
use crate::scenario::{ConnectSummary, broadcast, echo, idle, polling};
use crate::server::Server;

/// The echo throughput goal: at least this many times node's round trips per second.
pub(crate) const ECHO_GOAL_RATIO: f64 = 2.0;
/// The memory goal: at most this fraction of node's bytes per idle connection.
pub(crate) const MEMORY_GOAL_RATIO: f64 = 0.5;

fn count(n: usize) -> Value {
    Value::Count(u64::try_from(n).unwrap_or(u64::MAX))
}

fn push_connect(r: &mut Report, c: &ConnectSummary) {
    r.push("clients_connected", count(c.connected));
    r.push("connect_failures", count(c.failed));
    r.push(
        "connect_phase_us",
        Value::Micros(Some(crate::scenario::micros(c.elapsed))),
    );
    if let Some(e) = &c.first_error {
        r.push("first_connect_error", Value::Text(e.clone()));
    }
}

fn push_latency(r: &mut Report, keys: [&'static str; 4], h: &Histogram) {
    let [p50, p90, p99, max] = keys;
    r.push(p50, Value::Micros(h.percentile(50.0)));
    r.push(p90, Value::Micros(h.percentile(90.0)));
    r.push(p99, Value::Micros(h.percentile(99.0)));
    r.push(max, Value::Micros(h.max()));
}

fn push_errors(r: &mut Report, errors: u64, first: Option<String>) {
    r.push("client_errors", Value::Count(errors));
    if let Some(e) = first {
        r.push("first_error", Value::Text(e));
    }
}

/// Server CPU microseconds per operation.
fn cpu_per_op(cpu: Option<Duration>, ops: u64) -> Value {
    Value::Micros(cpu.filter(|_| ops > 0).map(|d| {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        us / ops.max(1)
    }))
}

/// Server CPU nanoseconds per operation (broadcast deliveries cost a few µs: the µs figure
/// alone would round them to one or two values).
fn cpu_ns_per_op(cpu: Option<Duration>, ops: u64) -> Value {
    match cpu {
        Some(d) if ops > 0 => {
            Value::Count(u64::try_from(d.as_nanos() / u128::from(ops)).unwrap_or(u64::MAX))
        }
        _ => Value::Text("-".into()),
    }
}

/// Runs scenario `kind` with `settings` against `target`, naming the server `label`.
pub(crate) async fn run_one(
    kind: Kind,
    target: &Target,
    label: &str,
    s: &Settings,
) -> Result<Report, String> {
    let server = Server::start(target).await.map_err(|e| e.to_string())?;
    eprintln!(
        "[loadtest] {} vs {label} on 127.0.0.1:{} (pid {:?}), {} clients",
        kind.name(),
        server.port,
        server.pid,
        s.clients
    );
    let mut r = Report::new(kind.name(), label);
    let ops = match kind {
        Kind::Echo | Kind::Polling => {
            let (c, t) = if kind == Kind::Echo {
                echo::run(server.port, server.pid, s).await
            } else {
                polling::run(server.port, server.pid, s).await
            };
            push_connect(&mut r, &c);
            r.push("round_trips", Value::Count(t.hist.len()));
            r.push("round_trips_per_s", Value::Rate(t.rate()));
            push_latency(
                &mut r,
                [
                    "latency_p50_us",
                    "latency_p90_us",
                    "latency_p99_us",
                    "latency_max_us",
                ],
                &t.hist,
            );
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            r.push(
                "latency_mean_us",
                Value::Micros(t.hist.mean().map(|m| m.round() as u64)),
            );
            r.push("ack_mismatches", Value::Count(t.mismatches));
            push_errors(&mut r, t.errors, t.first_error);
            (t.hist.len(), t.cpu)
        }
        Kind::Broadcast => {
            let (c, t) = broadcast::run(server.port, server.pid, s).await;
            push_connect(&mut r, &c);
            r.push("broadcasts_acked", Value::Count(t.acked));
            r.push("broadcasts_per_s", Value::Rate(t.broadcast_rate()));
            r.push("deliveries", Value::Count(t.delivered));
            r.push(
                "deliveries_missing",
                Value::Count(t.expected.saturating_sub(t.delivered)),
            );
            r.push("short_receivers", Value::Count(t.short_receivers));
            r.push("short_missing_last", Value::Count(t.short_missing_last));
            r.push("deliveries_per_s", Value::Rate(t.delivery_rate()));
            r.push("ack_p50_us", Value::Micros(t.ack_hist.percentile(50.0)));
            r.push("ack_p99_us", Value::Micros(t.ack_hist.percentile(99.0)));
            push_latency(
                &mut r,
                [
                    "delivery_p50_us",
                    "delivery_p90_us",
                    "delivery_p99_us",
                    "delivery_max_us",
                ],
                &t.delivery_hist,
            );
            push_errors(&mut r, t.errors, t.first_error);
            (t.delivered, t.cpu)
        }
        Kind::Idle => {
            let (c, t) = idle::run(server.port, server.pid, s).await;
            push_connect(&mut r, &c);
            r.push("server_rss_baseline_bytes", Value::Bytes(t.baseline));
            r.push("server_rss_loaded_bytes", Value::Bytes(t.loaded));
            r.push("server_rss_after_hold_bytes", Value::Bytes(t.after_hold));
            r.push(
                "bytes_per_connection",
                Value::Bytes(t.per_connection(c.connected)),
            );
            r.push("dropped_during_hold", Value::Count(t.dropped));
            if let Some(e) = t.first_error {
                r.push("first_error", Value::Text(e));
            }
            (u64::try_from(c.connected).unwrap_or(0), t.cpu)
        }
    };
    let (ops, cpu) = ops;
    r.push("server_cpu_pct", Value::Percent(cpu.server_pct));
    r.push("client_cpu_pct", Value::Percent(cpu.client_pct));
    r.push("server_cpu_us_per_op", cpu_per_op(cpu.server, ops));
    r.push("server_cpu_ns_per_op", cpu_ns_per_op(cpu.server, ops));
    r.push(
        "loadavg_1m",
        Value::Text(procfs::loadavg().unwrap_or_default()),
    );
    server.stop().await;
    Ok(r)
}

/// Runs one scenario and prints its table and JSON line.
pub(crate) async fn run_command(a: RunArgs) -> Result<(), String> {
    let label = a.label.clone().unwrap_or_else(|| match &a.target {
        Target::Port { port, .. } => format!("127.0.0.1:{port}"),
        Target::Spawn(argv) => argv.join(" "),
    });
    let r = run_one(a.kind, &a.target, &label, &a.settings).await?;
    println!("{}", r.table());
    println!("{}", r.json());
    Ok(())
}

/// Runs every scenario against every server (each scenario on a fresh server process),
/// then prints the comparison, the goals against the server named `socketioxide*` (see
/// `goals`) and the older ones against the server named `node*`.
pub(crate) async fn run_suite(a: SuiteArgs) -> Result<(), String> {
    let mut reports = Vec::new();
    for (kind, settings) in &a.scenarios {
        for (name, argv) in &a.servers {
            let target = Target::Spawn(argv.clone());
            match run_one(*kind, &target, name, settings).await {
                Ok(r) => {
                    eprintln!("{}", r.table());
                    reports.push(r);
                }
                Err(e) => eprintln!("[loadtest] {} vs {name} failed: {e}", kind.name()),
            }
        }
    }
    println!("{}", comparison(&reports));
    let node = a
        .servers
        .iter()
        .map(|(n, _)| n.as_str())
        .find(|n| n.starts_with("node"));
    let names: Vec<&str> = a.servers.iter().map(|(n, _)| n.as_str()).collect();
    let mut goals = Vec::new();
    if let Some(peer) = names.iter().find(|n| n.starts_with("socketioxide")) {
        let (text, json) = goals::judge(&reports, &names, peer);
        print!("{text}");
        goals.extend(json);
    }
    if let Some(node) = node {
        for (ours, _) in a.servers.iter().filter(|(n, _)| n.starts_with("ours")) {
            let echo = ratio(&reports, "echo", "round_trips_per_s", ours, node);
            let mem = ratio(&reports, "idle", "bytes_per_connection", ours, node);
            let verdict = |x: Option<f64>, ok: fn(f64) -> bool| {
                x.map_or("n/a", |x| if ok(x) { "met" } else { "NOT met" })
            };
            println!(
                "{ours}: echo throughput {} x {node} (goal >= {ECHO_GOAL_RATIO}: {}), memory per idle connection {} x {node} (goal <= {MEMORY_GOAL_RATIO}: {})",
                echo.map_or_else(|| "-".into(), |x| format!("{x:.2}")),
                verdict(echo, |x| x >= ECHO_GOAL_RATIO),
                mem.map_or_else(|| "-".into(), |x| format!("{x:.2}")),
                verdict(mem, |x| x <= MEMORY_GOAL_RATIO),
            );
            goals.push(serde_json::json!({
                "server": ours, "vs": node, "echo_ratio": echo, "memory_ratio": mem
            }));
        }
    }
    let all: Vec<_> = reports.iter().map(Report::json).collect();
    println!("{}", serde_json::json!({ "results": all, "goals": goals }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_against_node() {
        let mut a = Report::new("echo", "ours");
        a.push("round_trips_per_s", Value::Rate(300.0));
        let mut b = Report::new("echo", "node");
        b.push("round_trips_per_s", Value::Rate(100.0));
        let mut c = Report::new("idle", "ours");
        c.push("bytes_per_connection", Value::Bytes(Some(2000)));
        let mut d = Report::new("idle", "node");
        d.push("bytes_per_connection", Value::Bytes(None));
        let rs = [a, b, c, d];
        assert_eq!(
            ratio(&rs, "echo", "round_trips_per_s", "ours", "node"),
            Some(3.0)
        );
        assert_eq!(
            ratio(&rs, "idle", "bytes_per_connection", "ours", "node"),
            None
        );
        assert_eq!(
            ratio(&rs, "echo", "round_trips_per_s", "ours", "missing"),
            None
        );
    }

    #[test]
    fn cpu_per_operation() {
        assert_eq!(
            cpu_per_op(Some(Duration::from_millis(10)), 100),
            Value::Micros(Some(100))
        );
        assert_eq!(
            cpu_per_op(Some(Duration::from_millis(10)), 0),
            Value::Micros(None)
        );
        assert_eq!(cpu_per_op(None, 5), Value::Micros(None));
    }
}
