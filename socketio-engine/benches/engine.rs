//! The full [`Engine`]'s hot paths: handshakes (request in, open packet out), a client event
//! with an ack and the app's answer, and a broadcast to 10 000 sockets in one room (queueing
//! only, and queueing plus draining every action). Divan reports time per iteration and,
//! with the item counters, per recipient. Run `cargo bench -p socketio-engine --bench engine`.
//!
//! Timing lives here only: tests assert behaviour, never speed.

use std::cell::RefCell;
use std::time::Instant;

use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{
    Action, BroadcastTarget, Engine, EngineConfig, Event, HttpBody, RequestMeta, WsMessage,
};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

fn main() {
    divan::main();
}

/// Sockets in the broadcast room.
const ROOM: usize = 10_000;

fn config() -> EngineConfig {
    SioHarness::config()
}

fn handshake_meta(websocket: bool) -> RequestMeta {
    let transport = if websocket { "websocket" } else { "polling" };
    let mut meta = RequestMeta::new(
        http::Method::GET,
        format!("/socket.io/?EIO=4&transport={transport}&t=PZx1a2b")
            .parse()
            .unwrap(),
    );
    for (k, v) in [
        ("host", "chat.example.com"),
        (
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0",
        ),
        ("accept", "*/*"),
        ("accept-language", "en-US,en;q=0.5"),
        ("origin", "https://chat.example.com"),
        ("cookie", "theme=dark"),
    ] {
        meta.headers.insert(k, v.parse().unwrap());
    }
    if websocket {
        meta.headers.insert("upgrade", "websocket".parse().unwrap());
        meta.headers
            .insert("connection", "Upgrade".parse().unwrap());
    }
    meta
}

/// Handshake until the open packet is out, in a fresh engine per iteration (creating and
/// dropping the engine are not timed).
fn handshake(b: divan::Bencher<'_, '_>, websocket: bool) {
    #[allow(clippy::disallowed_methods)] // the engine's time argument; any instant will do
    let now = Instant::now();
    b.with_inputs(|| (Engine::new(config()), handshake_meta(websocket)))
        .bench_local_values(|(mut engine, meta)| {
            let _req = engine.handle_http(now, meta, HttpBody::empty());
            let mut open = false;
            while let Some(a) = engine.poll_action() {
                open |= matches!(a, Action::Respond { .. } | Action::SendWs { .. });
                let _ = divan::black_box(a);
            }
            assert!(open);
            engine
        });
}

/// Polling handshake: GET without sid → 200 with the open packet.
#[divan::bench]
fn handshake_polling(b: divan::Bencher<'_, '_>) {
    handshake(b, false);
}

/// WebSocket handshake: upgrade GET → AcceptWebSocket, then the open packet as a frame.
#[divan::bench]
fn handshake_websocket(b: divan::Bencher<'_, '_>) {
    handshake(b, true);
}

/// A client EVENT with an ack id arrives over WebSocket, the app acks it, and the ACK frame
/// comes out.
#[divan::bench]
fn event_in_ack_out(b: divan::Bencher<'_, '_>) {
    let mut h = SioHarness::new(config());
    let (c, _) = h.client("/");
    let now = h.now;
    let msg = WsMessage::Text(Str::from(r#"4212["chat",{"text":"hello"},3]"#));
    let reply = args(r#"["got it"]"#);
    b.bench_local(|| {
        h.engine.handle_ws_message(now, c.conn, msg.clone());
        let Some(Action::Dispatch(Event::Message {
            ack: Some(token), ..
        })) = h.engine.poll_action()
        else {
            unreachable!("an event with an ack")
        };
        h.engine.ack(now, token, &reply, vec![]).unwrap();
        let Some(Action::SendWs { frame, .. }) = h.engine.poll_action() else {
            unreachable!("the ack frame")
        };
        divan::black_box(frame);
    });
}

/// 10 000 WebSocket sockets in room "big", and the target selecting them.
fn room() -> (SioHarness, BroadcastTarget) {
    let mut h = SioHarness::new(config());
    for _ in 0..ROOM {
        let (_, s) = h.client("/");
        h.engine.join(s, "big").unwrap();
    }
    let target = BroadcastTarget::namespace("/").to("big");
    (h, target)
}

/// Broadcasts once and checks, outside any timing, that every recipient got one frame and
/// that all of them share one buffer (the packet was encoded once).
fn assert_encoded_once(
    h: &mut SioHarness,
    target: &BroadcastTarget,
    args: &socketio_proto::sio::Args,
) {
    let sent = h
        .engine
        .broadcast(h.now, target, "news", args, vec![])
        .unwrap();
    let mut ptrs = Vec::new();
    while let Some(a) = h.engine.poll_action() {
        if let Action::SendWs {
            frame: Frame::Text(t),
            ..
        } = a
        {
            ptrs.push(t.as_bytes().as_ptr());
        }
    }
    assert_eq!((sent, ptrs.len()), (ROOM, ROOM));
    assert!(ptrs.windows(2).all(|w| w[0] == w[1]), "one shared buffer");
}

/// Broadcast to 10 000 sockets in one room: queueing only (the actions are drained between
/// samples, untimed). Per recipient = time / 10 000.
#[divan::bench(sample_count = 40, sample_size = 1)]
fn broadcast_10k_queue(b: divan::Bencher<'_, '_>) {
    let (mut h, target) = room();
    let args = args(r#"[{"msg":"hello everyone","n":12345}]"#);
    assert_encoded_once(&mut h, &target, &args);
    let now = h.now;
    let h = RefCell::new(h);
    b.counter(divan::counter::ItemsCount::new(ROOM))
        .with_inputs(|| while h.borrow_mut().engine.poll_action().is_some() {})
        .bench_local_values(|()| {
            let sent = h
                .borrow_mut()
                .engine
                .broadcast(now, &target, "news", &args, vec![]);
            divan::black_box(sent)
        });
}

/// Broadcast to 10 000 sockets in one room, including draining the 10 000 `SendWs` actions
/// (what the driver pays per recipient before writing).
#[divan::bench(sample_count = 40, sample_size = 1)]
fn broadcast_10k_with_drain(b: divan::Bencher<'_, '_>) {
    let (mut h, target) = room();
    let args = args(r#"[{"msg":"hello everyone","n":12345}]"#);
    assert_encoded_once(&mut h, &target, &args);
    let now = h.now;
    b.counter(divan::counter::ItemsCount::new(ROOM))
        .bench_local(|| {
            let sent = h.engine.broadcast(now, &target, "news", &args, vec![]);
            while let Some(a) = h.engine.poll_action() {
                let _ = divan::black_box(a);
            }
            divan::black_box(sent)
        });
}
