//! The idle-socket memory scenario shared by `benches/memory.rs` and `tests/idle_memory.rs`:
//! both install a counting global allocator (from `stats_alloc`; this crate forbids the
//! `unsafe` one needs) and pass a probe that reads its live totals.
//!
//! `n` WebSocket sessions open with a browser-like handshake (or none), connect to "/" and
//! are accepted; every action is drained and dropped as a driver would. Requests are built
//! between the probes, so what the engine does not keep is freed there too and the deltas
//! are exactly what the engine retains.

use std::time::Instant;

use socketio_proto::Str;

use crate::action::{Action, WsMessage};
use crate::engine::{Engine, EngineConfig};
use crate::event::Event;
use crate::http::{HttpBody, RequestMeta};

/// What a browser sends with a WebSocket handshake, besides the upgrade headers.
pub const BROWSER_HEADERS: [(&str, &str); 6] = [
    ("host", "chat.example.com"),
    (
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ),
    ("accept-language", "en-US,en;q=0.5"),
    ("origin", "https://chat.example.com"),
    ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ("cookie", "theme=dark; session=8f2a61c0"),
];

/// Heap retained per session, in bytes and live allocations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerSession {
    /// Bytes per session.
    pub bytes: f64,
    /// Live allocations per session.
    pub allocs: f64,
}

/// The figures of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdleFigures {
    /// After the Engine.IO handshake.
    pub session: PerSession,
    /// Added by connecting to "/" (the Socket.IO socket).
    pub socket: PerSession,
}

impl IdleFigures {
    /// Session and socket together.
    #[must_use]
    pub fn total(&self) -> PerSession {
        PerSession {
            bytes: self.session.bytes + self.socket.bytes,
            allocs: self.session.allocs + self.socket.allocs,
        }
    }
}

fn handshake(headers: bool) -> RequestMeta {
    let mut meta = RequestMeta::new(
        http::Method::GET,
        http::Uri::from_static("/socket.io/?EIO=4&transport=websocket"),
    );
    let mut add = |k: &'static str, v: &'static str| {
        meta.headers.append(
            http::HeaderName::from_static(k),
            http::HeaderValue::from_static(v),
        );
    };
    add("upgrade", "websocket");
    add("connection", "Upgrade");
    if headers {
        for (k, v) in BROWSER_HEADERS {
            add(k, v);
        }
    }
    meta
}

/// Runs the scenario with `n` sessions; `live` returns the allocator's live `(bytes,
/// allocations)` totals.
///
/// # Panics
/// When a session is not accepted (test support).
#[allow(clippy::cast_precision_loss, clippy::expect_used, clippy::panic)]
pub fn idle_sockets(n: usize, headers: bool, live: &mut dyn FnMut() -> (i64, i64)) -> IdleFigures {
    let mut config = EngineConfig::default();
    config.eio.rng_seed = Some([1; 32]);
    config.sio.rng_seed([2; 32]);
    let mut engine = Engine::new(config);
    let mut conns = Vec::with_capacity(n);
    let connect = WsMessage::Text(Str::from_static("40"));
    // Any instant will do: the engine only compares the instants it is given.
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now();

    let start = live();
    for _ in 0..n {
        let _req = engine.handle_http(now, handshake(headers), HttpBody::empty());
        while let Some(a) = engine.poll_action() {
            if let Action::AcceptWebSocket { conn, .. } = a {
                conns.push(conn);
            }
        }
    }
    let opened = live();
    for &conn in &conns {
        engine.handle_ws_message(now, conn, connect.clone());
        while let Some(a) = engine.poll_action() {
            if let Action::Dispatch(Event::Connect(p)) = a {
                engine.accept_connect(now, p).expect("accepted");
            }
        }
    }
    let connected = live();
    assert_eq!(engine.socket_count(), n, "every socket connected");
    let per = |(b, a): (i64, i64)| PerSession {
        bytes: b as f64 / n as f64,
        allocs: a as f64 / n as f64,
    };
    IdleFigures {
        session: per((opened.0 - start.0, opened.1 - start.1)),
        socket: per((connected.0 - opened.0, connected.1 - opened.1)),
    }
}
