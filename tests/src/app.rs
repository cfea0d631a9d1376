//! The end-to-end test application (CONTRACTS.md F2), written once against adapter-core's
//! API and served by `e2e-server` on every runtime.
//!
//! Namespaces `/` (everyone; auth kept as socket data), written with closures, and `/admin`
//! (only auth `{"token":"secret"}`), a namespace object ([`admin::Admin`](crate::admin)), so
//! every client generation exercises both kinds of handler. On both: `welcome` on connect,
//! `echo`, `echo-ack`, `join`, `leave`, `broadcast`, `ask`, `binary`, `disconnect-me`,
//! `drop-connection` (the server closes the client's connection),
//! `count`, `left` broadcast on disconnect, and the argument-rule events `ack-number` (acks
//! `5`), `ack-string` (acks `"ok"`), `ack-pair` (acks `"a", 1`), `ack-vec` (acks one array
//! `[1, 2]`) and `send-vec` (emits `vec` with one array `[1, 2, 3]`).

use std::time::Duration;

use adapter_core::app::EventData;
use adapter_core::{App, Namespace, Socket};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use socketio_proto::sio::{Args, Placeholder};

/// How long the server waits for the client's answer to "question".
pub const ASK_TIMEOUT: Duration = Duration::from_secs(2);

/// The auth object a socket connected with (`null` when none), kept as socket data.
#[derive(Debug, Clone, PartialEq)]
pub struct Auth(pub Value);

/// The test application; `configure` adjusts the engine settings (ping timing).
#[must_use]
pub fn build(configure: impl FnOnce(&mut adapter_core::socketio_engine::EngineConfig)) -> App {
    crate::cluster::server_side(App::new())
        .configure(configure)
        .namespace(crate::cluster::handlers(handlers(Namespace::new("/"))))
        .socket_namespace::<crate::admin::Admin>("/admin")
}

/// The welcome payload of the contract.
pub(crate) fn welcome(socket: &Socket, auth: &Value) -> Value {
    json!({"id": socket.id(), "nsp": socket.nsp().as_str(), "auth": auth})
}

/// The handlers both namespaces share.
fn handlers(ns: Namespace) -> Namespace {
    ns.on_connection(|socket, auth| async move {
        let auth = auth.and_then(|a| a.to_value().ok()).unwrap_or(Value::Null);
        socket.insert_data(Auth(auth.clone()));
        socket.emit("welcome", &welcome(&socket, &auth));
    })
    .on("echo", |socket, data| async move {
        socket.emit_binary("echo", &data.args, data.binary);
    })
    .on("echo-ack", |_socket, data| async move {
        if let Some(ack) = data.ack {
            ack.send_binary(&data.args, data.binary);
        }
    })
    .on("join", |socket, data| async move {
        if let Ok(room) = data.arg::<String>() {
            socket.join(room);
        }
        ack_rooms(&socket, data).await;
    })
    .on("leave", |socket, data| async move {
        if let Ok(room) = data.arg::<String>() {
            socket.leave(room);
        }
        ack_rooms(&socket, data).await;
    })
    .on("broadcast", |socket, data| async move {
        broadcast(&socket, data)
    })
    .on("ask", |socket, data| async move {
        let question = data.arg::<Value>().unwrap_or(Value::Null);
        let answer = match socket
            .emit_with_ack("question", &(question,), ASK_TIMEOUT)
            .await
        {
            Ok(reply) => json!({"answer": reply.first()}),
            Err(_) => json!({"error": "timeout"}),
        };
        if let Some(ack) = data.ack {
            ack.send(&(answer,));
        }
    })
    .on("binary", |_socket, data| async move {
        if let Some(ack) = data.ack {
            let bytes: Vec<u8> = (0..=255u8).collect();
            ack.send_binary(&(Placeholder(0),), vec![Bytes::from(bytes)]);
        }
    })
    .on("disconnect-me", |socket, _data| async move {
        socket.disconnect();
    })
    .on("drop-connection", |socket, _data| async move {
        // Cuts the client's connection from the server side, as a network failure would
        // (node: `socket.conn.close()`): the client reconnects by itself.
        socket.close_connection();
    })
    .on("count", |socket, data| async move {
        let n = socket
            .server()
            .of(socket.nsp().clone())
            .sockets()
            .await
            .map_or(0, |s| s.len());
        if let Some(ack) = data.ack {
            ack.send(&(json!({"sockets": n}),));
        }
    })
    .on("ack-number", |_socket, data| async move {
        if let Some(ack) = data.ack {
            ack.send(&5);
        }
    })
    .on("ack-string", |_socket, data| async move {
        if let Some(ack) = data.ack {
            ack.send("ok");
        }
    })
    .on("ack-pair", |_socket, data| async move {
        if let Some(ack) = data.ack {
            ack.send(&("a", 1));
        }
    })
    .on("ack-vec", |_socket, data| async move {
        if let Some(ack) = data.ack {
            ack.send(&vec![1, 2]);
        }
    })
    .on("send-vec", |socket, _data| async move {
        socket.emit("vec", &vec![1, 2, 3]);
    })
    .on_disconnect(|socket, reason| async move {
        socket.server().of(socket.nsp().clone()).emit(
            "left",
            &(json!({"id": socket.id(), "reason": reason.as_str()}),),
        );
    })
}

/// Acks `{"rooms": [sorted rooms of the socket]}` (its own id included, as Node's
/// `socket.rooms`).
pub(crate) async fn ack_rooms(socket: &Socket, data: EventData) {
    let mut rooms: Vec<String> = socket
        .rooms()
        .await
        .map(|r| r.iter().map(|s| s.as_str().to_owned()).collect())
        .unwrap_or_default();
    rooms.sort();
    if let Some(ack) = data.ack {
        ack.send(&(json!({"rooms": rooms}),));
    }
}

/// The "broadcast" request.
#[derive(Debug, Deserialize)]
struct BroadcastRequest {
    room: Option<String>,
    event: String,
    #[serde(default)]
    args: Vec<Value>,
    #[serde(default, rename = "exceptSelf")]
    except_self: bool,
}

pub(crate) fn broadcast(socket: &Socket, mut data: EventData) {
    let ok = match data.arg::<BroadcastRequest>() {
        Ok(req) => {
            let mut op = socket.server().of(socket.nsp().clone());
            if let Some(room) = req.room {
                op = op.to(room);
            }
            if req.except_self {
                op = op.except_socket(socket.socket_id());
            }
            // Attachments referenced from `args` travel on.
            let binary = std::mem::take(&mut data.binary);
            op.emit_binary(&req.event, &Args::from_values(req.args), binary);
            true
        }
        Err(_) => false,
    };
    if let Some(ack) = data.ack {
        ack.send(&(json!({"ok": ok}),));
    }
}
