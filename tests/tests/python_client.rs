//! python-socketio 5 (`tests/py/client.py`) against the e2e server, once per runtime and
//! transport: polling only, WebSocket only, and polling upgraded to WebSocket; events, acks
//! both ways and binary in each.

#[macro_use]
mod common;

use std::time::Duration;

use common::{python_script, run_against};

fn python(runtime: &str, transport: &str) {
    run_against(runtime, Duration::from_secs(45), |server| {
        python_script("client.py", server, &["--transport", transport])
    });
}

fn polling(runtime: &str) {
    python(runtime, "polling");
}

fn websocket(runtime: &str) {
    python(runtime, "websocket");
}

fn upgrade(runtime: &str) {
    python(runtime, "upgrade");
}

per_runtime!(polling, websocket, upgrade);
