//! Headless Chromium (Debian's `/usr/bin/chromium` driven by playwright-core) runs
//! socket.io-client 2.x's browser bundle against the e2e server, once per runtime: WebSocket,
//! polling upgraded to WebSocket, XHR polling and JSONP polling, each with echo-ack and the
//! `/admin` namespace on the same connection (`tests/js/browser-v2/`).

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, run_against};

fn echo_ack_v2(runtime: &str) {
    run_against(runtime, Duration::from_secs(120), |server| {
        node_script("browser-v2/echo-ack.mjs", server)
    });
}

per_runtime!(echo_ack_v2);
