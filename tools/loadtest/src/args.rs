//! Command-line parsing: `loadtest <echo|polling|broadcast|idle|suite|help> [--flag value]...`.
//!
//! Hand-written (a dozen flags do not need a parser crate) so every limit check is here,
//! named and tested. Every scenario is bounded: client counts, durations and in-flight
//! windows have ceilings below, and the only network target is 127.0.0.1.

use std::time::Duration;

/// Most clients one scenario may open (one descriptor and one ephemeral port each; the
/// loopback ephemeral range is about 28 000 ports).
pub(crate) const MAX_CLIENTS: usize = 200_000;
/// Most client source addresses (127.0.0.1, 127.0.0.2, ...): each gives about 28 000
/// ephemeral ports toward one server port, so 100 000 connections need at least 4.
pub(crate) const MAX_SOURCE_ADDRS: usize = 64;
/// Longest measuring phase (and longest idle hold) one scenario may ask for.
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(300);
/// Most broadcasts the sender may have waiting for their ack.
pub(crate) const MAX_IN_FLIGHT: usize = 1024;
/// Largest payload string in an echo or broadcast.
pub(crate) const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// Most client runtime threads.
pub(crate) const MAX_THREADS: usize = 64;
/// Most connection attempts in progress at once.
pub(crate) const MAX_CONNECT_CONCURRENCY: usize = 1024;

/// The usage text.
pub(crate) const USAGE: &str = "\
usage:
  loadtest echo      TARGET [--clients 50] [--duration 10s] [--payload-bytes 32]
  loadtest broadcast TARGET [--clients 1000] [--duration 10s] [--in-flight 8] [--payload-bytes 32]
  loadtest idle      TARGET [--clients 10000] [--settle 2s] [--hold 5s]
  loadtest polling   TARGET [--clients 50] [--duration 10s] [--payload-bytes 32]
  loadtest suite     --server NAME=COMMAND [--server NAME=COMMAND]... [--scenarios echo,polling,broadcast,idle]
                     [--echo-clients 50] [--polling-clients 50] [--broadcast-clients 1000] [--idle-clients 10000]
                     [--duration 10s]
TARGET (always 127.0.0.1):
  --port PORT [--pid PID]     an already running server; --pid enables memory and CPU figures
  --spawn 'COMMAND ARGS'      start the server (split on spaces; it must print `LISTENING <port>`)
common: [--threads 1] [--connect-concurrency 64] [--connect-timeout 10s] [--label NAME]
        [--source-addrs 1]  (connect from 127.0.0.1..=127.0.0.N in turn: ~28 000 ports each)
        [--spread-port PORT]...   clients alternate between the target and these servers
durations: 250ms, 10s, 2m or a bare number of seconds";

/// Failures parsing the command line.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArgError {
    /// No subcommand, or an unknown one.
    #[error("unknown command {0:?} (echo, polling, broadcast, idle, suite, help)")]
    UnknownCommand(String),
    /// A flag this command does not take.
    #[error("unknown flag {0:?}")]
    UnknownFlag(String),
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// A value that does not parse or is out of range.
    #[error("bad value {value:?} for {flag}: {why}")]
    BadValue {
        /// The flag.
        flag: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        why: String,
    },
    /// Neither --port nor --spawn (or both).
    #[error("give exactly one of --port or --spawn")]
    Target,
    /// `suite` without any --server.
    #[error("suite needs at least one --server NAME=COMMAND")]
    NoServers,
}

/// Which scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Closed-loop echo-ack round trips.
    Echo,
    /// One sender broadcasting to every client.
    Broadcast,
    /// Idle connections and the server's memory per connection.
    Idle,
    /// Closed-loop echo-ack round trips over HTTP long-polling.
    Polling,
}

impl Kind {
    /// The scenario's name on the command line and in the JSON.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Echo => "echo",
            Self::Broadcast => "broadcast",
            Self::Idle => "idle",
            Self::Polling => "polling",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Echo, Self::Broadcast, Self::Idle, Self::Polling]
            .into_iter()
            .find(|k| k.name() == s)
    }
}

/// The server under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Already listening on 127.0.0.1:port; `pid` gives access to its memory and CPU.
    Port {
        /// The port.
        port: u16,
        /// Its process id, when known.
        pid: Option<u32>,
    },
    /// A command to start (program then arguments).
    Spawn(Vec<String>),
}

