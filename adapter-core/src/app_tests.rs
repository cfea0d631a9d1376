//! The application API on the fake runtime (see `hub_tests`): namespace objects, handler
//! ordering, disconnect order, and that the dispatcher forgets every socket that left.

use std::sync::{Arc, Mutex};

use futures_channel::oneshot;
use serde::Deserialize;
use serde_json::{Value, json};
use socketio_engine::DisconnectReason;
use socketio_proto::Str;

use crate::app::{
    App, BadEvent, Command, ConnectRequest, Ctx, EventData, Events, Namespace, Refusal,
    SocketNamespace,
};
use crate::config::DriverConfig;
use crate::hub_tests::{Harness, drain, ws_open, ws_send};
use crate::msg::Ctl;

type Log = Arc<Mutex<Vec<String>>>;

/// How many sockets the dispatcher still holds anything for.
fn held(h: &Harness) -> usize {
    let (tx, mut rx) = oneshot::channel();
    h.ctl
        .try_send(Ctl::Command(Command::Held { reply: tx }))
        .unwrap();
    h.rt.run();
    rx.try_recv().unwrap().unwrap().unwrap()
}

/// The state the test namespace objects share: a log of what ran.
#[derive(Default)]
struct Shared {
    log: Mutex<Vec<String>>,
}

impl Shared {
    fn push(&self, s: impl Into<String>) {
        self.log.lock().unwrap().push(s.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.log.lock().unwrap())
    }
}

/// One per socket: counts, keeps a nickname, refuses the token "bad".
struct Player {
    nick: Option<String>,
    hits: u64,
}

#[derive(Deserialize)]
struct Move {
    x: i32,
    y: i32,
}

impl SocketNamespace for Player {
    type State = Shared;

    async fn connect(req: ConnectRequest, state: Arc<Shared>) -> Result<Self, Refusal> {
        if req.auth_field::<String>("token").as_deref() == Some("bad") {
            state.push("refused");
            return Err(Refusal::new("go away").with_data(json!({"why": "bad token"})));
        }
        Ok(Self {
            nick: None,
            hits: 0,
        })
    }

    fn events(events: &mut Events<Self>) {
        events
            .on("hit", Self::hit)
            .on("nick", Self::nick)
            .on("move", Self::step)
            .on("pair", Self::pair)
            .on("raw", Self::raw)
            .on("join", Self::join);
    }

    async fn connected(&mut self, cx: Ctx<Shared>) {
        cx.state().push("connected");
        cx.emit("hello", &vec![1, 2, 3]);
    }

    async fn bad_event(&mut self, cx: Ctx<Shared>, error: BadEvent) {
        cx.state().push(format!("bad {}", error.event));
    }

    async fn disconnecting(&mut self, cx: Ctx<Shared>, reason: DisconnectReason, rooms: Vec<Str>) {
        let rooms: Vec<&str> = rooms.iter().skip(1).map(Str::as_str).collect();
        cx.state()
            .push(format!("disconnecting {} {rooms:?}", reason.as_str()));
    }

    async fn disconnect(self, cx: Ctx<Shared>, reason: DisconnectReason) {
        cx.state().push(format!(
            "disconnect {} {:?} {}",
            reason.as_str(),
            self.nick,
            self.hits
        ));
    }
}

impl Player {
    async fn hit(&mut self, cx: Ctx<Shared>, by: u64) -> u64 {
        self.hits += by;
        cx.state().push(format!("hit {}", self.hits));
        self.hits
    }

    async fn nick(&mut self, _cx: Ctx<Shared>, nick: String) -> Value {
        self.nick = Some(nick.clone());
        json!({ "ok": true, "nick": nick })
    }

    async fn step(&mut self, _cx: Ctx<Shared>, m: Move) -> (i32, i32) {
        (m.x, m.y)
    }

    async fn pair(&mut self, _cx: Ctx<Shared>, (a, b): (String, u8)) -> String {
        format!("{a}{b}")
    }

