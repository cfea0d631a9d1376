//! The e2e application's cluster events on `/` (CONTRACTS.md has none: these exist for the
//! mixed-cluster test, `tests/js/cluster/mixed.mjs`, and do the local thing without
//! `--redis`). Each starts one cluster operation from this server and acks what it got:
//! `c-broadcast {event, to?, except?}`, `c-join {room, to?}`, `c-leave {room, to?}`,
//! `c-disconnect {to}`, `c-fetch` (acks `[[id, rooms]]` of every server's sockets, or
//! `{error, ms}`), `c-rooms` (acks `{rooms}` of `all_rooms`, or `{error, ms}`),
//! `c-sse` (acks `{responses, timeout}` of `server_side_emit_with_ack("sse", name)`),
//! `c-sse-hold` (the same with `sse-hold`, which this server never answers), `c-bwa {ms}`
//! (acks `{acks, timeout}`: every client's answer to `q`, this server's and the others').
//! Another server's `sse` is answered with this server's name (`rust-<pid>`).

use std::time::Duration;

use adapter_core::app::{BroadcastOperator, EventData, ServerHandle};
use adapter_core::{App, Namespace};
use serde::Deserialize;
use serde_json::{Value, json};

/// What a `c-*` event selects.
#[derive(Debug, Default, Deserialize)]
struct Sel {
    #[serde(default)]
    event: String,
    #[serde(default)]
    room: String,
    to: Option<String>,
    except: Option<String>,
    #[serde(default)]
    ms: u64,
}

fn sel(data: &EventData) -> Sel {
    data.arg().unwrap_or_default()
}

fn op(server: &ServerHandle, s: &Sel) -> BroadcastOperator {
    let mut op = server.of("/");
    if let Some(r) = &s.to {
        op = op.to(r.clone());
    }
    if let Some(r) = &s.except {
        op = op.except(r.clone());
    }
    op
}

/// This server's name in answers.
fn name() -> String {
    format!("rust-{}", std::process::id())
}

fn reply(data: EventData, v: Value) {
    if let Some(ack) = data.ack {
        ack.send(&(v,));
    }
}

/// Adds the `c-*` events to `ns`.
#[must_use]
pub fn handlers(ns: Namespace) -> Namespace {
    ns.on("c-broadcast", |socket, data| async move {
        let s = sel(&data);
        op(socket.server(), &s).emit(&s.event, &name());
        reply(data, Value::Null);
    })
    .on("c-join", |socket, data| async move {
        let s = sel(&data);
        op(socket.server(), &s).join(s.room.clone());
        reply(data, Value::Null);
    })
    .on("c-leave", |socket, data| async move {
        let s = sel(&data);
        op(socket.server(), &s).leave(s.room.clone());
        reply(data, Value::Null);
    })
    .on("c-disconnect", |socket, data| async move {
        let s = sel(&data);
        op(socket.server(), &s).disconnect();
        reply(data, Value::Null);
    })
    .on("c-fetch", |socket, data| async move {
        let started = std::time::Instant::now();
        let all = socket.server().of("/");
        let mut list = Vec::new();
        for s in all.sockets().await.unwrap_or_default() {
            let rooms: Vec<String> = s
                .rooms()
                .await
                .unwrap_or_default()
                .iter()
                .map(ToString::to_string)
                .collect();
            list.push(json!([s.id(), rooms]));
        }
        match all.cluster_sockets().await {
            Ok(remote) => {
                for s in remote {
                    let rooms: Vec<String> = s.rooms().iter().map(ToString::to_string).collect();
                    list.push(json!([s.id(), rooms]));
                }
                reply(data, Value::Array(list));
            }
            Err(e) => reply(data, json!({"error": e.to_string(), "ms": ms(started)})),
        }
    })
    .on("c-rooms", |socket, data| async move {
        let started = std::time::Instant::now();
        match socket.server().all_rooms("/").await {
            Ok(rooms) => {
                let rooms: Vec<String> = rooms.iter().map(ToString::to_string).collect();
                reply(data, json!({"rooms": rooms}));
            }
            Err(e) => reply(data, json!({"error": e.to_string(), "ms": ms(started)})),
        }
    })
    .on("c-sse", |socket, data| async move {
        sse(socket.server(), "sse", data).await;
    })
    .on("c-sse-hold", |socket, data| async move {
        sse(socket.server(), "sse-hold", data).await;
    })
    .on("c-bwa", |socket, data| async move {
        let s = sel(&data);
        let ms = if s.ms == 0 { 2000 } else { s.ms };
        match op(socket.server(), &s)
            .emit_with_ack("q", &(), Duration::from_millis(ms))
            .await
        {
            Ok(r) => {
                let mut acks: Vec<Value> = r
                    .replies
                    .iter()
                    .map(|a| a.args.parse().unwrap_or_default())
                    .collect();
                acks.extend(r.remote);
                let timeout = !r.timed_out.is_empty() || r.remote_timeout.is_some();
                reply(data, json!({"acks": acks, "timeout": timeout}));
            }
            Err(e) => reply(data, json!({"error": e.to_string()})),
        }
    })
}

/// Milliseconds since `started`, for the fault test to see that a request ended at its
/// timeout.
fn ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

async fn sse(server: &ServerHandle, event: &str, data: EventData) {
    let started = std::time::Instant::now();
    match server.server_side_emit_with_ack("/", event, &name()).await {
        Ok(r) => reply(
            data,
            json!({
                "responses": r.responses,
                "timeout": r.timeout.is_some(),
                "ms": ms(started),
            }),
        ),
        Err(e) => reply(data, json!({"error": e.to_string()})),
    }
}

/// Answers the other servers' `sse` with this server's name; `sse-hold` is never answered
/// (the fault test kills this server while the requester waits for it).
#[must_use]
pub fn server_side<S: Send + Sync + 'static>(app: App<S>) -> App<S> {
    app.on_server_side_emit("/", "sse", |_, event| async move {
        if let Some(ack) = event.ack {
            ack.send(&name());
        }
    })
    .on_server_side_emit("/", "sse-hold", |_, event| async move {
        drop(event.ack);
    })
}
