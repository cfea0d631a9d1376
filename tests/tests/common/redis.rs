//! A throwaway `redis-server` for the cluster tests: Debian's binary (tools/test.sh installs
//! it) on a free port of 127.0.0.1 without persistence, never the system service; killed when
//! its guard drops, also when the test panics.
#![allow(
    dead_code,
    reason = "each test binary uses a different part (only cluster_faults restarts Redis)"
)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`; dropping it kills the process.
pub(crate) struct Redis {
    child: Child,
    /// The port it listens on.
    pub(crate) port: u16,
}

impl Redis {
    /// Starts one on a free port and returns once it accepts connections.
    pub(crate) fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        Self::start_on(port)
    }

    /// Kills it with SIGKILL (a crash: no goodbye to its clients) and waits for the process.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills it if it runs and starts a new one on the same port (the servers' URL still
    /// holds), returning once it accepts connections.
    pub(crate) fn restart(&mut self) {
        self.kill();
        let fresh = Self::start_on(self.port);
        *self = fresh;
    }

    /// Starts one on `port` (a restart: the previous one on it must be dropped).
    pub(crate) fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server not found: tools/test.sh installs Debian's redis-server");
        let redis = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        redis
    }

    /// Its URL for `--redis`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
