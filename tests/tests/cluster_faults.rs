//! Faults in a mixed cluster on one real Redis (Debian's `redis-server` on a free port of
//! 127.0.0.1): our e2e-server on tokio and on smol (`--redis`), node's socket.io 4.8 with
//! `@socket.io/redis-adapter` 8.3, a socket.io-client on each. The scenario is
//! `tests/js/cluster/faults.mjs`; this test is its hands on Redis: it SIGKILLs Redis when the
//! script prints `KILL-REDIS` and starts it again on the same port at `RESTART-REDIS`. The
//! script checks that every server serves its own clients during the outage, that requests
//! made meanwhile end at their timeout, that broadcasts made meanwhile arrive afterwards,
//! measures how long each server takes to be back, and then kills the smol server
//! mid-request.
#![cfg(feature = "redis")]

mod common;

use std::process::Command;
use std::time::Duration;

use common::redis::Redis;
use common::{Script, Server, js_dir, node_binary, require_node_modules};

#[test]
fn redis_restarts_and_a_server_killed_mid_request() {
    let mut redis = Redis::start();
    let (port, url) = (redis.port, redis.url());
    let tokio = Server::start_with("tokio", 0, &["--redis", &url], &[]);
    let smol = Server::start_with("smol", 0, &["--redis", &url], &[]);
    require_node_modules();
    let mut cmd = Command::new(node_binary());
    cmd.current_dir(js_dir())
        .arg("cluster/faults.mjs")
        .arg(port.to_string())
        .arg(tokio.url())
        .arg(smol.url())
        .arg(smol.pid().to_string());
    let mut script = Script::spawn(cmd);
    script.wait_for_line("KILL-REDIS", Duration::from_secs(60), &tokio);
    redis.kill();
    script.wait_for_line("RESTART-REDIS", Duration::from_secs(60), &tokio);
    redis.restart();
    // The smol server's log is lost when the script kills it; tokio's tells what happened.
    script.expect_success(Duration::from_secs(90), &tokio);
}
