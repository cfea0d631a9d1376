//! The admin namespace's handlers: authentication, `config`, and the UI's commands, each
//! done with the application API any handler uses (`server.of(nsp).to(filter)...`).

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use socketio_engine::handler::ConnectDecision;
use socketio_proto::sio::Args;

use super::config::{AdminAuth, AdminConfig};
use crate::app::command::Command;
use crate::app::socket::{EventData, Socket};
use crate::app::{BroadcastOperator, Namespace};

/// Most session ids kept for basic authentication (the oldest is not evicted: past the
/// cap, clients log in with their password again).
pub const MAX_ADMIN_SESSIONS: usize = 10_000;

/// Session ids handed out after a successful basic authentication.
type Sessions = Arc<Mutex<HashSet<String>>>;

/// The admin namespace for `config`.
pub(crate) fn namespace(config: &Arc<AdminConfig>) -> Namespace {
    let sessions: Sessions = Arc::default();
    let cfg = config.clone();
    let s = sessions.clone();
    let mut ns = Namespace::new(config.namespace.clone())
        .on_connect(move |req| {
            let given = req.auth.as_ref().and_then(|a| a.to_value().ok());
            let decision = decide(&cfg.auth, &s, given.as_ref());
            async move { decision }
        })
        .on_connection({
            let cfg = config.clone();
            move |socket, auth| {
                let session = auth
                    .and_then(|a| a.to_value().ok())
                    .and_then(|a| a.get("sessionId")?.as_str().map(str::to_owned));
                greet(&cfg, &sessions, &socket, session);
                async {}
            }
        });
    if !config.read_only {
        ns = ns
            .on("emit", |socket, data| {
                emit(&socket, &data);
                async {}
            })
            .on("join", |socket, data| {
                rooms(&socket, &data, true);
                async {}
            })
            .on("leave", |socket, data| {
                rooms(&socket, &data, false);
                async {}
            })
            .on("_disconnect", |socket, data| {
                disconnect(&socket, &data);
                async {}
            });
    }
    ns
}

/// Whether the client may connect, by its auth object `given`: a known session id, or the
/// right username and password.
fn decide(auth: &AdminAuth, sessions: &Sessions, given: Option<&Value>) -> ConnectDecision {
    let AdminAuth::Basic {
        username,
        password_hash,
    } = auth
    else {
        return ConnectDecision::Accept;
    };
    let field = |k: &str| given.and_then(|g| g.get(k)).and_then(Value::as_str);
    if let Some(id) = field("sessionId")
        && sessions.lock().is_ok_and(|s| s.contains(id))
    {
        return ConnectDecision::Accept;
    }
    if field("username") == Some(username.as_str())
        && bcrypt::verify(field("password").unwrap_or_default(), password_hash).unwrap_or(false)
    {
        return ConnectDecision::Accept;
    }
    ConnectDecision::reject("invalid credentials")
}

/// A new admin socket: its session id (after a password login), `config`, and in
/// development mode the socket list.
fn greet(cfg: &AdminConfig, sessions: &Sessions, socket: &Socket, session: Option<String>) {
    if matches!(cfg.auth, AdminAuth::Basic { .. }) {
        let known = session.is_some_and(|id| sessions.lock().is_ok_and(|s| s.contains(&id)));
        if !known {
            let id = session_id();
            if let Ok(mut s) = sessions.lock()
                && s.len() < MAX_ADMIN_SESSIONS
            {
                s.insert(id.clone());
            }
            socket.emit("session", &id);
        }
    }
    socket.emit("config", &json!({"supportedFeatures": cfg.features()}));
    if cfg.development {
        let _ = socket.server().send(Command::AdminAllSockets {
            socket: socket.socket_id(),
        });
    }
}

/// 16 hex digits from the process's random hash keys (node's `randomBytes(8)`).
fn session_id() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    format!("{:016x}", h.finish())
}

/// The sockets of namespace `nsp` in room `filter` (a socket id is a room), or all of them
/// without a filter.
fn select(socket: &Socket, nsp: &Value, filter: Option<&Value>) -> Option<BroadcastOperator> {
    let op = socket.server().of(nsp.as_str()?.to_owned());
    Some(
        match filter.and_then(Value::as_str).filter(|f| !f.is_empty()) {
            Some(room) => op.to(room.to_owned()),
            None => op,
        },
    )
}

/// `emit(nsp, filter, event, ...args)`.
fn emit(socket: &Socket, data: &EventData) {
    let args = arguments(data);
    let (Some(nsp), Some(Value::String(event))) = (args.first(), args.get(2)) else {
        return;
    };
    if let Some(op) = select(socket, nsp, args.get(1)) {
        let rest = args.get(3..).unwrap_or_default().to_vec();
        op.emit(event, &Args::from_values(rest));
    }
}

/// `join(nsp, room, filter)` or `leave(nsp, room, filter)`.
fn rooms(socket: &Socket, data: &EventData, join: bool) {
    let args = arguments(data);
    let (Some(nsp), Some(Value::String(room))) = (args.first(), args.get(1)) else {
        return;
    };
    if let Some(op) = select(socket, nsp, args.get(2)) {
        if join {
            op.join(room.clone());
        } else {
            op.leave(room.as_str());
        }
    }
}

/// `_disconnect(nsp, close, filter)`.
fn disconnect(socket: &Socket, data: &EventData) {
    let args = arguments(data);
    let Some(nsp) = args.first() else {
        return;
    };
    if let Some(op) = select(socket, nsp, args.get(2)) {
        op.disconnect();
    }
}

/// Every argument of a command, in order.
fn arguments(data: &EventData) -> Vec<Value> {
    match data.args.to_value() {
        Ok(Value::Array(list)) => list,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(d: &ConnectDecision) -> bool {
        matches!(d, ConnectDecision::Accept)
    }

    #[test]
    fn basic_auth_checks_the_bcrypt_hash_and_known_sessions() {
        // Cost 4 (bcrypt's minimum) keeps the test fast; node's UI docs use 10.
        let hash = bcrypt::hash("changeit", 4).unwrap();
        let auth = AdminAuth::Basic {
            username: "admin".into(),
            password_hash: hash,
        };
        let sessions = Sessions::default();
        let d = |v: Value| decide(&auth, &sessions, Some(&v));
        assert!(accepted(&d(
            json!({"username": "admin", "password": "changeit"})
        )));
        assert!(!accepted(&d(
            json!({"username": "admin", "password": "wrong"})
        )));
        assert!(!accepted(&d(
            json!({"username": "root", "password": "changeit"})
        )));
        assert!(!accepted(&decide(&auth, &sessions, None)));
        assert!(!accepted(&d(json!({"sessionId": "0123456789abcdef"}))));
        sessions.lock().unwrap().insert("0123456789abcdef".into());
        assert!(accepted(&d(json!({"sessionId": "0123456789abcdef"}))));
        // No auth configured: anyone.
        assert!(accepted(&decide(&AdminAuth::None, &sessions, None)));
    }

    #[test]
    fn read_only_and_production_features() {
        let mut c = AdminConfig::default();
        assert_eq!(c.features().len(), 9);
        c.read_only = true;
        c.development = false;
        assert_eq!(c.features(), vec!["AGGREGATED_EVENTS"]);
    }

    #[test]
    fn session_ids_are_16_hex_digits_and_differ() {
        let (a, b) = (session_id(), session_id());
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
