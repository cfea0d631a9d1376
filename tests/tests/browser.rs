//! Headless Chromium (Debian's `/usr/bin/chromium` driven by playwright-core) runs
//! socket.io-client's browser bundle against the e2e server, once per runtime: echo-ack and
//! binary straight over WebSocket, and same-origin over polling upgraded to WebSocket
//! (`tests/js/browser/`).

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, run_against};

fn echo_ack(runtime: &str) {
    run_against(runtime, Duration::from_secs(90), |server| {
        node_script("browser/echo-ack.mjs", server)
    });
}

per_runtime!(echo_ack);
