//! The sync handler layer through the full Engine: connect decisions, named-event routing,
//! acks, rooms and broadcast from a context, typed per-socket data, disconnect hook, and the
//! raw event stream for what no handler takes.
#![cfg(feature = "testing")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use socketio_engine::handler::{
    AckResult, ConnectCtx, ConnectDecision, EventRouter, Handlers, NamespaceHandler, SocketCtx,
};
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{AckId, DisconnectReason, Event};

/// Drains the harness's events through `handlers`, keeping the ones handed back.
fn pump(h: &mut SioHarness, handlers: &mut Handlers) -> Vec<Event> {
    let mut rest = Vec::new();
    while let Some(e) = h.event() {
        if let Some(e) = handlers.handle(&mut h.engine, h.now, e) {
            rest.push(e);
        }
        h.drive();
    }
    rest
}

struct Nick(String);

#[test]
fn router_connect_events_rooms_data_and_disconnect() {
    let mut h = SioHarness::new(SioHarness::config());
    let left = Arc::new(Mutex::new(Vec::new()));
    let left2 = Arc::clone(&left);
    let router = EventRouter::new()
        .on_connect(|ctx: &ConnectCtx<'_>| match ctx.auth() {
            Some(a) if a.as_str().contains("secret") => ConnectDecision::Accept,
            _ => ConnectDecision::Reject {
                message: "bad auth".into(),
                data: None,
            },
        })
        .on_connected(|ctx: &mut SocketCtx<'_>| {
            ctx.join("lobby").unwrap();
            ctx.data().insert(Nick("anon".into()));
            ctx.emit("welcome", &(), vec![]).unwrap();
        })
        .on("nick", |ctx, args, _bin, ack| {
            let (nick,): (String,) = args.deserialize().unwrap();
            ctx.data().insert(Nick(nick));
            if let Some(token) = ack {
                ctx.ack(token, "ok", vec![]).unwrap();
            }
        })
        .on("say", |ctx, args, _bin, _ack| {
            let (text,): (String,) = args.deserialize().unwrap();
            let nick = ctx.data().get::<Nick>().map(|n| n.0.clone()).unwrap();
            let target = ctx.broadcast_target().to("lobby");
            ctx.broadcast(&target, "said", &(nick, text), vec![])
                .unwrap();
        })
        .on_disconnect(move |_socket, reason, data| {
            let nick = data.get::<Nick>().map(|n| n.0.clone());
            left2.lock().unwrap().push((nick, reason));
        });
    let mut handlers = Handlers::new();
    handlers.register(&mut h.engine, "/chat", router);

    // Rejected without the secret.
    let bad = h.open();
    h.send(bad, r#"0/chat,{"token":"nope"}"#);
    assert!(pump(&mut h, &mut handlers).is_empty());
    assert_eq!(h.take(bad), [r#"4/chat,{"message":"bad auth"}"#]);

    // Two accepted clients.
    let a = h.open();
    let b = h.open();
    for c in [a, b] {
        h.send(c, r#"0/chat,{"token":"secret"}"#);
        assert!(pump(&mut h, &mut handlers).is_empty());
        let frames = h.take(c);
        assert!(frames[0].starts_with(r#"0/chat,{"sid":"#));
        assert_eq!(frames[1], r#"2/chat,["welcome"]"#);
    }

    h.send(a, r#"2/chat,5["nick","alice"]"#);
    assert!(pump(&mut h, &mut handlers).is_empty());
    assert_eq!(h.take(a), [r#"3/chat,5["ok"]"#]);

    h.send(a, r#"2/chat,["say","hello"]"#);
    assert!(pump(&mut h, &mut handlers).is_empty());
    assert!(h.take(a).is_empty(), "the sender is excluded");
    assert_eq!(h.take(b), [r#"2/chat,["said","alice","hello"]"#]);

    h.close_ws(a);
    assert!(pump(&mut h, &mut handlers).is_empty());
    assert_eq!(
        *left.lock().unwrap(),
        [(Some("alice".to_owned()), DisconnectReason::TransportClose)]
    );
}

#[test]
fn unhandled_namespaces_stay_on_the_raw_stream() {
    let mut h = SioHarness::new(SioHarness::config());
    let mut handlers = Handlers::new();
    handlers.register(&mut h.engine, "/chat", EventRouter::new());
    let c = h.open();
    h.send(c, "0");
    let rest = pump(&mut h, &mut handlers);
    assert!(matches!(rest.as_slice(), [Event::Connect(_)]));
}

/// A trait-implementing handler that receives the event name and tracks acks.
#[derive(Default)]
struct Quiz {
    results: Arc<Mutex<Vec<(AckId, AckResult)>>>,
}

impl NamespaceHandler for Quiz {
    fn on_event(
        &mut self,
        ctx: &mut SocketCtx<'_>,
        event: &str,
        _args: socketio_engine::EventArgs,
        _binary: Vec<bytes::Bytes>,
        _ack: Option<socketio_engine::AckToken>,
    ) {
        if event == "ready" {
            ctx.emit_with_ack("question", &args("[1]"), vec![], Duration::from_secs(2))
                .unwrap();
            ctx.emit_with_ack("question", &args("[2]"), vec![], Duration::from_secs(2))
                .unwrap();
        }
    }

    fn on_ack(&mut self, _ctx: &mut SocketCtx<'_>, ack: AckId, result: AckResult) {
        self.results.lock().unwrap().push((ack, result));
    }
}

#[test]
fn trait_handler_gets_ack_replies_and_timeouts() {
    let mut cfg = SioHarness::config();
    cfg.eio.ping_interval = Duration::from_secs(300);
    let mut h = SioHarness::new(cfg);
    let quiz = Quiz::default();
    let results = Arc::clone(&quiz.results);
    let mut handlers = Handlers::new();
    handlers.register(&mut h.engine, "/", quiz);
    let c = h.open();
    h.send(c, "0");
    pump(&mut h, &mut handlers);
    h.take(c);
    h.send(c, r#"2["ready"]"#);
    pump(&mut h, &mut handlers);
    let frames = h.take(c);
    assert_eq!(frames.len(), 2);
    let first_id: String = frames[0][1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    h.send(c, &format!(r#"3{first_id}["four"]"#));
    pump(&mut h, &mut handlers);
    h.advance(Duration::from_secs(2));
    pump(&mut h, &mut handlers);
    let r = results.lock().unwrap();
    assert_eq!(r.len(), 2);
    assert!(matches!(&r[0].1, AckResult::Reply { args, .. } if args.as_str() == r#"["four"]"#));
    assert_eq!(r[1].1, AckResult::Timeout);
}