/// The knobs of one scenario run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Number of clients.
    pub(crate) clients: usize,
    /// Measuring time (echo, broadcast).
    pub(crate) duration: Duration,
    /// Broadcasts awaiting their ack at most.
    pub(crate) in_flight: usize,
    /// Size of the payload string carried by each echo / broadcast.
    pub(crate) payload_bytes: usize,
    /// Idle: wait after the last connect before reading memory.
    pub(crate) settle: Duration,
    /// Idle: how long the connections stay open after the measurement (pings answered).
    pub(crate) hold: Duration,
    /// Connection attempts in progress at once.
    pub(crate) connect_concurrency: usize,
    /// Give up on one connection attempt after this long.
    pub(crate) connect_timeout: Duration,
    /// Client source addresses 127.0.0.1..=127.0.0.N, used in turn.
    pub(crate) source_addrs: usize,
    /// Other servers of the target's cluster: clients alternate between the target and
    /// these (`--spread-port`, repeatable; see `scenario/spread.rs`).
    pub(crate) spread_ports: Vec<u16>,
}

impl Settings {
    /// The defaults of scenario `kind`.
    pub(crate) fn defaults(kind: Kind) -> Self {
        Self {
            clients: match kind {
                Kind::Echo | Kind::Polling => 50,
                Kind::Broadcast => 1000,
                Kind::Idle => 10_000,
            },
            duration: Duration::from_secs(10),
            in_flight: 8,
            payload_bytes: 32,
            settle: Duration::from_secs(2),
            hold: Duration::from_secs(5),
            connect_concurrency: 64,
            source_addrs: 1,
            connect_timeout: Duration::from_secs(10),
            spread_ports: Vec::new(),
        }
    }
}

/// One scenario against one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunArgs {
    /// The scenario.
    pub(crate) kind: Kind,
    /// The server.
    pub(crate) target: Target,
    /// A name for the server in the output.
    pub(crate) label: Option<String>,
    /// Its settings.
    pub(crate) settings: Settings,
    /// Client runtime worker threads.
    pub(crate) threads: usize,
}

/// Several scenarios against several servers, each scenario on a freshly started server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SuiteArgs {
    /// (name, command) of each server.
    pub(crate) servers: Vec<(String, Vec<String>)>,
    /// The scenarios to run, in order, with their settings.
    pub(crate) scenarios: Vec<(Kind, Settings)>,
    /// Client runtime worker threads.
    pub(crate) threads: usize,
}

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// One scenario.
    Run(RunArgs),
    /// The comparison suite.
    Suite(SuiteArgs),
    /// Print the usage.
    Help,
}

fn bad(flag: &str, value: &str, why: impl Into<String>) -> ArgError {
    ArgError::BadValue {
        flag: flag.to_owned(),
        value: value.to_owned(),
        why: why.into(),
    }
}

/// Parses `250ms`, `10s`, `2m` or `7` (seconds).
pub(crate) fn parse_duration(s: &str) -> Option<Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" | "" => Some(Duration::from_secs(n)),
        "m" => n.checked_mul(60).map(Duration::from_secs),
        _ => None,
    }
}

fn number(flag: &str, v: &str, min: usize, max: usize) -> Result<usize, ArgError> {
    let n: usize = v.parse().map_err(|_| bad(flag, v, "not a number"))?;
    if n < min || n > max {
        return Err(bad(flag, v, format!("must be in {min}..={max}")));
    }
    Ok(n)
}

fn duration(flag: &str, v: &str, allow_zero: bool) -> Result<Duration, ArgError> {
    let d = parse_duration(v).ok_or_else(|| bad(flag, v, "not a duration"))?;
    if d > MAX_DURATION || (!allow_zero && d.is_zero()) {
        return Err(bad(flag, v, format!("must be in (0, {MAX_DURATION:?}]")));
    }
    Ok(d)
}

