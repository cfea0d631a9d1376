//! The sharded mixed cluster on one real Redis 7 (Debian's `redis-server` on a free port of
//! 127.0.0.1, stopped at the end; it serves sharded pub/sub without cluster mode): our
//! e2e-server on tokio and on smol (`--redis-sharded`), and node's socket.io 4.8 with
//! `@socket.io/redis-adapter` 8.3's `createShardedAdapter`, a socket.io-client on each. The
//! scenario is `tests/js/cluster/sharded.mjs`: every operation started from each kind of
//! server reaches the clients of every server exactly once.
#![cfg(feature = "redis")]

mod common;

use std::process::Command;
use std::time::Duration;

use common::redis::Redis;
use common::{Script, Server, js_dir, node_binary, require_node_modules};

#[test]
fn every_operation_from_each_kind_of_server_reaches_every_server_once() {
    let redis = Redis::start();
    let (port, url) = (redis.port, redis.url());
    let tokio = Server::start_with("tokio", 0, &["--redis-sharded", &url], &[]);
    let smol = Server::start_with("smol", 0, &["--redis-sharded", &url], &[]);
    require_node_modules();
    let mut cmd = Command::new(node_binary());
    cmd.current_dir(js_dir())
        .arg("cluster/sharded.mjs")
        .arg(port.to_string())
        .arg(tokio.url())
        .arg(smol.url());
    let script = Script::spawn(cmd);
    script.expect_success(Duration::from_secs(90), &tokio);
}
