//! socket.io-client 2.x (Engine.IO v3 / Socket.IO v4 protocol) under node against the e2e server,
//! once per runtime: each scenario is a script in `tests/js/client-v2/` (polling, WebSocket,
//! polling upgraded to WebSocket, polling with `b64=1`; two namespaces over one connection; the
//! namespace query as auth; rooms and broadcast; disconnect reasons), plus one room shared by a
//! 4.x and a 2.x client.

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, run_against};

const SCRIPT_TIMEOUT: Duration = Duration::from_secs(45);

fn client(runtime: &str, script: &str) {
    run_against(runtime, SCRIPT_TIMEOUT, |server| {
        node_script(script, server)
    });
}

fn polling(runtime: &str) {
    client(runtime, "client-v2/polling.mjs");
}

fn websocket(runtime: &str) {
    client(runtime, "client-v2/websocket.mjs");
}

fn upgrade(runtime: &str) {
    client(runtime, "client-v2/upgrade.mjs");
}

fn polling_base64(runtime: &str) {
    client(runtime, "client-v2/base64.mjs");
}

fn namespaces(runtime: &str) {
    client(runtime, "client-v2/namespaces.mjs");
}

fn namespace_query_auth(runtime: &str) {
    client(runtime, "client-v2/auth.mjs");
}

fn rooms_and_broadcast(runtime: &str) {
    client(runtime, "client-v2/rooms.mjs");
}

fn disconnect_reasons(runtime: &str) {
    client(runtime, "client-v2/disconnect.mjs");
}

/// A 4.x and a 2.x client in one room: each one's broadcast reaches the other exactly once.
fn mixed_generation_room(runtime: &str) {
    client(runtime, "client-v2/mixed-room.mjs");
}

per_runtime!(
    polling,
    websocket,
    upgrade,
    polling_base64,
    namespaces,
    namespace_query_auth,
    rooms_and_broadcast,
    disconnect_reasons,
    mixed_generation_room,
);
