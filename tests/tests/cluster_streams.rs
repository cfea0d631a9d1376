//! Connection state recovery across servers on one real Redis (Debian's `redis-server` on a
//! free port of 127.0.0.1, stopped at the end), through the streams backend: our e2e-server
//! with `--redis-streams` (tokio and smol) and node's socket.io 4.8 with
//! `@socket.io/redis-streams-adapter` 0.3.1 (`tests/js/reference-server.mjs
//! --redis-streams`), all with `--recovery-ms`. The scenario is
//! `tests/js/cluster/streams-recovery.mjs`: a socket.io-client 4.x cut from one server
//! (server side, then client side) recovers on the other, same id, every missed event once
//! and in order, rooms kept; and broadcasts cross servers with entry ids as offsets.
#![cfg(feature = "redis")]

mod common;

use std::process::Command;
use std::time::Duration;

use common::redis::Redis;
use common::{Script, Server, js_dir, node_binary, require_node_modules};

fn flags(url: &str) -> [&str; 4] {
    ["--redis-streams", url, "--recovery-ms", "10000"]
}

fn scenario(a: &Server, b: &Server, log: &Server) {
    require_node_modules();
    let mut cmd = Command::new(node_binary());
    cmd.current_dir(js_dir())
        .arg("cluster/streams-recovery.mjs")
        .arg(a.url())
        .arg(b.url());
    Script::spawn(cmd).expect_success(Duration::from_secs(60), log);
}

#[test]
fn ours_and_ours_recover_each_others_clients() {
    let redis = Redis::start();
    let url = redis.url();
    let tokio = Server::start_with("tokio", 0, &flags(&url), &[]);
    let smol = Server::start_with("smol", 0, &flags(&url), &[]);
    scenario(&tokio, &smol, &tokio);
}

#[test]
fn ours_and_node_recover_each_others_clients_both_ways() {
    let redis = Redis::start();
    let url = redis.url();
    let ours = Server::start_with("tokio", 0, &flags(&url), &[]);
    let node = Server::start_node(&flags(&url));
    // Cut from ours, recovered on node, then back; and the other way round.
    scenario(&ours, &node, &ours);
    scenario(&node, &ours, &ours);
}

#[test]
fn async_std_and_node_recover_each_others_clients() {
    let redis = Redis::start();
    let url = redis.url();
    let ours = Server::start_with("async-std", 0, &flags(&url), &[]);
    let node = Server::start_node(&flags(&url));
    scenario(&node, &ours, &ours);
}

#[test]
fn recovery_across_servers_works_again_after_a_redis_restart() {
    let redis = Redis::start();
    let (port, url) = (redis.port, redis.url());
    let tokio = Server::start_with("tokio", 0, &flags(&url), &[]);
    let smol = Server::start_with("smol", 0, &flags(&url), &[]);
    scenario(&tokio, &smol, &tokio);
    drop(redis);
    let _redis = Redis::start_on(port);
    // Empty again (no persistence): both links reconnect and the stream starts over.
    scenario(&smol, &tokio, &tokio);
}
