//! Headless Chromium (Debian's `/usr/bin/chromium` driven by playwright-core) runs
//! socket.io-client's browser bundle against the e2e server, once per runtime: echo-ack and
//! binary straight over WebSocket, and same-origin over polling upgraded to WebSocket
//! (`tests/js/browser/`); and connection state recovery, over WebSocket and long-polling.

#[macro_use]
mod common;

use std::time::Duration;

use common::{Script, Server, node_script, run_against};

fn echo_ack(runtime: &str) {
    run_against(runtime, Duration::from_secs(90), |server| {
        node_script("browser/echo-ack.mjs", server)
    });
}

/// Connection state recovery in the browser: cuts by the server and by the client recover
/// with every missed event once and in order; `disconnect()` does not (`recovery.html`).
fn connection_state_recovery(runtime: &str) {
    let server = Server::start_with(runtime, 0, &["--recovery-ms", "5000"], &[]);
    Script::spawn(node_script("browser/recovery.mjs", &server))
        .expect_success(Duration::from_secs(90), &server);
}

per_runtime!(echo_ack, connection_state_recovery);
