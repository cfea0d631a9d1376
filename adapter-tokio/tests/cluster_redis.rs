//! The cluster adapter on a real Redis: Debian's `redis-server` on a free port of 127.0.0.1
//! (tools/test.sh installs it), our tokio server with `App::redis`, and node's socket.io 4.8
//! with `@socket.io/redis-adapter` 8.3 (tests/js/cluster/interop.mjs), a socket.io-client on
//! each: a broadcast from each server reaches the other's client, and node's
//! `fetchSockets` / `allRooms` list our socket.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use adapter_core::socketio_proto::sio::Placeholder;
use adapter_core::{App, Namespace};
use bytes::Bytes;

/// A child process killed when dropped, also when the test panics.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `redis-server` without persistence on a free port and waits until it accepts.
fn redis() -> (Killed, u16) {
    let port = free_port();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasts_and_requests_cross_to_nodes_server_and_back() {
    let (_redis, port) = redis();
    let app = App::new()
        .redis(format!("redis://127.0.0.1:{port}"))
        .namespace(
            Namespace::new("/").on("broadcast-please", |socket, _| async move {
                socket.server().of("/").emit_binary(
                    "from-rust",
                    &(7, Placeholder(0)),
                    vec![Bytes::from_static(&[1, 2, 3])],
                );
            }),
        );
    let (running, _handle) = adapter_tokio::serve("127.0.0.1:0".parse().unwrap(), app)
        .await
        .unwrap();
    let url = format!("http://{}", running.local_addr());
    let js = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/js");
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("cluster/interop.mjs")
            .arg(port.to_string())
            .arg(url)
            .current_dir(js)
            .output()
            .expect("node (tools/test.sh installs it and tests/js)")
    })
    .await
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "interop script failed:\n{text}");
    assert!(text.contains("OK"), "{text}");
    println!("{text}");
}
