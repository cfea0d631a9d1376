//! The chat's Socket.IO application, on adapter-core's namespace objects.
//!
//! # Theory of operation
//! Namespace `/chat`: one [`ChatUser`] per socket, holding that user's [`User`] (nickname
//! and room). Its methods answer the client's requests, each acknowledged with
//! `{ok: true, ..}` or `{ok: false, error}`:
//! - `nick` (name) → `{ok, nick}`; a taken nickname is refused.
//! - `join` (room) → `{ok, room, members, history}`; the user leaves their previous room.
//!   The room's other members get `joined` `{room, nick}` (unless the user was in it
//!   already), the previous room's get `left`.
//! - `message` (text) → `{ok, id, ts}`; the room's other members get `message`
//!   `{id, room, nick, text, ts}` (the sender's page shows its own copy, marked delivered
//!   by the ack).
//!
//! Namespace `/presence`: each socket gets `stats` `{online, rooms: [{name, users}]}` on
//! connect and after every change, so the page's room list and online count stay live.
//!
//! Connection state recovery is on (node's default window, 2 minutes; [`Settings`]): a page
//! whose connection drops comes back with the same socket id, still in its rooms, and gets
//! the messages sent meanwhile. Its user waits for it ([`ChatState::hold`]): nickname and
//! room stay theirs and nobody is told they left, unless the window passes first
//! ([`expire_away`], which the server runs every second).
//!
//! A socket's methods run one at a time, in the order of its requests, and its
//! `disconnect` after all of them: so a departed user's request can never change anything
//! after they left, with no marker to check. What all users share ([`ChatState`]) is the
//! application state, behind one lock; each method does its check, its change and the
//! engine commands that follow under that lock, so commands reach the hub in the order the
//! shared state changed.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use adapter_core::ServerHandle;
use adapter_core::app::{AdminConfig, App, ConnectRequest, Ctx, Events, Refusal, SocketNamespace};
use adapter_core::socketio_engine::eio::{CorsConfig, CorsOrigin};
use adapter_core::socketio_engine::{DisconnectReason, RecoveryConfig};
use serde::Serialize;
use serde_json::{Value, json};

use super::state::{ChatError, ChatState, Departed, User};

/// How the chat is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Connection state recovery's window (`None`: off). Default 120 s, node's
    /// `maxDisconnectionDuration`.
    pub recovery: Option<Duration>,
    /// Serve the Socket.IO admin UI's namespace `/admin` (no authentication, development
    /// mode), with CORS open to any origin with credentials so the UI may be served from
    /// elsewhere (<https://admin.socket.io>). Default off.
    pub admin: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recovery: Some(Duration::from_secs(120)),
            admin: false,
        }
    }
}

/// What every socket of the chat shares: the application state.
#[derive(Debug, Default)]
pub struct Shared {
    state: Mutex<ChatState>,
    /// The recovery window, when on: how long a dropped user is held.
    recovery: Option<Duration>,
}

