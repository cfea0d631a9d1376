//! The chat application under concurrent users, over real sockets: the server runs on tokio
//! (multi-threaded, so handlers really run in parallel) and each user is a thread speaking
//! the Engine.IO/Socket.IO wire format over a blocking WebSocket.
//!
//! The invariants: a nickname is won by exactly one of many simultaneous claimants, and once
//! everyone has gone (some of them in the middle of a request, so their handler may run
//! after their disconnect) no nickname, member or user room is left behind.
//!
//! Connection state recovery is on with a short window ([`RECOVERY`]): a user whose TCP
//! connection closes is held that long, then let go by the server's sweep, so "everyone has
//! gone" also covers the held users' expiry, and every broadcast carries its offset.

use std::net::SocketAddr;
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use adapter_tokio::TokioRuntime;
use bytes::Bytes;
use serde_json::Value;
use socketio_examples::assets::Assets;
use socketio_examples::chat::{self, state::DEFAULT_ROOMS};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// One user on `/chat`, speaking the wire format directly.
struct User {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_ack: u64,
    /// Frames `request` skipped while waiting for its ack.
    seen: Vec<String>,
}

impl User {
    fn connect(addr: SocketAddr) -> Self {
        let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
        let (ws, _) = tungstenite::connect(url).expect("websocket connects");
        let mut u = Self {
            ws,
            next_ack: 0,
            seen: Vec::new(),
        };
        assert!(u.next_text().starts_with('0'), "engine.io open first");
        u.send("40/chat,");
        let connected = u.next_text();
        assert!(connected.starts_with("40/chat,{\"sid\""), "{connected}");
        u
    }

    fn send(&mut self, text: &str) {
        self.ws.send(Message::text(text)).expect("send");
    }

    /// The next text frame, answering pings on the way.
    fn next_text(&mut self) -> String {
        loop {
            match self.ws.read().expect("read") {
                Message::Text(t) if t.as_str() == "2" => self.send("3"),
                Message::Text(t) => return t.as_str().to_owned(),
                _ => {}
            }
        }
    }

    /// Emits `event` with one argument and asks for an ack, without waiting for it.
    fn emit(&mut self, event: &str, arg: &str) -> u64 {
        let id = self.next_ack;
        self.next_ack += 1;
        let packet = serde_json::json!([event, arg]);
        self.send(&format!("42/chat,{id}{packet}"));
        id
    }

    /// Emits and waits for the ack's first argument (broadcasts in between are skipped).
    fn request(&mut self, event: &str, arg: &str) -> Value {
        let id = self.emit(event, arg);
        let prefix = format!("43/chat,{id}");
        loop {
            let t = self.next_text();
            if let Some(rest) = t.strip_prefix(&prefix) {
                let args: Vec<Value> = serde_json::from_str(rest).expect("ack json");
                return args.into_iter().next().unwrap_or(Value::Null);
            }
            self.seen.push(t);
        }
    }
}

/// The recovery window of the chat under test: short, so dropped users are let go quickly.
const RECOVERY: Duration = Duration::from_millis(300);

/// A `/chat` event frame's name and first argument, checking it carries a recovery offset
/// (a string) as its last argument.
fn event(frame: &str) -> (String, Value) {
    let args: Vec<Value> = frame
        .strip_prefix("42/chat,")
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_else(|| panic!("a /chat event: {frame}"));
    match args.as_slice() {
        [Value::String(name), arg, Value::String(_offset)] => (name.clone(), arg.clone()),
        _ => panic!("event, one argument, offset: {frame}"),
    }
}

fn start() -> (tokio::runtime::Runtime, chat::Chat) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let assets = Assets::with_client_js(Bytes::from_static(b"/* not used */"));
    let chat = rt
        .block_on(async {
            let settings = chat::Settings {
                recovery: Some(RECOVERY),
                admin: false,
            };
            let addr = ([127, 0, 0, 1], 0).into();
            chat::serve_in(TokioRuntime::current(), addr, assets, None, &settings).await
        })
        .unwrap();
    (rt, chat)
}

