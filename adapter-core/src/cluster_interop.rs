//! The cluster adapter's interop scenario on a real Redis, for each runtime adapter's tests
//! (features `testing` and a `cluster-redis-*`): Debian's `redis-server` on a free port of
//! 127.0.0.1 without persistence, our server on the given runtime with `App::redis`, and
//! node's socket.io 4.8 with `@socket.io/redis-adapter` 8.3 (`tests/js/cluster/interop.mjs`),
//! a socket.io-client on each. A broadcast from each server must reach the other's client,
//! and node's `fetchSockets` / `allRooms` must list our socket. The application API crosses
//! too: server-side emits both ways with acks, `all_rooms`, `server_count`, and a broadcast
//! with acks gathering node's client's ack.
//!
//! Panics are the point here: this is test support, and a panic is a failed scenario.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_proto::sio::Placeholder;

use crate::runtime::Runtime;
use crate::{App, Namespace};

/// A child process killed when dropped, also when the test panics.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `redis-server` without persistence on a free port and waits until it accepts.
fn redis() -> (Killed, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    (redis_on(port), port)
}

/// Starts `redis-server` without persistence on `port` and waits until it accepts.
fn redis_on(port: u16) -> Killed {
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
    child
}

/// Runs the scenario with our server on `rt`; returns the script's output.
///
/// # Panics
/// When Redis or node cannot be started, or the scenario fails.
pub async fn broadcasts_and_requests_cross_with_node<R: Runtime>(rt: R) -> String {
    let (_redis, port) = redis();
    let (_server, url) = serve_ours(rt, port).await;
    let js = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/js");
    // node runs on a thread of its own; the runtime keeps serving meanwhile.
    let (tx, rx) = futures_channel::oneshot::channel();
    std::thread::spawn(move || {
        let out = Command::new("node")
            .arg("cluster/interop.mjs")
            .arg(port.to_string())
            .arg(url)
            .current_dir(js)
            .output();
        let _ = tx.send(out);
    });
    let out = rx
        .await
        .unwrap()
        .expect("node not found: tools/test.sh installs it and tests/js");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "interop script failed:\n{text}");
    assert!(text.contains("\nOK"), "{text}");
    text
}

