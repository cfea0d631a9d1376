//! The goals a suite run is judged by, as ratios between servers measured in that one run
//! (issue 12): ours against socketioxide, the leading Rust server, and against node.
//!
//! Each goal names a scenario's figure, the peer it is compared with, and the bound on
//! `ours / peer`. Servers are recognised by name: `ours-<runtime>`, `socketioxide*`, `node*`.

use serde_json::{Value as Json, json};

use crate::report::{Report, Value};

/// How a ratio must compare with its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// `ours / peer >= x`: more is better (throughput).
    AtLeast,
    /// `ours / peer <= x`: less is better (latency, CPU, memory).
    AtMost,
}

/// One goal: figure `key` of `scenario`, `ours / peer` within `bound` of `ratio`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Goal {
    /// A short name for the table.
    pub(crate) name: &'static str,
    pub(crate) scenario: &'static str,
    pub(crate) key: &'static str,
    pub(crate) bound: Bound,
    pub(crate) ratio: f64,
}

/// Echo throughput against socketioxide on tokio (the runtime it runs on).
pub(crate) const ECHO_TOKIO_VS_SOCKETIOXIDE: f64 = 1.3;
/// Echo throughput against socketioxide on the other runtimes.
pub(crate) const ECHO_OTHER_VS_SOCKETIOXIDE: f64 = 1.1;
/// Broadcast deliveries per second against socketioxide (the issue asks it on tokio).
pub(crate) const BROADCAST_VS_SOCKETIOXIDE: f64 = 1.3;
/// Bytes per idle connection against socketioxide.
pub(crate) const MEMORY_VS_SOCKETIOXIDE: f64 = 0.5;

/// The goals of server `ours` against socketioxide.
pub(crate) fn against_socketioxide(ours: &str) -> Vec<Goal> {
    let echo = if ours.contains("tokio") {
        ECHO_TOKIO_VS_SOCKETIOXIDE
    } else {
        ECHO_OTHER_VS_SOCKETIOXIDE
    };
    let g = |name, scenario, key, bound, ratio| Goal {
        name,
        scenario,
        key,
        bound,
        ratio,
    };
    let mut goals = vec![
        g(
            "echo round trips/s",
            "echo",
            "round_trips_per_s",
            Bound::AtLeast,
            echo,
        ),
        g("echo p99", "echo", "latency_p99_us", Bound::AtMost, 1.0),
        g(
            "echo CPU/op",
            "echo",
            "server_cpu_ns_per_op",
            Bound::AtMost,
            1.0,
        ),
        g(
            "broadcast CPU/op",
            "broadcast",
            "server_cpu_ns_per_op",
            Bound::AtMost,
            1.0,
        ),
        g(
            "idle bytes/conn",
            "idle",
            "bytes_per_connection",
            Bound::AtMost,
            MEMORY_VS_SOCKETIOXIDE,
        ),
        g(
            "polling CPU/op",
            "polling",
            "server_cpu_ns_per_op",
            Bound::AtMost,
            1.0,
        ),
    ];
    if ours.contains("tokio") {
        goals.insert(
            2,
            g(
                "broadcast deliveries/s",
                "broadcast",
                "deliveries_per_s",
                Bound::AtLeast,
                BROADCAST_VS_SOCKETIOXIDE,
            ),
        );
    }
    goals
}

/// Figure `key` of `scenario` for `server`, as a number.
fn figure(reports: &[Report], scenario: &str, key: &str, server: &str) -> Option<f64> {
    let r = reports
        .iter()
        .find(|r| r.scenario == scenario && r.server == server)?;
    #[allow(clippy::cast_precision_loss)]
    match r.get(key)? {
        Value::Rate(x) => Some(*x),
        Value::Bytes(Some(b)) | Value::Micros(Some(b)) | Value::Count(b) => Some(*b as f64),
        _ => None,
    }
}

