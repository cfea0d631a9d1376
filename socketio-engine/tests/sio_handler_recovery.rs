//! The sync handler layer under connection state recovery: what a socket's data still holds
//! after `on_disconnect` comes back when the socket recovers, and `on_connected` runs again,
//! seeing it; a socket that left for good keeps nothing.
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::{Arc, Mutex};

use socketio_engine::handler::{EventRouter, Handlers, SocketCtx};
use socketio_engine::testing::recovery::{harness, offset_of};
use socketio_engine::testing::sio_client::SioHarness;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Nick(String);

/// Not to survive a reconnect: taken out in `on_disconnect`.
struct Secret;

type Log = Arc<Mutex<Vec<String>>>;

/// Drains the harness's events through `handlers` (every one is theirs here).
fn pump(h: &mut SioHarness, handlers: &mut Handlers) {
    while let Some(e) = h.event() {
        assert!(handlers.handle(&mut h.engine, h.now, e).is_none());
        h.drive();
    }
}

fn handlers(h: &mut SioHarness, log: &Log) -> Handlers {
    let (l1, l2) = (log.clone(), log.clone());
    let router = EventRouter::new()
        .on_connected(move |ctx: &mut SocketCtx<'_>| {
            let nick = ctx.data().get::<Nick>().cloned();
            let secret = ctx.data().get::<Secret>().is_some();
            l1.lock()
                .unwrap()
                .push(format!("connected {nick:?} secret={secret}"));
            if nick.is_none() {
                ctx.data().insert(Nick("ada".into()));
                ctx.data().insert(Secret);
            }
            ctx.emit("hello", &1, vec![]).unwrap();
        })
        .on_disconnect(move |_socket, reason, data| {
            data.remove::<Secret>();
            l2.lock().unwrap().push(format!("disconnect {reason:?}"));
        });
    let mut handlers = Handlers::new();
    handlers.register(&mut h.engine, "/", router);
    handlers
}

#[test]
fn data_left_after_on_disconnect_comes_back_with_the_recovered_socket() {
    let mut h = harness();
    let log = Log::default();
    let mut handlers = handlers(&mut h, &log);
    let c = h.open();
    h.send(c, "0");
    pump(&mut h, &mut handlers);
    let out = h.take(c);
    let pid = socketio_engine::testing::recovery::connect_answer(&out[0])["pid"]
        .as_str()
        .unwrap()
        .to_owned();
    let offset = offset_of(&out[1]);
    h.close_ws(c);
    pump(&mut h, &mut handlers);

    let c2 = h.open();
    h.send(c2, &format!(r#"0{{"pid":"{pid}","offset":"{offset}"}}"#));
    pump(&mut h, &mut handlers);
    assert_eq!(
        *log.lock().unwrap(),
        [
            "connected None secret=false",
            "disconnect TransportClose",
            r#"connected Some(Nick("ada")) secret=false"#,
        ],
        "the nickname survived, the secret was taken out"
    );

    // Leaving for good (a client namespace disconnect): no session, nothing kept.
    h.send(c2, "1");
    pump(&mut h, &mut handlers);
    let c3 = h.open();
    h.send(c3, &format!(r#"0{{"pid":"{pid}","offset":"{offset}"}}"#));
    pump(&mut h, &mut handlers);
    assert_eq!(
        log.lock().unwrap().last().map(String::as_str),
        Some("connected None secret=false"),
        "a fresh socket"
    );
}
