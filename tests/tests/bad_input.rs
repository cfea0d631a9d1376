//! Bad input over real sockets (node `http`, `net` and `ws`, no Socket.IO client), once per
//! runtime: oversized bodies and messages, malformed requests and packets, garbage on WebSocket
//! and TCP connections, half-open connections, a flood of handshakes. Each script asserts
//! node engine.io's documented answers and that the server keeps serving normal clients.

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, run_against};

fn raw(runtime: &str, script: &str) {
    run_against(runtime, Duration::from_secs(60), |server| {
        node_script(script, server)
    });
}

fn oversized(runtime: &str) {
    raw(runtime, "raw/oversized.mjs");
}

fn malformed(runtime: &str) {
    raw(runtime, "raw/malformed.mjs");
}

fn garbage_on_websocket_and_tcp(runtime: &str) {
    raw(runtime, "raw/garbage-ws.mjs");
}

fn half_open_connections(runtime: &str) {
    raw(runtime, "raw/half-open.mjs");
}

fn handshake_flood(runtime: &str) {
    raw(runtime, "raw/flood.mjs");
}

per_runtime!(
    oversized,
    malformed,
    garbage_on_websocket_and_tcp,
    half_open_connections,
    handshake_flood,
);
