//! The Socket.IO admin UI's server side (`--admin`: `/admin`, no auth, development mode)
//! with socket.io-client under node as the admin client: `admin/protocol.mjs` checks config,
//! all_sockets, live updates, every command and server_stats. With `E2E_SERVER=node` the
//! same script runs against node's socket.io with `@socket.io/admin-ui`'s `instrument()`.
//! One runtime: the admin code is the same on every runtime (its stats ticker is a thread).

#[macro_use]
mod common;

use std::time::Duration;

use common::{Script, Server, node_script};

const SCRIPT_TIMEOUT: Duration = Duration::from_secs(45);

#[test]
fn admin_protocol() {
    let server = Server::start_with("tokio", 0, &["--admin"], &[]);
    Script::spawn(node_script("admin/protocol.mjs", &server))
        .expect_success(SCRIPT_TIMEOUT, &server);
}
