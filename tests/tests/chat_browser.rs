//! The chat example (`socketio-examples`, bin `chat`, on tokio) in headless Chromium: three
//! people on the real page, two talking in one room, one in another (`tests/js/chat-browser.mjs`
//! says what is checked). Needs node, `tests/js/node_modules` (playwright-core) and Debian's
//! chromium, as the other browser test does.
//!
//! A third runs `tests/js/chat-recovery.mjs`: connection state recovery on the real page, its
//! connection cut by a TCP relay the script owns (server window shortened to 5 s).
//!
//! With the `redis` feature, another test runs the chat as two instances on one real Redis
//! (`redis-server` on a free port) and puts Bob's page on the second one.
//!
//! The `chat` binary belongs to another package, so Cargo sets no `CARGO_BIN_EXE_chat` here:
//! the test builds it into this test's own target directory and profile (or runs the binary
//! named by `CHAT_BIN`). The server is started on a free port and killed on drop, also when
//! the test fails.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

#[cfg(feature = "redis")]
#[path = "common/redis.rs"]
mod redis;
#[cfg(feature = "redis")]
use redis::Redis;

/// How long the browser script may take (it stops itself at 90 s).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Builds the chat binary next to this test's binary and returns its path.
fn chat_binary() -> PathBuf {
    if let Ok(bin) = std::env::var("CHAT_BIN") {
        return PathBuf::from(bin);
    }
    // This test runs as <target>/<profile>/deps/chat_browser-<hash>.
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary in <target>/<profile>/deps");
    let target_dir = profile_dir.parent().expect("profile dir in a target dir");
    let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    build
        .current_dir(repo_root())
        .args(["build", "-p", "socketio-examples", "--bin", "chat"])
        .env("CARGO_TARGET_DIR", target_dir);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    // One binary for both tests (they may run at once): with `--redis` support when asked.
    if cfg!(feature = "redis") {
        build.args(["--features", "redis"]);
    }
    let status = build.status().expect("run cargo build");
    assert!(status.success(), "building the chat binary failed");
    profile_dir.join(format!("chat{}", std::env::consts::EXE_SUFFIX))
}

/// Collects a child's output in the background.
fn collect(from: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            if let Ok(mut s) = into.lock() {
                s.push_str(&line);
                s.push('\n');
            }
        }
    });
}

/// The chat server, killed on drop.
struct ChatServer {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl ChatServer {
    fn start(extra: &[&str]) -> Self {
        let mut cmd = Command::new(chat_binary());
        cmd.args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Serve the bundle tests/js installs, so the examples' own npm install is not needed.
        let bundle =
            repo_root().join("tests/js/node_modules/socket.io-client/dist/socket.io.min.js");
        if bundle.exists() {
            cmd.arg("--client-js").arg(bundle);
        }
        let mut child = cmd.spawn().expect("start the chat server");
        let log = Arc::new(Mutex::new(String::new()));
        collect(child.stderr.take().expect("stderr"), log.clone());
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        collect(stdout, log.clone());
        let mut server = Self {
            child,
            url: String::new(),
            log,
        };
        // "chat (tokio) listening on http://127.0.0.1:PORT"
        match line.split_once("listening on ") {
            Some((_, url)) => server.url = url.trim().to_owned(),
            None => panic!("the chat server did not start: {line:?}\n{}", server.log()),
        }
        server
    }

    fn log(&self) -> String {
        self.log.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for ChatServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_people_talk_in_a_room_a_third_in_another_does_not_hear() {
    let server = ChatServer::start(&[]);
    run_chat_browser(&server, &[]);
}

/// A page whose connection drops for a moment shows what it missed, without a reload; after
/// the window it is a new socket that claims its nickname and room again.
#[test]
fn a_dropped_page_recovers_what_it_missed() {
    let server = ChatServer::start(&["--recovery-ms", "5000"]);
    run_script("chat-recovery.mjs", &server, &[]);
}

/// Two chat instances on one Redis; Bob's page is on the second.
#[cfg(feature = "redis")]
#[test]
fn two_people_on_two_instances_talk_in_a_room() {
    let redis = Redis::start();
    let (port, url) = (redis.port, redis.url());
    let one = ChatServer::start(&["--redis", &url]);
    let two = ChatServer::start(&["--redis", &url]);
    wait_until_subscribed(port, 2);
    run_chat_browser(&one, &[&two.url]);
    drop(two);
}

/// Waits until `n` servers subscribed to the `/chat` request channel (node's server count),
/// so the first messages cannot go out before the other instance listens.
#[cfg(feature = "redis")]
fn wait_until_subscribed(port: u16, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = Command::new("redis-cli")
            .args([
                "-p",
                &port.to_string(),
                "pubsub",
                "numsub",
                "socket.io-request#/chat#",
            ])
            .output()
            .expect("redis-cli (Debian's redis-tools, with redis-server)");
        let text = String::from_utf8_lossy(&out.stdout);
        if text
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<usize>().ok())
            == Some(n)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "instances never subscribed: {text}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `chat-browser.mjs` against `server` (and `more` instance urls) and checks it passed.
fn run_chat_browser(server: &ChatServer, more: &[&str]) {
    run_script("chat-browser.mjs", server, more);
}

/// The admin UI's own build (`@socket.io/admin-ui`'s `ui/dist`) in Chromium against the chat
/// started with `--admin`, two users on the real chat page (`tests/js/admin/ui-browser.mjs`):
/// the UI lists their sockets and room, shows the dashboard, and its disconnect button
/// disconnects Bob's page. Screenshots stay in the temp dir (paths printed).
#[test]
fn the_admin_ui_lists_chat_users_and_disconnects_one() {
    let server = ChatServer::start(&["--admin"]);
    let output = run_script("admin/ui-browser.mjs", &server, &[]);
    for line in output.lines().filter(|l| l.contains("screenshot")) {
        println!("{line}");
    }
}

/// Runs the browser script `script` (in tests/js) against `server` (and `more` instance
/// urls) and checks it passed: exit 0 and its `[name] OK` line.
fn run_script(script: &str, server: &ChatServer, more: &[&str]) -> String {
    let js = repo_root().join("tests/js");
    let mut node = Command::new("node")
        .current_dir(&js)
        .arg(script)
        .arg(&server.url)
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node (is it installed?)");
    let out = Arc::new(Mutex::new(String::new()));
    collect(node.stdout.take().expect("stdout"), out.clone());
    collect(node.stderr.take().expect("stderr"), out.clone());
    let deadline = Instant::now() + SCRIPT_TIMEOUT;
    let status = loop {
        if let Some(status) = node.try_wait().expect("wait for node") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = node.kill();
            let _ = node.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(100));
    };
    // Let the reader threads take the last lines.
    thread::sleep(Duration::from_millis(200));
    let output = out.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(
        status.is_some_and(|s| s.success()),
        "{script} failed ({status:?}):\n{output}\n--- server log ---\n{}",
        server.log()
    );
    let name = script.trim_end_matches(".mjs");
    assert!(output.contains(&format!("[{name}] OK")), "{output}");
    output
}
