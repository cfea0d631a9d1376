//! What the tool reads about processes: a server's resident memory and CPU time from /proc,
//! and raising this process's own open-file limit.

use std::time::{Duration, Instant};

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Failures reading /proc.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ProcError {
    /// The file could not be read (the process is gone, or this is not Linux).
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file did not hold the expected field.
    #[error("no {field} in {path}")]
    Missing {
        /// The field looked for.
        field: &'static str,
        /// The file.
        path: String,
    },
}

fn read(path: String) -> Result<(String, String), ProcError> {
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((text, path)),
        Err(source) => Err(ProcError::Read { path, source }),
    }
}

/// The resident set size of `pid` in bytes (VmRSS of `/proc/<pid>/status`).
pub(crate) fn rss_bytes(pid: u32) -> Result<u64, ProcError> {
    let (text, path) = read(format!("/proc/{pid}/status"))?;
    parse_vm_rss(&text).ok_or(ProcError::Missing {
        field: "VmRSS",
        path,
    })
}

/// CPU time (user + system) used so far by `pid`, from `/proc/<pid>/stat`.
pub(crate) fn cpu_time(pid: u32) -> Result<Duration, ProcError> {
    let (text, path) = read(format!("/proc/{pid}/stat"))?;
    let ticks = parse_stat_ticks(&text).ok_or(ProcError::Missing {
        field: "utime/stime",
        path,
    })?;
    Ok(ticks_to_duration(
        ticks,
        rustix::param::clock_ticks_per_second(),
    ))
}

/// CPU time used so far by this process (the load generator itself).
pub(crate) fn own_cpu_time() -> Result<Duration, ProcError> {
    cpu_time(std::process::id())
}

fn ticks_to_duration(ticks: u64, per_second: u64) -> Duration {
    let per_second = per_second.max(1);
    let secs = ticks / per_second;
    let rem = ticks % per_second;
    let nanos = rem.saturating_mul(1_000_000_000) / per_second;
    Duration::from_secs(secs) + Duration::from_nanos(nanos)
}

/// `VmRSS:   1234 kB` → 1234 * 1024.
pub(crate) fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let mut words = line.split_whitespace().skip(1);
    let value: u64 = words.next()?.parse().ok()?;
    let scale = match words.next() {
        Some("kB") | None => 1024,
        Some("mB") => 1024 * 1024,
        Some(_) => return None,
    };
    value.checked_mul(scale)
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line, in clock ticks. The command
/// name (field 2) may contain spaces and parentheses, so fields are counted after the last `)`.
pub(crate) fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let after = stat.get(stat.rfind(')')?.checked_add(1)?..)?;
    // After the ')' come field 3 (state) onwards: utime is field 14, i.e. the 12th here.
    let mut fields = after.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    utime.checked_add(stime)
}

/// Raises this process's soft RLIMIT_NOFILE to at least `wanted` (up to the hard limit) and
/// returns the soft limit in force afterwards. Each client connection is one descriptor.
pub(crate) fn raise_nofile(wanted: u64) -> u64 {
    let current = getrlimit(Resource::Nofile);
    let soft = current.current.unwrap_or(u64::MAX);
    if soft >= wanted {
        return soft;
    }
    let target = current.maximum.map_or(wanted, |hard| hard.min(wanted));
    let new = Rlimit {
        current: Some(target),
        maximum: current.maximum,
    };
    match setrlimit(Resource::Nofile, new) {
        Ok(()) => target,
        Err(_) => soft,
    }
}

/// CPU used over a measuring window.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CpuUsage {
    /// Server CPU time (user + system), when its pid is known.
    pub(crate) server: Option<Duration>,
    /// The same as percent of one core over the window.
    pub(crate) server_pct: Option<f64>,
    /// This tool's CPU as percent of one core over the window.
    pub(crate) client_pct: Option<f64>,
}

/// Measures the CPU time of the server and of this tool over a window.
pub(crate) struct CpuMeter {
    pid: Option<u32>,
    server0: Option<Duration>,
    own0: Option<Duration>,
    wall0: Instant,
}

impl CpuMeter {
    /// Starts measuring (`pid`: the server, when known).
    pub(crate) fn start(pid: Option<u32>) -> Self {
        Self {
            pid,
            server0: pid.and_then(|p| cpu_time(p).ok()),
            own0: own_cpu_time().ok(),
            wall0: Instant::now(),
        }
    }

    /// What was used since [`CpuMeter::start`].
    pub(crate) fn finish(&self) -> CpuUsage {
        let wall = self.wall0.elapsed().as_secs_f64().max(1e-9);
        let server = self
            .pid
            .and_then(|p| cpu_time(p).ok())
            .zip(self.server0)
            .map(|(b, a)| b.saturating_sub(a));
        let own = own_cpu_time()
            .ok()
            .zip(self.own0)
            .map(|(b, a)| b.saturating_sub(a));
        let pct = |d: Duration| d.as_secs_f64() / wall * 100.0;
        CpuUsage {
            server,
            server_pct: server.map(pct),
            client_pct: own.map(pct),
        }
    }
}

/// The 1-minute load average of the machine (other work competing for the cores).
pub(crate) fn loadavg() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_parsed_in_bytes() {
        let status = "Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   51234 kB\nThreads:\t7\n";
        assert_eq!(parse_vm_rss(status), Some(51234 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        assert_eq!(parse_vm_rss("VmRSS:\t abc kB\n"), None);
    }

    #[test]
    fn stat_ticks_skip_a_tricky_command_name() {
        // Field 2 contains spaces and a ')': the fields after the last ')' count.
        let stat = "1234 (we) ird name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0";
        assert_eq!(parse_stat_ticks(stat), Some(325));
        assert_eq!(parse_stat_ticks("garbage"), None);
    }

    #[test]
    fn ticks_convert_to_time() {
        assert_eq!(ticks_to_duration(250, 100), Duration::from_millis(2500));
        assert_eq!(ticks_to_duration(7, 0), Duration::from_secs(7));
    }

    #[test]
    fn own_process_is_readable() {
        assert!(rss_bytes(std::process::id()).unwrap() > 0);
        own_cpu_time().unwrap();
    }

    #[test]
    fn nofile_never_lowered() {
        let before = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
        assert_eq!(raise_nofile(1), before);
    }
}
