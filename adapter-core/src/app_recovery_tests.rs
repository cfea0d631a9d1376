//! Connection state recovery through the application API on the fake runtime: a recovered
//! socket skips the connect decision, its connection handler runs seeing `recovered()`, its
//! data comes back, and a namespace object is built afresh with `req.recovered`.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use socketio_engine::{ConnId, RecoveryConfig};
use socketio_proto::Str;

use crate::app::SocketNamespace;
use crate::app::{App, ConnectDecision, ConnectRequest, Ctx, Events, Namespace, Refusal};
use crate::hub_tests::{Harness, drain, ws_open};
use crate::msg::NetMsg;
use crate::outq::OutRx;

type Log = Arc<Mutex<Vec<String>>>;

fn with_recovery<S: Send + Sync + 'static>(app: App<S>) -> App<S> {
    app.configure(|c| {
        c.sio
            .connection_state_recovery(Some(RecoveryConfig::default()));
    })
}

fn send(h: &Harness, conn: ConnId, text: String) {
    h.net
        .try_send(NetMsg::WsMessage {
            conn,
            msg: socketio_engine::WsMessage::Text(Str::from(text)),
        })
        .unwrap();
    h.rt.run();
}

fn close(h: &Harness, conn: ConnId) {
    h.net.try_send(NetMsg::WsClosed { conn }).unwrap();
    h.rt.run();
}

/// The `pid` of a CONNECT answer `40{...}` and the offset (last argument) of an event.
fn pid_and_offset(frames: &[String]) -> (String, String) {
    let answer: Value = serde_json::from_str(&frames[1][2..]).unwrap();
    let event: Value = serde_json::from_str(&frames[2][2..]).unwrap();
    let offset = event.as_array().unwrap().last().unwrap().clone();
    (
        answer["pid"].as_str().unwrap().to_owned(),
        offset.as_str().unwrap().to_owned(),
    )
}

/// What a client saw over one cut: its first connection's frames, then its reconnection's
/// (CONNECT with the first life's `pid` and offset), and the `pid`.
struct Cut {
    pid: String,
    first: Vec<String>,
    second: Vec<String>,
    /// The reconnection's output, kept open: dropping it would end the recovered socket.
    _open: OutRx,
}

