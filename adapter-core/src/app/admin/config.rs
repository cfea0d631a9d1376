//! [`AdminConfig`]: how the admin UI's namespace is set up.

use socketio_proto::Str;

/// Who may connect to the admin namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdminAuth {
    /// Anyone (node's `auth: false`): only for a trusted network.
    None,
    /// A username and a password checked against a bcrypt hash (node's
    /// `{type: "basic", username, password}`); a client that passed once gets a session id
    /// it may send instead (`auth.sessionId`).
    Basic {
        /// The expected `auth.username`.
        username: String,
        /// The bcrypt hash (`$2a$`/`$2b$`/`$2y$`) `auth.password` must match.
        password_hash: String,
    },
}

/// The admin UI's settings (node's `instrument(io, options)`).
#[derive(Clone, Debug)]
pub struct AdminConfig {
    /// The namespace the UI connects to (default `/admin`).
    pub namespace: Str,
    /// Authentication (default none).
    pub auth: AdminAuth,
    /// No actions (emit, join, leave, disconnect) from the UI, only figures (default off).
    pub read_only: bool,
    /// Socket list and live updates (node's `mode: "development"`, default on; the UI shows
    /// its Sockets, Rooms, Clients and Events pages only then). Costs one admin broadcast
    /// per connect, disconnect, join, leave and event.
    pub development: bool,
    /// The `serverId` the UI shows (default the host name).
    pub server_id: Option<String>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            namespace: "/admin".into(),
            auth: AdminAuth::None,
            read_only: false,
            development: true,
            server_id: None,
        }
    }
}

impl AdminConfig {
    /// The features the UI may use (its `config` event), in node's order.
    pub(crate) fn features(&self) -> Vec<&'static str> {
        let mut f = if self.read_only {
            Vec::new()
        } else {
            vec![
                "EMIT",
                "JOIN",
                "LEAVE",
                "DISCONNECT",
                "MJOIN",
                "MLEAVE",
                "MDISCONNECT",
            ]
        };
        f.push("AGGREGATED_EVENTS");
        if self.development {
            f.push("ALL_EVENTS");
        }
        f
    }
}