    async fn raw(&mut self, _cx: Ctx<Shared>, data: EventData) {
        // The method took the whole event, the ack included: nothing is sent for it.
        if let Some(ack) = data.ack {
            ack.send(&("by hand", data.binary.len()));
        }
    }

    async fn join(&mut self, cx: Ctx<Shared>, room: String) {
        cx.join(room);
    }
}

fn player_app() -> App<Shared> {
    App::new()
        .with_state(Shared::default())
        .socket_namespace::<Player>("/")
}

#[test]
fn a_namespace_object_serves_its_socket_in_order_with_typed_arguments_and_answers() {
    let h = Harness::new(player_app());
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    let frames = drain(&rx);
    assert_eq!(frames.len(), 3, "{frames:?}");
    assert!(frames[1].starts_with("40{\"sid\""), "{frames:?}");
    // `connected` ran first; a Vec is one argument.
    assert_eq!(frames[2], r#"42["hello",[1,2,3]]"#);
    // Four events in one burst: one at a time, in order, each answered with its return.
    for text in [
        r#"421["hit",2]"#,
        r#"422["hit",3]"#,
        r#"423["nick","ann"]"#,
        r#"424["move",{"x":1,"y":-2}]"#,
        r#"425["pair","a",7,"ignored"]"#,
        r#"426["raw"]"#,
    ] {
        h.net
            .try_send(crate::msg::NetMsg::WsMessage {
                conn,
                msg: socketio_engine::WsMessage::Text(Str::from(text)),
            })
            .unwrap();
    }
    h.rt.run();
    assert_eq!(
        drain(&rx),
        [
            "431[2]",
            "432[5]",
            r#"433[{"nick":"ann","ok":true}]"#,
            "434[1,-2]",
            r#"435["a7"]"#,
            r#"436["by hand",0]"#,
        ]
    );
}

#[test]
fn bad_arguments_reach_bad_event_and_the_method_is_not_called() {
    let h = Harness::new(player_app());
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    let _ = drain(&rx);
    ws_send(&h, conn, r#"421["hit","not a number"]"#);
    ws_send(&h, conn, r#"422["hit",1]"#);
    // No answer to the bad one; the next one sees hits still at 0.
    assert_eq!(drain(&rx), ["432[1]"]);
}

/// Reads the app's shared log through a namespace object: `/probe` objects answer `log`.
struct Probe;

impl SocketNamespace for Probe {
    type State = Shared;
    async fn connect(_req: ConnectRequest, _state: Arc<Shared>) -> Result<Self, Refusal> {
        Ok(Self)
    }
    fn events(events: &mut Events<Self>) {
        events.on("log", Self::log);
    }
}

impl Probe {
    async fn log(&mut self, cx: Ctx<Shared>, (): ()) -> Vec<String> {
        cx.state().take()
    }
}

fn log_via(h: &Harness) -> Vec<String> {
    let (conn, rx) = ws_open(h);
    ws_send(h, conn, "40/probe,");
    let _ = drain(&rx);
    ws_send(h, conn, r#"42/probe,9["log"]"#);
    let frames = drain(&rx);
    let text = frames[0].strip_prefix("43/probe,9").unwrap();
    let (log,): (Vec<String>,) = serde_json::from_str(text).unwrap();
    log
}

#[test]
fn refusal_disconnecting_and_disconnect_in_nodes_order() {
    let app = App::new()
        .with_state(Shared::default())
        .socket_namespace::<Player>("/")
        .socket_namespace::<Probe>("/probe");
    let h = Harness::new(app);
    let (bad, bad_rx) = ws_open(&h);
    ws_send(&h, bad, r#"40{"token":"bad"}"#);
    let frames = drain(&bad_rx);
    assert_eq!(
        frames[1],
        r#"44{"message":"go away","data":{"why":"bad token"}}"#
    );
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    ws_send(&h, conn, r#"42["join","lobby"]"#);
    ws_send(&h, conn, r#"42["nick","bo"]"#);
    ws_send(&h, conn, r#"42["hit",4]"#);
    ws_send(&h, conn, "41");
    let _ = drain(&rx);
    assert_eq!(
        log_via(&h),
        [
            "refused",
            "connected",
            "hit 4",
            r#"disconnecting client namespace disconnect ["lobby"]"#,
            r#"disconnect client namespace disconnect Some("bo") 4"#,
        ]
    );
}

#[test]
fn a_socket_whose_object_falls_behind_is_disconnected_and_others_go_on() {
    /// Holds every event until released, so events queue up.
    struct Stuck;
    static RELEASE: Mutex<Option<oneshot::Receiver<()>>> = Mutex::new(None);
    impl SocketNamespace for Stuck {
        type State = ();
        async fn connect(_req: ConnectRequest, _state: Arc<()>) -> Result<Self, Refusal> {
            Ok(Self)
        }
        fn events(events: &mut Events<Self>) {
            events.on("wait", Self::wait).on("ping", Self::ping);
        }
    }
    impl Stuck {
        async fn wait(&mut self, _cx: Ctx<()>, (): ()) {
            let rx = RELEASE.lock().unwrap().take();
            if let Some(rx) = rx {
                let _ = rx.await;
            }
        }
        async fn ping(&mut self, _cx: Ctx<()>, (): ()) -> &'static str {
            "pong"
        }
    }
    let (release, wait) = oneshot::channel();
    *RELEASE.lock().unwrap() = Some(wait);
    let app = App::new()
        .driver(DriverConfig {
            max_queued_events: 4,
            ..DriverConfig::default()
        })
        .socket_namespace::<Stuck>("/");
    let h = Harness::new(app);
    let (good, good_rx) = ws_open(&h);
    ws_send(&h, good, "40");
    let _ = drain(&good_rx);
    let (flood, flood_rx) = ws_open(&h);
    ws_send(&h, flood, "40");
    let _ = drain(&flood_rx);
    ws_send(&h, flood, r#"42["wait"]"#);
    for _ in 0..4 {
        ws_send(&h, flood, r#"42["ping"]"#);
    }
    assert!(
        drain(&flood_rx).is_empty(),
        "4 events queued behind the stuck one"
    );
    ws_send(&h, flood, r#"42["ping"]"#);
    assert_eq!(
        drain(&flood_rx),
        ["41"],
        "the 5th is past the limit: disconnected"
    );
    ws_send(&h, good, r#"421["ping"]"#);
    assert_eq!(drain(&good_rx), [r#"431["pong"]"#]);
    release.send(()).unwrap();
    h.rt.run();
}

#[test]
fn closure_disconnect_handlers_run_after_earlier_handlers_started() {
    let log: Log = Arc::default();
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    let app = App::new().namespace(
        Namespace::new("/")
            .on("ev", move |_socket, data| {
                let log = l1.clone();
                async move {
                    let n: u32 = data.arg().unwrap();
                    log.lock().unwrap().push(format!("ev {n}"));
                }
            })
            .on_disconnecting(move |_socket, reason, rooms| {
                let log = l2.clone();
                async move {
                    log.lock().unwrap().push(format!(
                        "disconnecting {} {}",
                        reason.as_str(),
                        rooms.len()
                    ));
                }
            })
            .on_disconnect(move |_socket, reason| {
                let log = l3.clone();
                async move {
                    log.lock()
                        .unwrap()
                        .push(format!("disconnect {}", reason.as_str()));
                }
            }),
    );
    let h = Harness::new(app);
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    let _ = drain(&rx);
    for text in [r#"42["ev",1]"#, r#"42["ev",2]"#, "41"] {
        h.net
            .try_send(crate::msg::NetMsg::WsMessage {
                conn,
                msg: socketio_engine::WsMessage::Text(Str::from(text)),
            })
            .unwrap();
    }
    // A scheduler that starts the newest task first: the order must still hold.
    h.rt.run_newest_first();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "ev 1",
            "ev 2",
            "disconnecting client namespace disconnect 1",
            "disconnect client namespace disconnect",
        ]
    );
    assert_eq!(held(&h), 0);
}

#[test]
fn the_dispatcher_forgets_every_socket_after_many_connect_disconnect_cycles() {
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (r1, r2, r3) = (runs.clone(), runs.clone(), runs.clone());
    let count = |r: &Arc<std::sync::atomic::AtomicUsize>| {
        r.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let app = App::new()
        .namespace(
            Namespace::new("/")
                .on_connection(move |_socket, _auth| {
                    count(&r1);
                    async {}
                })
                .on("ev", move |_socket, _data| {
                    count(&r2);
                    async {}
                })
                .on_disconnect(move |_socket, _reason| {
                    count(&r3);
                    async {}
                }),
        )
        .socket_namespace::<Probe2>("/obj");
    let h = Harness::new(app);
    let (conn, rx) = ws_open(&h);
    const CYCLES: usize = 100_000;
    let send = |texts: &[&'static str]| {
        for text in texts {
            h.net
                .try_send(crate::msg::NetMsg::WsMessage {
                    conn,
                    msg: socketio_engine::WsMessage::Text(Str::from(*text)),
                })
                .unwrap();
        }
    };
    assert_eq!(drain(&rx).len(), 1, "the open packet");
    for _ in 0..CYCLES {
        // A client sends nothing on a namespace before its CONNECT is answered (node closes
        // the session if it does), so each cycle waits for the answers.
        send(&["40", "40/obj,"]);
        h.rt.run();
        send(&[r#"42["ev"]"#, "41", r#"42/obj,["ev"]"#, "41/obj,"]);
        h.rt.run();
        assert_eq!(drain(&rx).len(), 2, "the CONNECT answers");
    }
    assert_eq!(
        runs.load(std::sync::atomic::Ordering::Relaxed)
            + EV_RUNS.load(std::sync::atomic::Ordering::Relaxed),
        4 * CYCLES,
        "every cycle connected, ran a handler and disconnected"
    );
    assert_eq!(held(&h), 0, "no map keeps an entry for a socket that left");
}

/// A namespace object with nothing in it.
struct Probe2;

impl SocketNamespace for Probe2 {
    type State = ();
    async fn connect(_req: ConnectRequest, _state: Arc<()>) -> Result<Self, Refusal> {
        Ok(Self)
    }
    fn events(events: &mut Events<Self>) {
        events.on("ev", Self::ev);
    }
}

impl Probe2 {
    async fn ev(&mut self, _cx: Ctx<()>, (): ()) {
        EV_RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

static EV_RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Pending once (waking itself), then ready: a handler that awaits something.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[test]
fn handlers_run_inline_until_they_wait_and_a_panicking_one_is_dropped_alone() {
    let app = App::new().namespace(
        Namespace::new("/")
            .on("boom", |_socket, _data| async { panic!("a handler's bug") })
            .on("now", |_socket, data| async move {
                if let Some(ack) = data.ack {
                    ack.send("now");
                }
            })
            .on("later", |_socket, data| async move {
                YieldOnce(false).await;
                if let Some(ack) = data.ack {
                    ack.send("later");
                }
            }),
    );
    let h = Harness::new(app);
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    assert_eq!(drain(&rx).len(), 2, "open and CONNECT");
    // The panic is caught on the hub, which goes on serving this socket and the others.
    ws_send(&h, conn, r#"421["boom"]"#);
    ws_send(&h, conn, r#"422["later"]"#);
    ws_send(&h, conn, r#"423["now"]"#);
    let frames = drain(&rx);
    assert!(frames.contains(&r#"433["now"]"#.to_owned()), "{frames:?}");
    assert!(frames.contains(&r#"432["later"]"#.to_owned()), "{frames:?}");
    assert!(!frames.iter().any(|f| f.starts_with("431")), "{frames:?}");
    let (other, other_rx) = ws_open(&h);
    ws_send(&h, other, "40");
    ws_send(&h, other, r#"424["now"]"#);
    assert!(drain(&other_rx).contains(&r#"434["now"]"#.to_owned()));
}
