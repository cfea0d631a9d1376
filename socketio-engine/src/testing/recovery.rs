//! Connection state recovery scenarios on the [`SioHarness`]: connecting with a `pid`,
//! reading offsets, cutting a socket after one event, and reconnecting with `{pid, offset}`.
//!
//! Panics are fine here: this is test support, and a panic is a failed scenario.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use serde_json::Value;
use socketio_proto::Str;

use super::sio_client::{SioClient, SioHarness, args};
use crate::engine::EngineConfig;
use crate::event::{Event, PendingConnect, Recovered};
use crate::sio::SocketId;
use crate::sio::recovery_config::RecoveryConfig;

/// The harness config with recovery on (edited by `edit`) and namespaces `/` and `/b`.
pub fn config(edit: impl FnOnce(&mut RecoveryConfig)) -> EngineConfig {
    let mut c = SioHarness::config();
    let mut r = RecoveryConfig::default();
    edit(&mut r);
    c.sio.connection_state_recovery(Some(r));
    c.sio.namespaces(["/", "/b"].map(Str::from));
    c
}

/// A harness with recovery on, default settings.
#[must_use]
pub fn harness() -> SioHarness {
    SioHarness::new(config(|_| {}))
}

/// A connected socket and what its CONNECT answer said.
#[derive(Debug)]
pub struct Conn {
    /// Its client.
    pub c: SioClient,
    /// Its socket.
    pub socket: SocketId,
    /// The answer's `sid`.
    pub sid: String,
    /// The answer's `pid`.
    pub pid: String,
}

/// The JSON of a CONNECT answer `0{..}` (or `0/b,{..}`).
#[must_use]
pub fn connect_answer(text: &str) -> Value {
    let json = text
        .split_once('{')
        .map(|(_, rest)| format!("{{{rest}"))
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

/// The next connect request, skipping other events (earlier disconnects).
pub fn connect_request(h: &mut SioHarness) -> PendingConnect {
    loop {
        match h.event() {
            Some(Event::Connect(p)) => return p,
            Some(_) => {}
            None => panic!("no connect request"),
        }
    }
}

/// Connects a fresh session to `/` and accepts it.
pub fn connect(h: &mut SioHarness) -> Conn {
    let c = h.open();
    h.send(c, "0");
    let p = connect_request(h);
    assert!(!p.is_recovery());
    let socket = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let out = h.take(c);
    assert_eq!(out.len(), 1, "{out:?}");
    let v = connect_answer(&out[0]);
    Conn {
        c,
        socket,
        sid: v["sid"].as_str().unwrap().to_owned(),
        pid: v["pid"].as_str().unwrap().to_owned(),
    }
}

/// The offset (last argument) of an EVENT packet's text `2[...]`.
#[must_use]
pub fn offset_of(text: &str) -> String {
    let v: Value = serde_json::from_str(text.strip_prefix('2').unwrap()).unwrap();
    v.as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// Reconnects on a new session with `pid` and `offset`: the client and the frames it got.
pub fn reconnect(h: &mut SioHarness, pid: &str, offset: &str) -> (SioClient, Vec<String>) {
    let c = h.open();
    h.send(c, &format!(r#"0{{"pid":"{pid}","offset":"{offset}"}}"#));
    (c, h.take(c))
}

/// The next `Event::Recovered`, or `None` when a connect request (or nothing) comes first.
pub fn recovered(h: &mut SioHarness) -> Option<Recovered> {
    loop {
        match h.event() {
            Some(Event::Recovered(r)) => return Some(r),
            Some(Event::Connect(_)) | None => return None,
            Some(_) => {}
        }
    }
}

/// A socket with one event received (its offset), then cut by closing its WebSocket.
pub fn cut_after_one_event(h: &mut SioHarness) -> (Conn, String) {
    let conn = connect(h);
    h.engine
        .emit(h.now, conn.socket, "hello", &args("[1]"), vec![])
        .unwrap();
    h.drive();
    let out = h.take(conn.c);
    let offset = offset_of(&out[0]);
    h.close_ws(conn.c);
    (conn, offset)
}
