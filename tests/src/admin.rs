//! `/admin` of the test application: the same contract as `/`, written as a namespace
//! object (one [`Admin`] per socket), so that every client generation's tests exercise
//! that API too. Only auth `{"token":"secret"}` connects.
//!
//! Besides the shared contract, `/admin` answers `hit` (`n` → the socket's running total,
//! kept in the object: per-socket state without a lock) and reports arguments that do not
//! fit a method with a `bad-event` event `{event, error}` instead of silence.

use std::sync::Arc;

use adapter_core::app::{
    BadEvent, ConnectRequest, Ctx, EventData, Events, Refusal, SocketNamespace,
};
use adapter_core::socketio_engine::DisconnectReason;
use bytes::Bytes;
use serde_json::{Value, json};
use socketio_proto::sio::Placeholder;

use crate::app::{ASK_TIMEOUT, ack_rooms, broadcast, welcome};

/// One `/admin` socket.
#[derive(Debug)]
pub struct Admin {
    /// The auth object it connected with.
    auth: Value,
    /// The running total of its `hit`s.
    hits: u64,
}

impl SocketNamespace for Admin {
    type State = ();

    async fn connect(req: ConnectRequest, _state: Arc<()>) -> Result<Self, Refusal> {
        let auth = req
            .auth
            .as_ref()
            .and_then(|a| a.to_value().ok())
            .unwrap_or(Value::Null);
        if auth == json!({"token": "secret"}) {
            Ok(Self { auth, hits: 0 })
        } else {
            Err(Refusal::new("unauthorized").with_data(json!({"reason": "bad token"})))
        }
    }

    fn events(events: &mut Events<Self>) {
        events
            .on("echo", Self::echo)
            .on("echo-ack", Self::echo_ack)
            .on("join", Self::join)
            .on("leave", Self::leave)
            .on("broadcast", Self::broadcast)
            .on("ask", Self::ask)
            .on("binary", Self::binary)
            .on("disconnect-me", Self::disconnect_me)
            .on("count", Self::count)
            .on("hit", Self::hit)
            .on("ack-number", Self::ack_number)
            .on("ack-string", Self::ack_string)
            .on("ack-pair", Self::ack_pair)
            .on("ack-vec", Self::ack_vec)
            .on("send-vec", Self::send_vec);
    }

    async fn connected(&mut self, cx: Ctx<()>) {
        cx.emit("welcome", &welcome(&cx, &self.auth));
    }

    async fn bad_event(&mut self, cx: Ctx<()>, error: BadEvent) {
        cx.emit(
            "bad-event",
            &json!({"event": error.event.as_str(), "error": error.source.to_string()}),
        );
    }

    async fn disconnect(self, cx: Ctx<()>, reason: DisconnectReason) {
        cx.server()
            .of(cx.nsp().clone())
            .emit("left", &json!({"id": cx.id(), "reason": reason.as_str()}));
    }
}

impl Admin {
    async fn echo(&mut self, cx: Ctx<()>, data: EventData) {
        cx.emit_binary("echo", &data.args, data.binary);
    }

    async fn echo_ack(&mut self, _cx: Ctx<()>, data: EventData) {
        if let Some(ack) = data.ack {
            ack.send_binary(&data.args, data.binary);
        }
    }

    async fn join(&mut self, cx: Ctx<()>, data: EventData) {
        if let Ok(room) = data.arg::<String>() {
            cx.join(room);
        }
        ack_rooms(&cx, data).await;
    }

    async fn leave(&mut self, cx: Ctx<()>, data: EventData) {
        if let Ok(room) = data.arg::<String>() {
            cx.leave(room);
        }
        ack_rooms(&cx, data).await;
    }

    async fn broadcast(&mut self, cx: Ctx<()>, data: EventData) {
        broadcast(&cx, data);
    }

    /// Awaits the client's answer inside the method: this socket's next events wait for it
    /// (the documented ordering), other sockets do not.
    async fn ask(&mut self, cx: Ctx<()>, question: Value) -> Value {
        match cx
            .emit_with_ack("question", &(question,), ASK_TIMEOUT)
            .await
        {
            Ok(reply) => json!({"answer": reply.first()}),
            Err(_) => json!({"error": "timeout"}),
        }
    }

    async fn binary(&mut self, _cx: Ctx<()>, data: EventData) {
        if let Some(ack) = data.ack {
            let bytes: Vec<u8> = (0..=255u8).collect();
            ack.send_binary(&(Placeholder(0),), vec![Bytes::from(bytes)]);
        }
    }

    async fn disconnect_me(&mut self, cx: Ctx<()>, (): ()) {
        cx.disconnect();
    }

    async fn count(&mut self, cx: Ctx<()>, (): ()) -> Value {
        let n = cx
            .server()
            .of(cx.nsp().clone())
            .sockets()
            .await
            .map_or(0, |s| s.len());
        json!({"sockets": n})
    }

    async fn hit(&mut self, _cx: Ctx<()>, by: u64) -> u64 {
        self.hits = self.hits.saturating_add(by);
        self.hits
    }

    async fn ack_number(&mut self, _cx: Ctx<()>, (): ()) -> u32 {
        5
    }

    async fn ack_string(&mut self, _cx: Ctx<()>, (): ()) -> &'static str {
        "ok"
    }

    async fn ack_pair(&mut self, _cx: Ctx<()>, (): ()) -> (&'static str, u32) {
        ("a", 1)
    }

    async fn ack_vec(&mut self, _cx: Ctx<()>, (): ()) -> Vec<u32> {
        vec![1, 2]
    }

    async fn send_vec(&mut self, cx: Ctx<()>, (): ()) {
        cx.emit("vec", &vec![1, 2, 3]);
    }
}
