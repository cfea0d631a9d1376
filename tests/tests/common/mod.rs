//! Harness of the end-to-end tests: starts a server process, runs a client script against it,
//! and reports the script's output and the server's log when something fails.
//!
//! # Theory of operation
//! - [`Server::start`] spawns the server with `--port 0` and reads its stdout until the single
//!   `LISTENING <port>` line; the rest of its stdout and all of its stderr are collected into a
//!   log. The process is killed when the `Server` is dropped, also when the test panics.
//! - Which server: `E2E_SERVER=node` runs the node reference implementation
//!   (`tests/js/reference-server.mjs`) to validate the scripts; `E2E_SERVER=<path>` runs that
//!   binary; otherwise the `e2e-server` binary of this crate. Every server gets the same
//!   arguments (`--runtime`, `--port`, `--ping-interval-ms`, `--ping-timeout-ms`).
//! - [`Script`] runs one client script (node or python) with the server URL, collecting its
//!   output line by line so a test can wait for a marker line (to restart or stop the server
//!   at the right moment), and kills it past its deadline.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

pub(crate) mod redis;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Heartbeat settings given to every server: small, so heartbeats happen during the tests.
const PING_INTERVAL_MS: &str = "1000";
const PING_TIMEOUT_MS: &str = "2000";

/// How long a server may take to print `LISTENING`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The repository root (the parent of this crate's directory).
pub(crate) fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `tests/js`, where the node scripts and their `node_modules` live.
pub(crate) fn js_dir() -> PathBuf {
    repo_root().join("tests").join("js")
}

/// `tests/py`, where the python scripts live.
pub(crate) fn py_dir() -> PathBuf {
    repo_root().join("tests").join("py")
}

/// Which server program the tests run.
#[derive(Debug, Clone)]
enum ServerProgram {
    /// A Rust binary speaking the `e2e-server` command line.
    Binary(PathBuf),
    /// node's own socket.io running the reference application.
    NodeReference,
}

fn server_program() -> ServerProgram {
    match std::env::var("E2E_SERVER") {
        Ok(v) if v == "node" => ServerProgram::NodeReference,
        Ok(v) if !v.is_empty() => ServerProgram::Binary(PathBuf::from(v)),
        _ => ServerProgram::Binary(PathBuf::from(env!("CARGO_BIN_EXE_e2e-server"))),
    }
}

/// True when the tests run against the node reference server (scripts are told, for the few
/// answers where node differs from our contract).
pub(crate) fn is_node_reference() -> bool {
    matches!(server_program(), ServerProgram::NodeReference)
}

/// Collected output of a child process, shared with its reader threads.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<String>>);

impl Log {
    fn push(&self, prefix: &str, line: &str) {
        if let Ok(mut s) = self.0.lock() {
            s.push_str(prefix);
            s.push_str(line);
            s.push('\n');
        }
    }

    /// The text so far, the last 8000 characters at most.
    pub(crate) fn tail(&self) -> String {
        let s = self.0.lock().map(|s| s.clone()).unwrap_or_default();
        let skip = s.chars().count().saturating_sub(8000);
        if skip == 0 {
            s
        } else {
            format!("[…]{}", s.chars().skip(skip).collect::<String>())
        }
    }
}

/// Reads `from` line by line into `log` (with `prefix`), sending each line to `lines`.
fn pump(
    from: impl Read + Send + 'static,
    log: Log,
    prefix: &'static str,
    lines: Option<mpsc::Sender<String>>,
) {
    thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            log.push(prefix, &line);
            if let Some(tx) = &lines {
                let _ = tx.send(line);
            }
        }
    });
}

/// A running server process, killed on drop.
pub(crate) struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    runtime: String,
    log: Log,
}

impl Server {
    /// Starts the server for `runtime` on a free port.
    pub(crate) fn start(runtime: &str) -> Self {
        Self::start_on(runtime, 0)
    }

    /// Starts the server for `runtime` on `port` (0 = pick), retrying for a few seconds while
    /// the port is still taken (after a restart).
    pub(crate) fn start_on(runtime: &str, port: u16) -> Self {
        Self::start_with(runtime, port, &[], &[])
    }

