//! A mixed cluster on one real Redis (Debian's `redis-server` on a free port of 127.0.0.1,
//! stopped at the end): our e2e-server on tokio and on smol (`--redis`), and node's socket.io
//! 4.8 with `@socket.io/redis-adapter` 8.3, a socket.io-client on each. The scenario is
//! `tests/js/cluster/mixed.mjs`: every operation started from each kind of server reaches the
//! clients of every server exactly once, then the smol server is killed mid-request.
#![cfg(feature = "redis")]

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Script, Server, js_dir, node_binary, require_node_modules};

/// A child process killed when dropped, also when the test panics.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `redis-server` without persistence on a free port, once it accepts connections.
fn redis() -> (Killed, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server not found: tools/test.sh installs Debian's redis-server");
    let child = Killed(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    (child, port)
}

#[test]
fn every_operation_from_each_kind_of_server_reaches_every_server_once() {
    let (_redis, port) = redis();
    let url = format!("redis://127.0.0.1:{port}");
    let tokio = Server::start_with("tokio", 0, &["--redis", &url], &[]);
    let smol = Server::start_with("smol", 0, &["--redis", &url], &[]);
    require_node_modules();
    let mut cmd = Command::new(node_binary());
    cmd.current_dir(js_dir())
        .arg("cluster/mixed.mjs")
        .arg(port.to_string())
        .arg(tokio.url())
        .arg(smol.url())
        .arg(smol.pid().to_string());
    let script = Script::spawn(cmd);
    // The smol server's log is lost when the script kills it; tokio's tells what happened.
    script.expect_success(Duration::from_secs(90), &tokio);
}
