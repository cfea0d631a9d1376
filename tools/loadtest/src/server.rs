//! The server under test: one already running (port and maybe pid), or one this tool starts
//! and stops itself.
//!
//! A started server must print `LISTENING <port>` on stdout when ready (the e2e-server and
//! the node reference server both do). Its stdin is a pipe: closing it asks our e2e-server
//! for a graceful shutdown; a server still running after [`STOP_GRACE`] gets SIGTERM, then
//! SIGKILL after the same grace again. The child is also killed if this tool dies first.

use std::process::Stdio;
use std::time::Duration;

use rustix::process::{Pid, Signal, kill_process};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use crate::args::Target;

/// How long a started server may take to print `LISTENING <port>`.
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server gets to exit after each stop request (stdin EOF, then SIGTERM).
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(3);

/// Failures starting a server.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServerError {
    /// The command could not be started.
    #[error("cannot start {cmd}: {source}")]
    Spawn {
        /// The program.
        cmd: String,
        /// Why.
        source: std::io::Error,
    },
    /// It exited or closed stdout before announcing its port.
    #[error("{0} exited before printing LISTENING <port>")]
    NoPort(String),
    /// It did not announce its port in time.
    #[error("{0} did not print LISTENING <port> within {START_TIMEOUT:?}")]
    StartTimeout(String),
}

/// A server the scenarios can reach on 127.0.0.1.
pub(crate) struct Server {
    /// Its port on 127.0.0.1.
    pub(crate) port: u16,
    /// Its process id, when known (memory and CPU figures need it).
    pub(crate) pid: Option<u32>,
    child: Option<(Child, ChildStdin)>,
}

/// The port in a `LISTENING <port>` line.
pub(crate) fn parse_listening(line: &str) -> Option<u16> {
    line.trim()
        .strip_prefix("LISTENING ")?
        .trim()
        .parse()
        .ok()
        .filter(|&p| p != 0)
}

impl Server {
    /// Uses or starts the server `target` names.
    pub(crate) async fn start(target: &Target) -> Result<Self, ServerError> {
        let argv = match target {
            Target::Port { port, pid } => {
                return Ok(Self {
                    port: *port,
                    pid: *pid,
                    child: None,
                });
            }
            Target::Spawn(argv) => argv,
        };
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| ServerError::NoPort(String::new()))?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| ServerError::Spawn {
                cmd: program.clone(),
                source,
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(ServerError::NoPort(program.clone()));
        };
        let mut lines = BufReader::new(stdout).lines();
        let port = tokio::time::timeout(START_TIMEOUT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(port) = parse_listening(&line) {
                    return Some(port);
                }
                eprintln!("[server] {line}");
            }
            None
        })
        .await
        .map_err(|_| ServerError::StartTimeout(program.clone()))?
        .ok_or_else(|| ServerError::NoPort(program.clone()))?;
        // Keep draining stdout so a chatty server never blocks on a full pipe.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[server] {line}");
            }
        });
        Ok(Self {
            port,
            pid: child.id(),
            child: Some((child, stdin)),
        })
    }

    /// Stops a server this tool started (a given one is left alone).
    pub(crate) async fn stop(self) {
        let Some((mut child, stdin)) = self.child else {
            return;
        };
        drop(stdin); // EOF: graceful shutdown for our e2e-server
        if tokio::time::timeout(STOP_GRACE, child.wait()).await.is_ok() {
            return;
        }
        if let Some(pid) = child
            .id()
            .and_then(|p| i32::try_from(p).ok())
            .and_then(Pid::from_raw)
        {
            let _ = kill_process(pid, Signal::TERM);
            if tokio::time::timeout(STOP_GRACE, child.wait()).await.is_ok() {
                return;
            }
        }
        let _ = child.kill().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_line() {
        assert_eq!(parse_listening("LISTENING 43121\n"), Some(43121));
        assert_eq!(parse_listening("LISTENING 0"), None);
        assert_eq!(parse_listening("listening on 3000"), None);
        assert_eq!(parse_listening("LISTENING 70000"), None);
    }
}
