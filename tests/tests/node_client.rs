//! socket.io-client 4.8 under node against the e2e server, once per runtime: each scenario is a
//! script in `tests/js/client/` (transports, upgrade, namespaces, auth, events and acks, binary,
//! rooms and broadcast, disconnect reasons, heartbeat, connection state recovery), plus the server
//! lifecycle: reconnect after a restart on the same port, and graceful shutdown on stdin EOF.

#[macro_use]
mod common;

use std::time::Duration;

use common::{Script, Server, node_script, run_against};

const SCRIPT_TIMEOUT: Duration = Duration::from_secs(45);

fn client(runtime: &str, script: &str) {
    run_against(runtime, SCRIPT_TIMEOUT, |server| {
        node_script(script, server)
    });
}

fn websocket(runtime: &str) {
    client(runtime, "client/websocket.mjs");
}

fn polling(runtime: &str) {
    client(runtime, "client/polling.mjs");
}

fn upgrade(runtime: &str) {
    client(runtime, "client/upgrade.mjs");
}

fn namespaces(runtime: &str) {
    client(runtime, "client/namespaces.mjs");
}

fn auth(runtime: &str) {
    client(runtime, "client/auth.mjs");
}

fn events_and_acks(runtime: &str) {
    client(runtime, "client/events-acks.mjs");
}

/// The argument rule on the wire, closures and namespace objects alike.
fn wire_rules(runtime: &str) {
    client(runtime, "client/wire-rules.mjs");
}

fn binary(runtime: &str) {
    client(runtime, "client/binary.mjs");
}

fn rooms_and_broadcast(runtime: &str) {
    client(runtime, "client/rooms.mjs");
}

fn broadcast_binary(runtime: &str) {
    client(runtime, "client/broadcast-binary.mjs");
}

fn disconnect_reasons(runtime: &str) {
    client(runtime, "client/disconnect.mjs");
}

/// Idle clients survive several ping intervals; a client that never answers is dropped.
fn heartbeat(runtime: &str) {
    client(runtime, "client/heartbeat.mjs");
}

/// The server dies (killed) and a new one starts on the same port: the client reconnects by
/// itself and gets a new welcome.
fn reconnect_after_restart(runtime: &str) {
    let mut server = Server::start(runtime);
    let port = server.port();
    let mut script = Script::spawn(node_script("client/reconnect.mjs", &server));
    script.wait_for_line("READY_FOR_RESTART", Duration::from_secs(20), &server);
    server.kill();
    drop(server);
    let restarted = Server::start_on(runtime, port);
    script.expect_success(Duration::from_secs(60), &restarted);
}

/// The shortened maximum disconnection duration of the recovery scenario: long enough for a
/// cut, the events sent meanwhile and the reconnect on a busy machine, short enough to wait
/// past it.
const RECOVERY_MS: &str = "2000";

/// Connection state recovery: cut by the server and by the client, the missed events once and
/// in order, rooms kept; no recovery after `disconnect()` or past the duration.
fn connection_state_recovery(runtime: &str) {
    let server = Server::start_with(runtime, 0, &["--recovery-ms", RECOVERY_MS], &[]);
    let mut cmd = node_script("client/recovery.mjs", &server);
    cmd.args(["--recovery-ms", RECOVERY_MS]);
    Script::spawn(cmd).expect_success(SCRIPT_TIMEOUT, &server);
}

/// stdin EOF: connected clients (websocket and polling) see a disconnect and the server exits 0.
fn graceful_shutdown(runtime: &str) {
    let mut server = Server::start(runtime);
    let mut script = Script::spawn(node_script("client/shutdown.mjs", &server));
    script.wait_for_line("READY_FOR_SHUTDOWN", Duration::from_secs(20), &server);
    let status = server.shutdown(Duration::from_secs(10));
    let log = server.log();
    match status {
        Ok(s) => assert!(s.success(), "server exited with {s} after stdin EOF\n{log}"),
        Err(e) => panic!("{e}\n{log}"),
    }
    script.expect_success(Duration::from_secs(20), &server);
}

/// stdin EOF with no client: exits 0 promptly.
fn idle_shutdown(runtime: &str) {
    let mut server = Server::start(runtime);
    let status = server.shutdown(Duration::from_secs(5));
    let log = server.log();
    match status {
        Ok(s) => assert!(s.success(), "server exited with {s} after stdin EOF\n{log}"),
        Err(e) => panic!("{e}\n{log}"),
    }
}

per_runtime!(
    websocket,
    polling,
    upgrade,
    namespaces,
    auth,
    events_and_acks,
    wire_rules,
    binary,
    rooms_and_broadcast,
    broadcast_binary,
    disconnect_reasons,
    heartbeat,
    reconnect_after_restart,
    connection_state_recovery,
    graceful_shutdown,
    idle_shutdown,
);
