//! WebSockets the server will not use, over real sockets once per runtime: a second WebSocket
//! for a session that is upgrading or already upgraded, and a WebSocket upgrade request naming
//! `transport=polling`, for Engine.IO 4 and 3. Node's engine.io completes their handshake (101)
//! and closes them at once (a close frame without a status, 1005 at the client); the engine
//! decides this (`AcceptWebSocket` then `CloseWs`), and this checks the driver carries it out
//! as a real 101 and close frame on every runtime, with the existing session untouched.

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, run_against};

fn unused_websockets_are_accepted_then_closed(runtime: &str) {
    run_against(runtime, Duration::from_secs(30), |server| {
        node_script("raw/second-websocket.mjs", server)
    });
}

per_runtime!(unused_websockets_are_accepted_then_closed);