/// Connects to `/`, closes the WebSocket, and reconnects asking to recover.
fn cut_and_reconnect(h: &Harness) -> Cut {
    let (conn, rx) = ws_open(h);
    send(h, conn, "40".to_owned());
    let first = drain(&rx);
    let (pid, offset) = pid_and_offset(&first);
    close(h, conn);
    let (conn2, rx2) = ws_open(h);
    send(
        h,
        conn2,
        format!(r#"40{{"pid":"{pid}","offset":"{offset}"}}"#),
    );
    Cut {
        pid,
        first,
        second: drain(&rx2),
        _open: rx2,
    }
}

#[test]
fn a_recovered_socket_skips_on_connect_and_keeps_its_data() {
    let log: Log = Log::default();
    let (l1, l2) = (log.clone(), log.clone());
    let app = with_recovery(App::new()).namespace(
        Namespace::new("/")
            .on_connect(move |_req| {
                let l = l1.clone();
                async move {
                    l.lock().unwrap().push("decide".to_owned());
                    ConnectDecision::Accept
                }
            })
            .on_connection(move |socket, _auth| {
                let l = l2.clone();
                async move {
                    let n = socket.data::<u32>().unwrap_or(0);
                    socket.insert_data(n + 1);
                    l.lock()
                        .unwrap()
                        .push(format!("connection {} {n}", socket.recovered()));
                    socket.emit("hello", &n);
                }
            }),
    );
    let h = Harness::new(app);
    let cut = cut_and_reconnect(&h);
    let (pid, first, second) = (cut.pid.as_str(), &cut.first, &cut.second);
    assert_eq!(first.len(), 3, "{first:?}");
    assert!(second[1].contains(pid), "{second:?}");
    assert_eq!(
        *log.lock().unwrap(),
        ["decide", "connection false 0", "connection true 1"],
        "asked once; the handler ran again, recovered, with the data of the first life"
    );
}

/// Built by `connect` for every socket, recovered ones too.
struct Obj;

impl SocketNamespace for Obj {
    type State = Log;

    async fn connect(req: ConnectRequest, state: Arc<Self::State>) -> Result<Self, Refusal> {
        state
            .lock()
            .unwrap()
            .push(format!("connect {}", req.recovered));
        Ok(Self)
    }

    fn events(_events: &mut Events<Self>) {}

    async fn connected(&mut self, cx: Ctx<Self::State>) {
        let recovered = cx.socket().recovered();
        cx.state()
            .lock()
            .unwrap()
            .push(format!("connected {recovered}"));
        cx.emit("hi", &());
    }
}

#[test]
fn a_namespace_object_is_built_afresh_for_a_recovered_socket() {
    let log = Log::default();
    let app = with_recovery(App::new())
        .with_state(log.clone())
        .socket_namespace::<Obj>("/");
    let h = Harness::new(app);
    let cut = cut_and_reconnect(&h);
    let frames = &cut.second;
    assert_eq!(frames.len(), 3, "{frames:?}");
    assert!(frames[2].starts_with(r#"42["hi","#));
    assert_eq!(
        *log.lock().unwrap(),
        [
            "connect false",
            "connected false",
            "connect true",
            "connected true"
        ]
    );
}

#[test]
fn without_skip_middlewares_on_connect_decides_and_sees_the_recovery() {
    let log: Log = Log::default();
    let (l1, l2) = (log.clone(), log.clone());
    let app = App::new()
        .configure(|c| {
            let mut r = RecoveryConfig::default();
            r.skip_middlewares(false);
            c.sio.connection_state_recovery(Some(r));
        })
        .namespace(
            Namespace::new("/")
                .on_connect(move |req| {
                    let l = l1.clone();
                    async move {
                        l.lock().unwrap().push(format!("decide {}", req.recovered));
                        ConnectDecision::Accept
                    }
                })
                .on_connection(move |socket, _auth| {
                    let l = l2.clone();
                    async move {
                        let n = socket.data::<u32>().unwrap_or(0);
                        socket.insert_data(n + 1);
                        l.lock()
                            .unwrap()
                            .push(format!("connection {} {n}", socket.recovered()));
                        socket.emit("hello", &n);
                    }
                }),
        );
    let h = Harness::new(app);
    let cut = cut_and_reconnect(&h);
    let (pid, second) = (cut.pid.as_str(), &cut.second);
    assert!(second[1].contains(pid));
    assert_eq!(
        *log.lock().unwrap(),
        [
            "decide false",
            "connection false 0",
            "decide true",
            "connection true 1"
        ]
    );
}

/// Refuses every recovered socket (a token that expired meanwhile, say).
struct Strict;

impl SocketNamespace for Strict {
    type State = Log;

    async fn connect(req: ConnectRequest, state: Arc<Self::State>) -> Result<Self, Refusal> {
        state
            .lock()
            .unwrap()
            .push(format!("connect {}", req.recovered));
        if req.recovered {
            return Err(Refusal::new("come back fresh"));
        }
        Ok(Self)
    }

    fn events(_events: &mut Events<Self>) {}

    async fn connected(&mut self, cx: Ctx<Self::State>) {
        cx.emit("hi", &());
    }
}

#[test]
fn a_namespace_object_refusing_a_recovered_socket_disconnects_it() {
    let log = Log::default();
    let app = with_recovery(App::new())
        .with_state(log.clone())
        .socket_namespace::<Strict>("/");
    let h = Harness::new(app);
    let cut = cut_and_reconnect(&h);
    let (pid, frames) = (cut.pid.as_str(), &cut.second);
    // The CONNECT answer (the engine restored it), then the server's DISCONNECT.
    assert!(frames[1].contains(pid), "{frames:?}");
    assert_eq!(frames.last().map(String::as_str), Some("41"), "{frames:?}");
    assert_eq!(*log.lock().unwrap(), ["connect false", "connect true"]);
}

/// What the slow-disconnect tests share: the log, and the release the first life's
/// `disconnect` waits for.
struct Slow {
    log: Log,
    release: async_channel::Receiver<()>,
}

impl Slow {
    fn push(&self, what: String) {
        self.log.lock().unwrap().push(what);
    }
}

/// Its `disconnect` waits for the test's release (a slow database write, say).
struct SlowBye;

impl SocketNamespace for SlowBye {
    type State = Slow;

    async fn connect(req: ConnectRequest, state: Arc<Self::State>) -> Result<Self, Refusal> {
        state.push(format!("connect {}", req.recovered));
        Ok(Self)
    }

    fn events(_events: &mut Events<Self>) {}

    async fn connected(&mut self, cx: Ctx<Self::State>) {
        cx.state()
            .push(format!("connected {}", cx.socket().recovered()));
        cx.emit("hi", &());
    }

    async fn disconnect(self, cx: Ctx<Self::State>, _reason: socketio_engine::DisconnectReason) {
        cx.state().push("disconnect start".to_owned());
        let _ = cx.state().release.recv().await;
        cx.state().push("disconnect end".to_owned());
    }
}

/// Drops the first connection while its `disconnect` is still waiting, recovers at once, and
/// returns what was logged before and after the release.
fn recover_during_a_slow_disconnect<S: Send + Sync + 'static>(
    app: App<S>,
    log: &Log,
    release: &async_channel::Sender<()>,
) -> (Vec<String>, Vec<String>) {
    let h = Harness::new(app);
    let cut = cut_and_reconnect(&h);
    let (pid, second) = (cut.pid.as_str(), &cut.second);
    assert!(second[1].contains(pid), "recovered by the engine");
    let before = log.lock().unwrap().clone();
    release.try_send(()).unwrap();
    h.rt.run();
    let after = log.lock().unwrap().clone();
    (before, after)
}

#[test]
fn a_recovered_object_waits_for_its_previous_lifes_disconnect() {
    let (release, wait) = async_channel::unbounded();
    let log = Log::default();
    let state = Slow {
        log: log.clone(),
        release: wait,
    };
    let app = with_recovery(App::new())
        .with_state(state)
        .socket_namespace::<SlowBye>("/");
    let (before, after) = recover_during_a_slow_disconnect(app, &log, &release);
    assert_eq!(
        before,
        ["connect false", "connected false", "disconnect start"],
        "nothing of the new life while the old disconnect runs"
    );
    assert_eq!(
        after,
        [
            "connect false",
            "connected false",
            "disconnect start",
            "disconnect end",
            "connect true",
            "connected true"
        ]
    );
}

#[test]
fn a_recovered_closure_socket_waits_for_its_previous_lifes_disconnect() {
    let (release, wait) = async_channel::unbounded::<()>();
    let log = Log::default();
    let (l1, l2) = (log.clone(), log.clone());
    let app = with_recovery(App::new()).namespace(
        Namespace::new("/")
            .on_connection(move |socket, _auth| {
                let l = l1.clone();
                async move {
                    l.lock()
                        .unwrap()
                        .push(format!("connection {}", socket.recovered()));
                    socket.emit("hi", &());
                }
            })
            .on_disconnect(move |_socket, _reason| {
                let (l, wait) = (l2.clone(), wait.clone());
                async move {
                    l.lock().unwrap().push("disconnect start".to_owned());
                    let _ = wait.recv().await;
                    l.lock().unwrap().push("disconnect end".to_owned());
                }
            }),
    );
    let (before, after) = recover_during_a_slow_disconnect(app, &log, &release);
    assert_eq!(before, ["connection false", "disconnect start"]);
    assert_eq!(
        after,
        [
            "connection false",
            "disconnect start",
            "disconnect end",
            "connection true"
        ]
    );
}