/// Applies a flag shared by all scenarios to `s`; `Ok(false)` when the flag is not one.
fn settings_flag(s: &mut Settings, flag: &str, v: &str) -> Result<bool, ArgError> {
    match flag {
        "--clients" => s.clients = number(flag, v, 1, MAX_CLIENTS)?,
        "--duration" => s.duration = duration(flag, v, false)?,
        "--in-flight" => s.in_flight = number(flag, v, 1, MAX_IN_FLIGHT)?,
        "--payload-bytes" => s.payload_bytes = number(flag, v, 0, MAX_PAYLOAD_BYTES)?,
        "--settle" => s.settle = duration(flag, v, true)?,
        "--hold" => s.hold = duration(flag, v, true)?,
        "--connect-concurrency" => {
            s.connect_concurrency = number(flag, v, 1, MAX_CONNECT_CONCURRENCY)?;
        }
        "--connect-timeout" => s.connect_timeout = duration(flag, v, false)?,
        "--source-addrs" => s.source_addrs = number(flag, v, 1, MAX_SOURCE_ADDRS)?,
        "--spread-port" => {
            let port = v.parse::<u16>().map_err(|_| bad(flag, v, "not a port"))?;
            if port == 0 || s.spread_ports.len() >= crate::scenario::spread::MAX_SPREAD_PORTS {
                return Err(bad(flag, v, "a port, at most MAX_SPREAD_PORTS of them"));
            }
            s.spread_ports.push(port);
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Splits `--flag value` pairs.
fn pairs(rest: &[String]) -> Result<Vec<(&str, &str)>, ArgError> {
    let mut out = Vec::new();
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        if !flag.starts_with("--") {
            return Err(ArgError::UnknownFlag(flag.clone()));
        }
        let value = it
            .next()
            .ok_or_else(|| ArgError::MissingValue(flag.clone()))?;
        out.push((flag.as_str(), value.as_str()));
    }
    Ok(out)
}

fn split_command(flag: &str, v: &str) -> Result<Vec<String>, ArgError> {
    let argv: Vec<String> = v.split_whitespace().map(str::to_owned).collect();
    if argv.is_empty() {
        return Err(bad(flag, v, "empty command"));
    }
    Ok(argv)
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: &[String]) -> Result<Command, ArgError> {
    let Some((cmd, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    match cmd.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "suite" => parse_suite(rest).map(Command::Suite),
        other => {
            let kind = Kind::parse(other).ok_or_else(|| ArgError::UnknownCommand(other.into()))?;
            parse_run(kind, rest).map(Command::Run)
        }
    }
}

fn parse_run(kind: Kind, rest: &[String]) -> Result<RunArgs, ArgError> {
    let mut settings = Settings::defaults(kind);
    let (mut port, mut pid, mut spawn, mut label, mut threads) = (None, None, None, None, 1);
    for (flag, v) in pairs(rest)? {
        if settings_flag(&mut settings, flag, v)? {
            continue;
        }
        match flag {
            "--port" => port = Some(v.parse::<u16>().map_err(|_| bad(flag, v, "not a port"))?),
            "--pid" => pid = Some(v.parse::<u32>().map_err(|_| bad(flag, v, "not a pid"))?),
            "--spawn" => spawn = Some(split_command(flag, v)?),
            "--label" => label = Some(v.to_owned()),
            "--threads" => threads = number(flag, v, 1, MAX_THREADS)?,
            _ => return Err(ArgError::UnknownFlag(flag.to_owned())),
        }
    }
    let target = match (port, spawn) {
        (Some(port), None) if port != 0 => Target::Port { port, pid },
        (None, Some(argv)) if pid.is_none() => Target::Spawn(argv),
        _ => return Err(ArgError::Target),
    };
    Ok(RunArgs {
        kind,
        target,
        label,
        settings,
        threads,
    })
}

fn parse_suite(rest: &[String]) -> Result<SuiteArgs, ArgError> {
    let mut servers = Vec::new();
    let mut kinds = vec![Kind::Echo, Kind::Polling, Kind::Broadcast, Kind::Idle];
    let mut all: Vec<(Kind, Settings)> =
        kinds.iter().map(|&k| (k, Settings::defaults(k))).collect();
    let mut threads = 1;
    for (flag, v) in pairs(rest)? {
        let per_kind = match flag {
            "--echo-clients" => Some(Kind::Echo),
            "--broadcast-clients" => Some(Kind::Broadcast),
            "--idle-clients" => Some(Kind::Idle),
            "--polling-clients" => Some(Kind::Polling),
            _ => None,
        };
        if let Some(kind) = per_kind {
            let n = number(flag, v, 1, MAX_CLIENTS)?;
            all.iter_mut()
                .filter(|(k, _)| *k == kind)
                .for_each(|(_, s)| s.clients = n);
            continue;
        }
        if flag == "--clients" {
            return Err(ArgError::UnknownFlag(flag.to_owned()));
        }
        let mut matched = false;
        for (_, s) in &mut all {
            matched = settings_flag(s, flag, v)?;
        }
        if matched {
            continue;
        }
        match flag {
            "--server" => {
                let (name, cmd) = v
                    .split_once('=')
                    .filter(|(n, _)| !n.is_empty())
                    .ok_or_else(|| bad(flag, v, "expected NAME=COMMAND"))?;
                servers.push((name.to_owned(), split_command(flag, cmd)?));
            }
            "--scenarios" => {
                kinds = v
                    .split(',')
                    .map(|s| Kind::parse(s).ok_or_else(|| bad(flag, v, "unknown scenario")))
                    .collect::<Result<_, _>>()?;
            }
            "--threads" => threads = number(flag, v, 1, MAX_THREADS)?,
            _ => return Err(ArgError::UnknownFlag(flag.to_owned())),
        }
    }
    if servers.is_empty() {
        return Err(ArgError::NoServers);
    }
    let scenarios = kinds
        .iter()
        .filter_map(|k| all.iter().find(|(a, _)| a == k).cloned())
        .collect();
    Ok(SuiteArgs {
        servers,
        scenarios,
        threads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("10h"), None);
        assert_eq!(parse_duration("-1s"), None);
    }

    #[test]
    fn echo_with_defaults_and_overrides() {
        let Command::Run(r) = parse(&argv("echo --port 4000 --clients 20 --duration 3s")).unwrap()
        else {
            panic!("not a run")
        };
        assert_eq!(r.kind, Kind::Echo);
        assert_eq!(
            r.target,
            Target::Port {
                port: 4000,
                pid: None
            }
        );
        assert_eq!(r.settings.clients, 20);
        assert_eq!(r.settings.duration, Duration::from_secs(3));
        assert_eq!(r.settings.payload_bytes, 32);
        assert_eq!(r.threads, 1);
    }

    #[test]
    fn scenario_defaults_match_the_brief() {
        assert_eq!(Settings::defaults(Kind::Echo).clients, 50);
        assert_eq!(Settings::defaults(Kind::Broadcast).clients, 1000);
        assert_eq!(Settings::defaults(Kind::Broadcast).in_flight, 8);
        assert_eq!(Settings::defaults(Kind::Idle).clients, 10_000);
    }

    #[test]
    fn spawn_target_is_split() {
        let mut a = argv("idle --clients 10");
        a.push("--spawn".into());
        a.push("target/release/e2e-server --runtime smol --port 0".into());
        let Command::Run(r) = parse(&a).unwrap() else {
            panic!("not a run")
        };
        assert_eq!(
            r.target,
            Target::Spawn(argv("target/release/e2e-server --runtime smol --port 0"))
        );
    }

    #[test]
    fn limits_and_errors() {
        let over = format!("echo --port 1 --clients {}", MAX_CLIENTS + 1);
        assert!(matches!(
            parse(&argv(&over)),
            Err(ArgError::BadValue { .. })
        ));
        assert!(matches!(
            parse(&argv("echo --port 1 --duration 301s")),
            Err(ArgError::BadValue { .. })
        ));
        assert!(matches!(
            parse(&argv("broadcast --port 1 --in-flight 0")),
            Err(ArgError::BadValue { .. })
        ));
        assert_eq!(parse(&argv("echo")), Err(ArgError::Target));
        assert_eq!(parse(&argv("echo --port 0")), Err(ArgError::Target));
        assert_eq!(
            parse(&argv("echo --spawn x --pid 3")),
            Err(ArgError::Target)
        );
        assert_eq!(
            parse(&argv("echo --port 1 --bogus 2")),
            Err(ArgError::UnknownFlag("--bogus".into()))
        );
        assert_eq!(
            parse(&argv("echo --port")),
            Err(ArgError::MissingValue("--port".into()))
        );
        assert_eq!(
            parse(&argv("fly")),
            Err(ArgError::UnknownCommand("fly".into()))
        );
        assert_eq!(parse(&[]), Ok(Command::Help));
    }

    #[test]
    fn suite_servers_and_per_scenario_clients() {
        let mut a =
            argv("suite --echo-clients 5 --idle-clients 100 --duration 2s --scenarios idle,echo");
        a.extend([
            "--server".into(),
            "ours-tokio=bin/e2e --runtime tokio".into(),
        ]);
        a.extend(["--server".into(), "node=node ref.mjs --port 0".into()]);
        let Command::Suite(s) = parse(&a).unwrap() else {
            panic!("not a suite")
        };
        assert_eq!(s.servers.len(), 2);
        assert_eq!(s.servers[0].0, "ours-tokio");
        assert_eq!(s.servers[1].1, argv("node ref.mjs --port 0"));
        let kinds: Vec<Kind> = s.scenarios.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [Kind::Idle, Kind::Echo]);
        assert_eq!(s.scenarios[0].1.clients, 100);
        assert_eq!(s.scenarios[1].1.clients, 5);
        assert!(
            s.scenarios
                .iter()
                .all(|(_, st)| st.duration == Duration::from_secs(2))
        );
        assert_eq!(parse(&argv("suite")), Err(ArgError::NoServers));
        assert!(matches!(
            parse(&argv("suite --server =x")),
            Err(ArgError::BadValue { .. })
        ));
    }
}