/// Waits until `cond` holds of the chat's stats, or panics with them.
fn eventually(chat: &chat::Chat, what: &str, cond: impl Fn(&chat::state::Stats) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats = chat.state().expect("the chat state").stats();
        if cond(&stats) {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: {stats:?}");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn one_winner_per_nickname_and_nothing_left_behind() {
    let (_rt, chat) = start();
    let addr = chat.local_addr;
    const USERS: usize = 24;
    // Everyone claims the contested nickname before anyone moves on (a winner that
    // renames itself frees it).
    let claimed = Arc::new(Barrier::new(USERS));
    let users: Vec<_> = (0..USERS)
        .map(|i| {
            let claimed = claimed.clone();
            thread::spawn(move || {
                let mut u = User::connect(addr);
                let won = u.request("nick", "Racer")["ok"] == Value::Bool(true);
                claimed.wait();
                // Everyone gets a nickname of their own, joins a room and talks.
                let nick = format!("user{i}");
                assert_eq!(u.request("nick", &nick)["ok"], true, "{nick}");
                let room = format!("room{}", i % 3);
                let joined = u.request("join", &room);
                assert_eq!(joined["ok"], true, "{joined}");
                let said = u.request("message", &format!("hello from {nick}"));
                assert_eq!(said["ok"], true, "{said}");
                (won, u)
            })
        })
        .collect();
    let mut sockets = Vec::new();
    let mut winners = 0;
    for t in users {
        let (won, u) = t.join().unwrap();
        winners += usize::from(won);
        sockets.push(u);
    }
    assert_eq!(winners, 1, "exactly one user gets a contested nickname");
    eventually(&chat, "everyone online, three user rooms", |s| {
        s.online == USERS
            && s.rooms
                .iter()
                .filter(|r| r.name.starts_with("room"))
                .map(|r| r.users)
                .sum::<usize>()
                == USERS
    });

    // Everyone leaves at once, half of them in the middle of a request whose handler may
    // run after their disconnect.
    let leavers: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(i, mut u)| {
            thread::spawn(move || {
                if i % 2 == 0 {
                    u.emit("nick", &format!("ghost{i}"));
                    u.emit("join", &format!("ghost-room{i}"));
                }
                drop(u); // the TCP connection closes without a goodbye
            })
        })
        .collect();
    for t in leavers {
        t.join().unwrap();
    }
    eventually(&chat, "no user, nickname or user room left", |s| {
        s.online == 0
            && s.rooms.len() == DEFAULT_ROOMS.len()
            && s.rooms.iter().all(|r| r.users == 0)
    });
    // The contested and the ghost nicknames are all free again.
    let mut u = User::connect(addr);
    assert_eq!(u.request("nick", "racer")["ok"], true);
    assert_eq!(u.request("nick", "ghost0")["ok"], true);
}

#[test]
fn room_traffic_reaches_only_the_room_and_not_the_sender() {
    let (_rt, chat) = start();
    let addr = chat.local_addr;
    let mut a = User::connect(addr);
    let mut b = User::connect(addr);
    let mut c = User::connect(addr);
    for (u, n, r) in [(&mut a, "a", "x"), (&mut b, "b", "x"), (&mut c, "c", "y")] {
        assert_eq!(u.request("nick", n)["ok"], true);
        assert_eq!(u.request("join", r)["ok"], true);
    }
    // a hears that b joined.
    let joined = event(&a.next_text());
    assert_eq!(
        joined,
        (
            "joined".into(),
            serde_json::json!({"nick": "b", "room": "x"})
        )
    );
    let ack = a.request("message", "hi");
    assert_eq!(ack["ok"], true);
    let (name, got) = event(&b.next_text());
    assert_eq!(name, "message");
    assert_eq!(got["id"], ack["id"]);
    assert_eq!(
        (&got["room"], &got["nick"], &got["text"]),
        (&"x".into(), &"a".into(), &"hi".into()),
        "{got}"
    );
    // c (other room) and a (the sender) get nothing of it: by the time their next acks
    // arrive (the hub handles commands in order), nothing else came.
    assert_eq!(c.request("message", "quiet")["ok"], true);
    let ack2 = a.request("message", "again");
    assert!(ack2["id"].as_u64() > ack["id"].as_u64());
    assert_eq!(c.seen, Vec::<String>::new());
    assert_eq!(a.seen, Vec::<String>::new());
    // b joining the room it is in already is no news: a hears nothing of it (a's next ack
    // would come after a `joined` notice, commands being applied in order).
    let again = b.request("join", "x");
    assert_eq!(again["ok"], true, "{again}");
    assert_eq!(again["members"], serde_json::json!(["a", "b"]));
    assert_eq!(a.request("message", "still here")["ok"], true);
    assert_eq!(a.seen, Vec::<String>::new(), "no second 'b joined'");
    // b's connection closing without a goodbye: held for the window, then announced to a.
    drop(b);
    let left = event(&a.next_text());
    assert_eq!(
        left,
        ("left".into(), serde_json::json!({"nick": "b", "room": "x"}))
    );
    let _ = chat;
}