/// Our server on `rt` in the cluster of the Redis on `port`; returns its URL. It answers
/// `broadcast-please` with a broadcast of `from-rust` (7 and a binary) to the cluster.
async fn serve_ours<R: Runtime>(rt: R, port: u16) -> (crate::Running, String) {
    let app = App::new()
        .redis(format!("redis://127.0.0.1:{port}"))
        .namespace(
            Namespace::new("/")
                .on("broadcast-please", |socket, _| async move {
                    socket.server().of("/").emit_binary(
                        "from-rust",
                        &(7, Placeholder(0)),
                        vec![Bytes::from_static(&[1, 2, 3])],
                    );
                })
                // Answers with the ids and rooms of the other servers' sockets.
                .on("fetch-please", |socket, data| async move {
                    let remote = socket.server().of("/").cluster_sockets().await;
                    let list: Vec<(String, Vec<String>)> = remote
                        .unwrap_or_default()
                        .into_iter()
                        .map(|s| {
                            let rooms = s.rooms().iter().map(ToString::to_string).collect();
                            (s.id().to_string(), rooms)
                        })
                        .collect();
                    if let Some(ack) = data.ack {
                        ack.send(&(list,));
                    }
                })
                // The application API across the cluster, each answered to the client as
                // one array (`emitWithAck` resolves with the first argument).
                .on("sse-please", |socket, data| async move {
                    let server = socket.server().clone();
                    server.server_side_emit("/", "hello-servers", &1);
                    let r = server
                        .server_side_emit_with_ack("/", "ping-servers", "from-rust")
                        .await
                        .unwrap();
                    if let Some(ack) = data.ack {
                        ack.send(&((r.responses, r.timeout.is_some()),));
                    }
                })
                .on("rooms-please", |socket, data| async move {
                    let rooms = socket.server().all_rooms("/").await.unwrap();
                    let rooms: Vec<String> = rooms.iter().map(ToString::to_string).collect();
                    let count = socket.server().server_count().await.unwrap();
                    if let Some(ack) = data.ack {
                        ack.send(&((rooms, count),));
                    }
                })
                .on("bwa-please", |socket, data| async move {
                    let r = socket
                        .server()
                        .of("/")
                        .emit_with_ack("q", &(), Duration::from_secs(3))
                        .await
                        .unwrap();
                    let local: Vec<serde_json::Value> = r
                        .replies
                        .iter()
                        .map(|a| a.args.parse().unwrap_or_default())
                        .collect();
                    if let Some(ack) = data.ack {
                        ack.send(&((local, r.remote, r.remote_timeout.is_some()),));
                    }
                })
                // node's RemoteSocket calls on each other server's socket: `what` says which.
                .on("remote-please", |socket, data| async move {
                    let what: String = data.arg().unwrap_or_default();
                    let remote = socket.server().of("/").cluster_sockets().await.unwrap();
                    for s in &remote {
                        match what.as_str() {
                            "emit-join" => {
                                s.emit("to-you", s.id());
                                s.join("joined-by-rust");
                            }
                            "leave" => s.leave("joined-by-rust"),
                            _ => s.disconnect(),
                        }
                    }
                    if let Some(ack) = data.ack {
                        ack.send(&remote.len());
                    }
                })
                // node's serverSideEmit(WithAck) reaching our application.
                .on_server_side_emit("node-asks", |_, event| async move {
                    let n: u32 = event.args().unwrap_or_default();
                    if let Some(ack) = event.ack {
                        ack.send(&("rust-answer", n + 1));
                    }
                })
                .on_server_side_emit("node-tells", |server, event| async move {
                    let word: String = event.args().unwrap_or_default();
                    server.of("/").local().emit("heard", &word);
                }),
        );
    let (running, _) = crate::serve(rt, "127.0.0.1:0".parse().unwrap(), app)
        .await
        .unwrap();
    let url = format!("http://{}", running.local_addr());
    (running, url)
}

/// The scenario, then Redis is killed and restarted on the same port: both servers
/// reconnect and resubscribe, and broadcasts cross both ways again. Returns the output.
///
/// # Panics
/// When Redis or node cannot be started, or the scenario fails.
pub async fn survives_a_redis_restart<R: Runtime>(rt: R) -> String {
    use futures_util::StreamExt;
    use std::io::{BufRead, BufReader, Write};

    let (redis, port) = redis();
    let (_server, url) = serve_ours(rt, port).await;
    let js = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/js");
    let mut node = Command::new("node")
        .arg("cluster/interop.mjs")
        .arg(port.to_string())
        .arg(url)
        .arg("restart")
        .current_dir(js)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node not found: tools/test.sh installs it and tests/js");
    let mut stdin = node.stdin.take().unwrap();
    let stdout = node.stdout.take().unwrap();
    let node = Killed(node);
    // Lines arrive from a thread, so waiting for one never blocks the runtime.
    let (tx, mut lines) = futures_channel::mpsc::unbounded();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.unbounded_send(line);
        }
    });
    let mut out = String::new();
    while let Some(line) = lines.next().await {
        out.push_str(&line);
        out.push('\n');
        if line == "READY_FOR_RESTART" {
            break;
        }
    }
    assert!(
        out.ends_with("READY_FOR_RESTART\n"),
        "before the restart:\n{out}"
    );
    drop(redis);
    let _redis = redis_on(port);
    writeln!(stdin, "RESTARTED").unwrap();
    while let Some(line) = lines.next().await {
        out.push_str(&line);
        out.push('\n');
    }
    drop(node);
    assert!(out.ends_with("\nOK\n"), "after the restart:\n{out}");
    out
}
