//! The msgpack parser end to end, once per runtime, against `e2e-server --parser msgpack`:
//! socket.io-client 4.8 with socket.io-msgpack-parser 3.0 under node (`client/msgpack.mjs`:
//! events, acks both ways, binary both ways, namespaces, a binary broadcast, on WebSocket and
//! polling, and a default-parser client closed at once as node closes it), and headless
//! Chromium with socket.io-client's `dist/socket.io.msgpack.min.js` (`browser/msgpack.mjs`).
//! Both scripts pass against node's reference server too (`E2E_SERVER=node`).

#[macro_use]
mod common;

use std::time::Duration;

use common::{Script, Server, node_script};

fn with_msgpack_server(runtime: &str, script: &str, timeout: Duration) {
    let server = Server::start_with(runtime, 0, &["--parser", "msgpack"], &[]);
    Script::spawn(node_script(script, &server)).expect_success(timeout, &server);
}

fn node_client(runtime: &str) {
    with_msgpack_server(runtime, "client/msgpack.mjs", Duration::from_secs(45));
}

fn browser(runtime: &str) {
    with_msgpack_server(runtime, "browser/msgpack.mjs", Duration::from_secs(90));
}

per_runtime!(node_client, browser);