    /// Starts the server for `runtime` on `port` with extra environment variables `env`.
    pub(crate) fn start_with_env(runtime: &str, port: u16, env: &[(&str, &str)]) -> Self {
        Self::start_with(runtime, port, &[], env)
    }

    /// As [`start_on`](Self::start_on), with `extra` flags for the server (both servers
    /// take the same ones, e.g. `--recovery-ms N`) and extra environment variables `env`.
    pub(crate) fn start_with(
        runtime: &str,
        port: u16,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match Self::try_start(server_program(), runtime, port, extra, env) {
                Ok(server) => return server,
                Err(e) if port != 0 && Instant::now() < deadline => {
                    eprintln!("retrying server start on port {port}: {e}");
                    thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// node's reference server with `extra` flags, whatever `E2E_SERVER` says (for tests
    /// that mix node's servers with ours).
    #[allow(dead_code)]
    pub(crate) fn start_node(extra: &[&str]) -> Self {
        Self::try_start(ServerProgram::NodeReference, "node", 0, extra, &[])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_start(
        program: ServerProgram,
        runtime: &str,
        port: u16,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Self, String> {
        let mut cmd = match &program {
            ServerProgram::Binary(path) => Command::new(path),
            ServerProgram::NodeReference => {
                require_node_modules();
                let mut c = Command::new(node_binary());
                c.arg(js_dir().join("reference-server.mjs"));
                c
            }
        };
        cmd.envs(env.iter().copied())
            .args(["--runtime", runtime, "--port", &port.to_string()])
            .args([
                "--ping-interval-ms",
                PING_INTERVAL_MS,
                "--ping-timeout-ms",
                PING_TIMEOUT_MS,
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start server {program:?}: {e}"))?;
        let log = Log::default();
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            pump(out, log.clone(), "", Some(tx));
        }
        if let Some(err) = child.stderr.take() {
            pump(err, log.clone(), "stderr: ", None);
        }
        let stdin = child.stdin.take();
        let mut server = Self {
            child,
            stdin,
            port: 0,
            runtime: runtime.to_owned(),
            log,
        };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(p) = line.strip_prefix("LISTENING ") {
                        server.port = p
                            .trim()
                            .parse()
                            .map_err(|e| format!("bad LISTENING line {line:?}: {e}"))?;
                        return Ok(server);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "{program:?} printed no LISTENING line within {STARTUP_TIMEOUT:?}\n{}",
                        server.log.tail()
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().ok();
                    thread::sleep(Duration::from_millis(100));
                    return Err(format!(
                        "{program:?} exited ({status:?}) before LISTENING\n{}",
                        server.log.tail()
                    ));
                }
            }
        }
    }

    /// The port the server listens on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The runtime the server was started with.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory in bytes (VmRSS from /proc).
    pub(crate) fn rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server process is alive");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status");
        kib * 1024
    }

    pub(crate) fn runtime(&self) -> &str {
        &self.runtime
    }

    /// The server's output so far.
    pub(crate) fn log(&self) -> String {
        self.log.tail()
    }

    /// Kills the server at once (a crash, as far as clients can tell).
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Graceful shutdown: closes the server's stdin and waits up to `timeout` for it to exit.
    pub(crate) fn shutdown(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        drop(self.stdin.take());
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    self.kill();
                    return Err(format!(
                        "the server did not exit within {timeout:?} of stdin EOF"
                    ));
                }
                Err(e) => return Err(format!("waiting for the server: {e}")),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The node executable (`E2E_NODE` overrides).
pub(crate) fn node_binary() -> String {
    std::env::var("E2E_NODE").unwrap_or_else(|_| "node".to_owned())
}

/// The python executable (`E2E_PYTHON` overrides).
fn python_binary() -> String {
    std::env::var("E2E_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

pub(crate) fn require_node_modules() {
    let dir = js_dir().join("node_modules");
    assert!(
        dir.join("socket.io-client").is_dir(),
        "{} is missing: run `npm ci` in tests/js (bash tools/test.sh does it)",
        dir.display()
    );
}

/// A node client script under `tests/js` (e.g. `client/websocket.mjs`) aimed at `server`.
pub(crate) fn node_script(script: &str, server: &Server) -> Command {
    require_node_modules();
    let mut cmd = Command::new(node_binary());
    cmd.current_dir(js_dir())
        .arg(js_dir().join(script))
        .arg(server.url());
    if is_node_reference() {
        cmd.args(["--reference", "node"]);
    }
    cmd
}

/// A python client script under `tests/py` aimed at `server`, with extra `args`.
pub(crate) fn python_script(script: &str, server: &Server, args: &[&str]) -> Command {
    let mut cmd = Command::new(python_binary());
    cmd.current_dir(py_dir())
        .arg(py_dir().join(script))
        .arg(server.url())
        .args(args);
    cmd
}

/// A running client script.
pub(crate) struct Script {
    child: Child,
    name: String,
    lines: Receiver<String>,
    log: Log,
}

impl Script {
    /// Spawns `cmd` with its output collected.
    pub(crate) fn spawn(mut cmd: Command) -> Self {
        let name = format!("{cmd:?}");
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let log = Log::default();
        let (tx, lines) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            pump(out, log.clone(), "", Some(tx));
        }
        if let Some(err) = child.stderr.take() {
            pump(err, log.clone(), "", None);
        }
        Self {
            child,
            name,
            lines,
            log,
        }
    }

    /// Waits until the script prints a line equal to `marker`.
    pub(crate) fn wait_for_line(&mut self, marker: &str, timeout: Duration, server: &Server) {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.trim() == marker => return,
                Ok(_) => {}
                Err(_) => {
                    let _ = self.child.kill();
                    thread::sleep(Duration::from_millis(100));
                    panic!(
                        "{} never printed {marker:?} (within {timeout:?})\n--- script output ---\n{}\n--- server log ---\n{}",
                        self.name,
                        self.log.tail(),
                        server.log()
                    );
                }
            }
        }
    }

    /// Waits up to `timeout` for the script to end and asserts it exited 0; on failure panics
    /// with its output and the server's log.
    pub(crate) fn expect_success(mut self, timeout: Duration, server: &Server) {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break None;
                }
            }
        };
        // let the reader threads drain the pipes
        thread::sleep(Duration::from_millis(50));
        let output = self.log.tail();
        match status {
            Some(s) if s.success() => {
                print!("{output}");
            }
            Some(s) => panic!(
                "{} failed ({s}) against the {} server\n--- script output ---\n{output}\n--- server log ---\n{}",
                self.name,
                server.runtime(),
                server.log()
            ),
            None => panic!(
                "{} did not finish within {timeout:?}, killed\n--- script output ---\n{output}\n--- server log ---\n{}",
                self.name,
                server.log()
            ),
        }
    }
}

impl Drop for Script {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a server for `runtime`, runs `script` (from `make`) against it, asserts success.
pub(crate) fn run_against(runtime: &str, timeout: Duration, make: impl FnOnce(&Server) -> Command) {
    let server = Server::start(runtime);
    Script::spawn(make(&server)).expect_success(timeout, &server);
}

/// Declares one `#[test]` per runtime for each scenario function `fn name(runtime: &str)`:
/// `tokio::name`, `smol::name`, `async_std::name`.
#[allow(
    unused_macros,
    reason = "a test of one runtime mix (cluster_mixed) has no use for it"
)]
macro_rules! per_runtime {
    ($($scenario:ident),* $(,)?) => {
        per_runtime!(@runtime tokio, "tokio", $($scenario),*);
        per_runtime!(@runtime smol, "smol", $($scenario),*);
        per_runtime!(@runtime async_std, "async-std", $($scenario),*);
    };
    (@runtime $module:ident, $runtime:literal, $($scenario:ident),*) => {
        mod $module {
            $(
                #[test]
                fn $scenario() {
                    super::$scenario($runtime)
                }
            )*
        }
    };
}
