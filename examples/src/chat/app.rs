//! The chat's Socket.IO application, on adapter-core's async API.
//!
//! # Theory of operation
//! Namespace `/chat` (client → server, each acknowledged with `{ok: true, ..}` or
//! `{ok: false, error}`):
//! - `nick` (name) → `{ok, nick}`; a taken nickname is refused.
//! - `join` (room) → `{ok, room, members, history}`; the user leaves their previous room.
//!   The room's other members get `joined` `{room, nick}`, the previous room's get `left`.
//! - `message` (text) → `{ok, id, ts}`; the room's other members get `message`
//!   `{id, room, nick, text, ts}` (the sender's page shows its own copy, marked delivered
//!   by the ack).
//!
//! Namespace `/presence`: each socket gets `stats` `{online, rooms: [{name, users}]}` on
//! connect and after every change, so the page's room list and online count stay live.
//!
//! Handlers run as concurrent tasks, so each one does its check, its change of the
//! [`ChatState`] and the engine commands that follow under one lock (see
//! [`state`](super::state)): commands reach the hub in the order the state changed. A
//! disconnect marks the socket [`Gone`] under that lock, so a handler of the same socket
//! that runs late (its task raced the disconnect) changes nothing: no nickname or room
//! membership is ever left behind by a departed user.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use adapter_core::app::{App, EventData, Namespace, Socket};
use serde::Serialize;
use serde_json::{Value, json};

use super::state::{ChatError, ChatState};

/// The chat's state, shared by every handler.
pub type Shared = Arc<Mutex<ChatState>>;

/// Marks a socket whose disconnect has been handled (stored in its data).
#[derive(Debug, Clone, Copy)]
pub struct Gone;

/// The chat application with a fresh state.
#[must_use]
pub fn app() -> App {
    app_with_state(Shared::default())
}

/// The chat application on `state` (tests look into it).
#[must_use]
pub fn app_with_state(state: Shared) -> App {
    App::new()
        // socket.io-client 2.x (Engine.IO 3) and 0.9 users chat with 3.x/4.x users in the
        // same rooms.
        .configure(|c| {
            c.eio.allow_eio3 = true;
            c.eio.allow_v09 = true;
        })
        .namespace(chat_namespace(state.clone()))
        .namespace(presence_namespace(state))
}

fn lock(state: &Shared) -> MutexGuard<'_, ChatState> {
    // A handler that panicked mid-change cannot leave the maps inconsistent in a way
    // that matters more than stopping the whole chat would.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn is_gone(socket: &Socket) -> bool {
    socket.with_data(|d| d.get::<Gone>().is_some())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `{ok: true, ...fields}` or `{ok: false, error}`.
fn reply<T: Serialize>(r: Result<T, ChatError>) -> Value {
    match r.map(|v| serde_json::to_value(v).unwrap_or(Value::Null)) {
        Ok(Value::Object(mut m)) => {
            m.insert("ok".into(), Value::Bool(true));
            Value::Object(m)
        }
        Ok(_) => json!({ "ok": true }),
        Err(e) => json!({ "ok": false, "error": e.to_string() }),
    }
}

/// Sends the current stats to every `/presence` socket (call with the lock held).
fn publish_stats(socket: &Socket, st: &ChatState) {
    socket
        .server()
        .of("/presence")
        .emit("stats", &(st.stats(),));
}

/// Runs `f` with the locked state unless the socket is gone; acks its result.
fn handle(
    state: &Shared,
    socket: &Socket,
    data: EventData,
    f: impl FnOnce(&mut ChatState, Result<String, ()>) -> Value,
) {
    let arg = data.arg::<String>().map_err(drop);
    let answer = {
        let mut st = lock(state);
        if is_gone(socket) {
            return; // disconnected meanwhile: nobody to answer
        }
        f(&mut st, arg)
    };
    if let Some(ack) = data.ack {
        ack.send(&(answer,));
    }
}

fn chat_namespace(state: Shared) -> Namespace {
    let (s1, s2, s3, s4) = (state.clone(), state.clone(), state.clone(), state);
    Namespace::new("/chat")
        .on("nick", move |socket, data| {
            let state = s1.clone();
            async move {
                handle(&state, &socket, data, |st, nick| {
                    let r = nick
                        .map_err(|()| ChatError::BadNick)
                        .and_then(|n| st.set_nick(socket.id(), &n));
                    if r.is_ok() {
                        publish_stats(&socket, st);
                    }
                    reply(r.map(|nick| json!({ "nick": nick })))
                });
            }
        })
        .on("join", move |socket, data| {
            let state = s2.clone();
            async move {
                handle(&state, &socket, data, |st, room| {
                    let r = room
                        .map_err(|()| ChatError::BadRoom)
                        .and_then(|r| st.join(socket.id(), &r));
                    if let Ok(j) = &r {
                        let nick = st.nick(socket.id()).unwrap_or_default();
                        if let Some(left) = &j.left {
                            socket.leave(left.as_str());
                            socket
                                .to(left.as_str())
                                .emit("left", &(json!({ "room": left, "nick": nick }),));
                        }
                        socket.join(j.room.as_str());
                        socket
                            .to(j.room.as_str())
                            .emit("joined", &(json!({ "room": j.room, "nick": nick }),));
                        publish_stats(&socket, st);
                    }
                    reply(r)
                });
            }
        })
        .on("message", move |socket, data| {
            let state = s3.clone();
            async move {
                handle(&state, &socket, data, |st, text| {
                    let r = text
                        .map_err(|()| ChatError::BadMessage)
                        .and_then(|t| st.say(socket.id(), &t, now_ms()));
                    if let Ok(m) = &r {
                        socket.to(m.room.as_str()).emit("message", &(m,));
                    }
                    reply(r.map(|m| json!({ "id": m.id, "ts": m.ts })))
                });
            }
        })
        .on_disconnect(move |socket, _reason| {
            let state = s4.clone();
            async move {
                let mut st = lock(&state);
                socket.insert_data(Gone);
                let gone = st.remove(socket.id());
                if let (Some(nick), Some(room)) = (&gone.nick, &gone.room) {
                    let notice = json!({ "room": room, "nick": nick });
                    socket
                        .server()
                        .of("/chat")
                        .to(room.as_str())
                        .emit("left", &(notice,));
                }
                if gone.nick.is_some() {
                    publish_stats(&socket, &st);
                }
            }
        })
}

fn presence_namespace(state: Shared) -> Namespace {
    Namespace::new("/presence").on_connection(move |socket, _auth| {
        let state = state.clone();
        async move {
            // Under the lock, so no newer stats broadcast can overtake this snapshot.
            let st = lock(&state);
            socket.emit("stats", &(st.stats(),));
        }
    })
}
