//! Socket.IO 0.9 clients (the 0.9 protocol: `GET /socket.io/1/` handshake, `type:id:endpoint:data`
//! packets) against the e2e server, once per runtime and transport:
//! - socket.io-client 0.9.16's browser bundle in headless Chromium (`tests/js/browser-v09/`) over
//!   websocket, xhr-polling and jsonp-polling (JSONP cross-origin, handshake included);
//! - the python client socketIO-client 0.5 (`tests/py/client_v09.py`) over the same three;
//! - one room shared by a 4.x, a 2.x and a 0.9 client (`tests/js/mixed-room-all.mjs`).
//!
//! Each client: welcome on `/` and `/admin` (token on the handshake query), events and acks both
//! ways, heartbeats over an idle period, and client- and server-initiated disconnects; the
//! browser also sees `/admin` refused without the token. 0.9 has no binary attachments.
//! `REF09_DIR=<dir with socket.io 0.9.19> E2E_SERVER=tests/js/reference-server-v09.cjs` runs these
//! against node's own socket.io 0.9 (see that file).

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, python_script, run_against};

fn browser(runtime: &str, transport: &str) {
    run_against(runtime, Duration::from_secs(90), |server| {
        let mut cmd = node_script("browser-v09/transport.mjs", server);
        cmd.args(["--transport", transport]);
        cmd
    });
}

fn python(runtime: &str, transport: &str) {
    run_against(runtime, Duration::from_secs(90), |server| {
        python_script("client_v09.py", server, &["--transport", transport])
    });
}

fn browser_websocket(runtime: &str) {
    browser(runtime, "websocket");
}

fn browser_xhr_polling(runtime: &str) {
    browser(runtime, "xhr-polling");
}

fn browser_jsonp_polling(runtime: &str) {
    browser(runtime, "jsonp-polling");
}

fn python_websocket(runtime: &str) {
    python(runtime, "websocket");
}

fn python_xhr_polling(runtime: &str) {
    python(runtime, "xhr-polling");
}

fn python_jsonp_polling(runtime: &str) {
    python(runtime, "jsonp-polling");
}

/// socket.io-client 4.x, 2.x and 0.9 in one room: each member's broadcast reaches each other
/// member once, and no outsider.
fn mixed_room_all_generations(runtime: &str) {
    run_against(runtime, Duration::from_secs(90), |server| {
        node_script("mixed-room-all.mjs", server)
    });
}

per_runtime!(
    browser_websocket,
    browser_xhr_polling,
    browser_jsonp_polling,
    python_websocket,
    python_xhr_polling,
    python_jsonp_polling,
    mixed_room_all_generations,
);