/// `ours / peer` of figure `key` in `scenario`, when both exist and the peer's is non-zero.
pub(crate) fn ratio(
    reports: &[Report],
    scenario: &str,
    key: &str,
    ours: &str,
    peer: &str,
) -> Option<f64> {
    let (a, b) = (
        figure(reports, scenario, key, ours)?,
        figure(reports, scenario, key, peer)?,
    );
    (b > 0.0).then(|| a / b)
}

/// Whether `x` meets `goal`.
pub(crate) fn met(goal: &Goal, x: f64) -> bool {
    match goal.bound {
        Bound::AtLeast => x >= goal.ratio,
        Bound::AtMost => x <= goal.ratio,
    }
}

/// Judges every `ours*` server against `peer`: one human line per goal, and the JSON.
pub(crate) fn judge(reports: &[Report], servers: &[&str], peer: &str) -> (String, Vec<Json>) {
    let mut text = String::new();
    let mut out = Vec::new();
    for ours in servers.iter().filter(|s| s.starts_with("ours")) {
        for goal in against_socketioxide(ours) {
            let Some(x) = ratio(reports, goal.scenario, goal.key, ours, peer) else {
                continue;
            };
            let sign = if goal.bound == Bound::AtLeast {
                ">="
            } else {
                "<="
            };
            let verdict = if met(&goal, x) { "met" } else { "NOT met" };
            text.push_str(&format!(
                "{ours}: {} {x:.2} x {peer} (goal {sign} {}): {verdict}\n",
                goal.name, goal.ratio
            ));
            out.push(json!({
                "server": ours, "vs": peer, "goal": goal.name, "ratio": (x * 100.0).round() / 100.0,
                "bound": goal.ratio, "met": met(&goal, x),
            }));
        }
    }
    (text, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(scenario: &'static str, server: &str, key: &'static str, v: Value) -> Report {
        let mut r = Report::new(scenario, server);
        r.push(key, v);
        r
    }

    #[test]
    fn ratios_and_verdicts() {
        let rs = [
            report(
                "echo",
                "ours-tokio",
                "round_trips_per_s",
                Value::Rate(260.0),
            ),
            report("echo", "ours-smol", "round_trips_per_s", Value::Rate(120.0)),
            report(
                "echo",
                "socketioxide",
                "round_trips_per_s",
                Value::Rate(200.0),
            ),
            report(
                "idle",
                "ours-tokio",
                "bytes_per_connection",
                Value::Bytes(Some(2000)),
            ),
            report(
                "idle",
                "socketioxide",
                "bytes_per_connection",
                Value::Bytes(None),
            ),
        ];
        assert_eq!(
            ratio(
                &rs,
                "echo",
                "round_trips_per_s",
                "ours-tokio",
                "socketioxide"
            ),
            Some(1.3)
        );
        assert_eq!(
            ratio(
                &rs,
                "idle",
                "bytes_per_connection",
                "ours-tokio",
                "socketioxide"
            ),
            None,
            "a figure not measured gives no ratio"
        );
        let (text, json) = judge(
            &rs,
            &["ours-tokio", "ours-smol", "socketioxide"],
            "socketioxide",
        );
        assert!(
            text.contains("ours-tokio: echo round trips/s 1.30 x socketioxide (goal >= 1.3): met"),
            "{text}"
        );
        assert!(
            text.contains(
                "ours-smol: echo round trips/s 0.60 x socketioxide (goal >= 1.1): NOT met"
            ),
            "{text}"
        );
        assert_eq!(json.len(), 2);
    }

    #[test]
    fn the_tokio_server_has_the_broadcast_goal() {
        let tokio = against_socketioxide("ours-tokio");
        let smol = against_socketioxide("ours-smol");
        assert!(tokio.iter().any(|g| g.key == "deliveries_per_s"));
        assert!(!smol.iter().any(|g| g.key == "deliveries_per_s"));
        let less = Goal {
            name: "",
            scenario: "",
            key: "",
            bound: Bound::AtMost,
            ratio: 0.5,
        };
        assert!(met(&less, 0.5) && !met(&less, 0.51));
    }
}