impl Shared {
    /// The chat's state, locked. A handler that panicked mid-change cannot leave the maps
    /// inconsistent in a way that matters more than stopping the whole chat would.
    pub fn lock(&self) -> MutexGuard<'_, ChatState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The chat application with a fresh state and the default [`Settings`].
#[must_use]
pub fn app() -> App<Shared> {
    app_with(&Settings::default())
}

/// The chat application with a fresh state.
#[must_use]
pub fn app_with(settings: &Settings) -> App<Shared> {
    let recovery = settings.recovery;
    let app = App::new()
        // socket.io-client 2.x (Engine.IO 3) and 0.9 users chat with 3.x/4.x users in the
        // same rooms.
        .configure(move |c| {
            c.eio.allow_eio3 = true;
            c.eio.allow_v09 = true;
            c.sio.connection_state_recovery(recovery.map(|window| {
                let mut r = RecoveryConfig::default();
                r.max_disconnection_duration(window);
                r
            }));
        })
        .with_state(Shared {
            state: Mutex::default(),
            recovery,
        })
        .socket_namespace::<ChatUser>("/chat")
        .socket_namespace::<Watcher>("/presence");
    if settings.admin {
        app.configure(|c| {
            c.eio.cors = Some(CorsConfig {
                origin: CorsOrigin::Mirror,
                credentials: true,
                ..CorsConfig::default()
            });
        })
        .admin_ui(AdminConfig::default())
    } else {
        app
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Forgets the dropped users whose recovery window has passed (their sessions are gone, so
/// they cannot come back) and tells their rooms they left. The chat server calls it every
/// second ([`serve`](fn@super::serve)).
pub fn expire_away(handle: &ServerHandle) {
    let Some(shared) = handle.state::<Shared>() else {
        return;
    };
    let mut st = shared.lock();
    let gone = st.expire(now_ms());
    if gone.is_empty() {
        return;
    }
    for d in &gone {
        announce_departure(handle, d);
    }
    publish_stats_from(handle, &st);
}

/// Tells `d`'s room that they left.
fn announce_departure(handle: &ServerHandle, d: &Departed) {
    if let (Some(nick), Some(room)) = (&d.nick, &d.room) {
        handle
            .of("/chat")
            .to(room.as_str())
            .emit("left", &json!({ "room": room, "nick": nick }));
    }
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

/// Sends the current stats to every `/presence` socket of this instance (call with the lock
/// held, so no older snapshot can overtake a newer one). `local`: with several instances on
/// one Redis each knows only its own users, and another's counts would overwrite these.
fn publish_stats(cx: &Ctx<Shared>, st: &ChatState) {
    publish_stats_from(cx.server(), st);
}

fn publish_stats_from(handle: &ServerHandle, st: &ChatState) {
    handle.of("/presence").local().emit("stats", &st.stats());
}

/// One `/chat` socket: the user behind it.
#[derive(Debug, Default)]
pub struct ChatUser {
    user: User,
}

impl SocketNamespace for ChatUser {
    type State = Shared;

    async fn connect(_req: ConnectRequest, _state: Arc<Shared>) -> Result<Self, Refusal> {
        Ok(Self::default())
    }

    fn events(events: &mut Events<Self>) {
        events
            .on("nick", Self::nick)
            .on("join", Self::join)
            .on("message", Self::message);
    }

    /// A page back by connection state recovery is the same user: take them back as they
    /// were held (the object is new, the user is not).
    async fn connected(&mut self, cx: Ctx<Shared>) {
        if cx.socket().recovered()
            && let Some(user) = cx.state().lock().resume(cx.id())
        {
            self.user = user;
        }
    }

    async fn disconnect(self, cx: Ctx<Shared>, reason: DisconnectReason) {
        let mut st = cx.state().lock();
        // The engine keeps the session after a transport-level drop: hold the user for it.
        if let Some(window) = cx.state().recovery.filter(|_| reason.is_recoverable()) {
            let until = now_ms().saturating_add(u64::try_from(window.as_millis()).unwrap_or(0));
            st.hold(cx.id(), self.user, until);
            return;
        }
        let gone = st.remove(cx.id(), self.user);
        announce_departure(cx.server(), &gone);
        if gone.nick.is_some() {
            publish_stats(&cx, &st);
        }
    }
}

impl ChatUser {
    /// `nick` (name): the client's argument is read as an `Option` so that a missing or
    /// non-string name is the chat's own "bad nickname" answer, not a dropped request.
    async fn nick(&mut self, cx: Ctx<Shared>, nick: Option<Value>) -> Value {
        let mut st = cx.state().lock();
        let r = match nick.as_ref().and_then(Value::as_str) {
            Some(n) => st.set_nick(cx.id(), &mut self.user, n),
            None => Err(ChatError::BadNick),
        };
        if r.is_ok() {
            publish_stats(&cx, &st);
        }
        reply(r.map(|nick| json!({ "nick": nick })))
    }

    async fn join(&mut self, cx: Ctx<Shared>, room: Option<Value>) -> Value {
        let mut st = cx.state().lock();
        let r = match room.as_ref().and_then(Value::as_str) {
            Some(room) => st.join(cx.id(), &mut self.user, room),
            None => Err(ChatError::BadRoom),
        };
        if let Ok(j) = &r {
            let nick = self.user.nick.clone().unwrap_or_default();
            if let Some(left) = &j.left {
                cx.leave(left.as_str());
                cx.to(left.as_str())
                    .emit("left", &json!({ "room": left, "nick": nick }));
            }
            if j.entered {
                cx.join(j.room.as_str());
                cx.to(j.room.as_str())
                    .emit("joined", &json!({ "room": j.room, "nick": nick }));
                publish_stats(&cx, &st);
            }
        }
        reply(r)
    }

    async fn message(&mut self, cx: Ctx<Shared>, text: Option<Value>) -> Value {
        let mut st = cx.state().lock();
        let r = match text.as_ref().and_then(Value::as_str) {
            Some(t) => st.say(&self.user, t, now_ms()),
            None => Err(ChatError::BadMessage),
        };
        if let Ok(m) = &r {
            cx.to(m.room.as_str()).emit("message", m);
        }
        reply(r.map(|m| json!({ "id": m.id, "ts": m.ts })))
    }
}

/// One `/presence` socket: it only watches.
#[derive(Debug)]
pub struct Watcher;

impl SocketNamespace for Watcher {
    type State = Shared;

    async fn connect(_req: ConnectRequest, _state: Arc<Shared>) -> Result<Self, Refusal> {
        Ok(Self)
    }

    fn events(_events: &mut Events<Self>) {}

    async fn connected(&mut self, cx: Ctx<Shared>) {
        // Under the lock, so no newer stats broadcast can overtake this snapshot.
        let st = cx.state().lock();
        cx.emit("stats", &st.stats());
    }
}
