//! Connection state recovery on the virtual clock: the CONNECT answer's pid, offsets on
//! recoverable events, which disconnect reasons keep a session, the 120 s window, replay of
//! missed events (filtered, in order, once), restored rooms and data, and the named limits.
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::time::Duration;

use serde_json::{Value, json};
use socketio_engine::testing::sio_client::{SioClient, SioHarness, args};
use socketio_engine::{
    BroadcastTarget, DisconnectReason, EngineConfig, Event, RecoveryConfig, SocketId,
};
use socketio_proto::Str;

fn config(edit: impl FnOnce(&mut RecoveryConfig)) -> EngineConfig {
    let mut c = SioHarness::config();
    let mut r = RecoveryConfig::default();
    edit(&mut r);
    c.sio.connection_state_recovery(Some(r));
    c.sio.namespaces(["/", "/b"].map(Str::from));
    c
}

fn harness() -> SioHarness {
    SioHarness::new(config(|_| {}))
}

/// A connected socket and what its CONNECT answer said.
struct Conn {
    c: SioClient,
    socket: SocketId,
    sid: String,
    pid: String,
}

/// The JSON of a CONNECT answer `0{..}` (or `0/b,{..}`).
fn connect_answer(text: &str) -> Value {
    let json = text
        .split_once('{')
        .map(|(_, rest)| format!("{{{rest}"))
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

/// The next connect request, skipping other events (earlier disconnects).
fn connect_request(h: &mut SioHarness) -> socketio_engine::PendingConnect {
    loop {
        match h.event() {
            Some(Event::Connect(p)) => return p,
            Some(_) => {}
            None => panic!("no connect request"),
        }
    }
}

/// Connects a fresh session to `/` and accepts it.
fn connect(h: &mut SioHarness) -> Conn {
    let c = h.open();
    h.send(c, "0");
    let p = connect_request(h);
    assert!(!p.is_recovery());
    let socket = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let out = h.take(c);
    assert_eq!(out.len(), 1, "{out:?}");
    let v = connect_answer(&out[0]);
    Conn {
        c,
        socket,
        sid: v["sid"].as_str().unwrap().to_owned(),
        pid: v["pid"].as_str().unwrap().to_owned(),
    }
}

/// The offset (last argument) of an EVENT packet's text `2[...]`.
fn offset_of(text: &str) -> String {
    let v: Value = serde_json::from_str(text.strip_prefix('2').unwrap()).unwrap();
    v.as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// Reconnects on a new session with `pid` and `offset`: the frames it got.
fn reconnect(h: &mut SioHarness, pid: &str, offset: &str) -> (SioClient, Vec<String>) {
    let c = h.open();
    h.send(c, &format!(r#"0{{"pid":"{pid}","offset":"{offset}"}}"#));
    (c, h.take(c))
}

fn recovered(h: &mut SioHarness) -> Option<socketio_engine::Recovered> {
    loop {
        match h.event() {
            Some(Event::Recovered(r)) => return Some(r),
            Some(Event::Connect(_)) | None => return None,
            Some(_) => {}
        }
    }
}

/// A socket with one event received (its offset), then cut by closing its WebSocket.
fn cut_after_one_event(h: &mut SioHarness) -> (Conn, String) {
    let conn = connect(h);
    h.engine
        .emit(h.now, conn.socket, "hello", &args("[1]"), vec![])
        .unwrap();
    h.drive();
    let out = h.take(conn.c);
    let offset = offset_of(&out[0]);
    h.close_ws(conn.c);
    (conn, offset)
}

#[test]
fn off_by_default_no_pid_no_offset() {
    let mut h = SioHarness::new(SioHarness::config());
    let (c, s) = h.client("/"); // asserts the answer is exactly {"sid"}
    h.engine.emit(h.now, s, "ev", &args("[1]"), vec![]).unwrap();
    h.drive();
    assert_eq!(h.take(c), [r#"2["ev",1]"#]);
    assert_eq!(h.engine.recovery_store().packets, 0);
}

#[test]
fn connect_answer_has_sid_and_pid() {
    let mut h = harness();
    let a = connect(&mut h);
    let b = connect(&mut h);
    assert_eq!(a.sid, h.engine.socket_name(a.socket).unwrap().as_str());
    assert_eq!(a.pid.len(), 20, "a random id like the sid");
    assert_ne!(a.pid, a.sid);
    assert_ne!(a.pid, b.pid);
}

#[test]
fn offsets_on_recoverable_events_only() {
    let mut h = harness();
    let a = connect(&mut h);
    let b = connect(&mut h);
    let now = h.now;
    h.engine
        .emit(now, a.socket, "direct", &args("[]"), vec![])
        .unwrap();
    let all = BroadcastTarget::namespace("/");
    h.engine
        .broadcast(now, &all, "all", &args(r#"[{"x":1}]"#), vec![])
        .unwrap();
    // With an ack id, or volatile: neither logged nor given an offset (node's rule).
    h.engine
        .emit_with_ack(
            now,
            a.socket,
            "ask",
            &args("[]"),
            vec![],
            Duration::from_secs(5),
        )
        .unwrap();
    h.engine
        .broadcast(now, &all.clone().volatile(), "vol", &args("[2]"), vec![])
        .unwrap();
    h.engine
        .broadcast_with_ack(
            now,
            &all,
            "bask",
            &args("[]"),
            vec![],
            Duration::from_secs(5),
        )
        .unwrap();
    h.drive();
    // The offset is the event's number, engine-wide, in decimal; a broadcast's is the same
    // for every recipient (one packet, encoded once).
    assert_eq!(
        h.take(a.c),
        [
            r#"2["direct","0"]"#,
            r#"2["all",{"x":1},"1"]"#,
            r#"20["ask"]"#,
            r#"2["vol",2]"#,
            r#"21["bask"]"#
        ]
    );
    assert_eq!(
        h.take(b.c),
        [r#"2["all",{"x":1},"1"]"#, r#"2["vol",2]"#, r#"21["bask"]"#]
    );
    assert_eq!(h.engine.recovery_store().packets, 2);
}

#[test]
fn a_cut_of_119_s_recovers_and_121_s_does_not() {
    for (secs, recovers) in [(119, true), (120, true), (121, false)] {
        let mut h = harness();
        let (conn, offset) = cut_after_one_event(&mut h);
        h.advance(Duration::from_secs(secs));
        let (c2, out) = reconnect(&mut h, &conn.pid, &offset);
        match recovered(&mut h) {
            Some(r) => {
                assert!(recovers, "{secs} s must not recover");
                assert_eq!(h.engine.socket_name(r.socket).unwrap().as_str(), conn.sid);
                let v = connect_answer(&out[0]);
                assert_eq!(
                    (v["sid"].as_str(), v["pid"].as_str()),
                    (Some(&*conn.sid), Some(&*conn.pid))
                );
                assert!(r.auth.is_some());
            }
            None => {
                assert!(!recovers, "{secs} s must recover");
                assert!(out.is_empty(), "a fresh request waits for the application");
                let _ = c2;
            }
        }
    }
}

#[test]
fn the_store_expires_on_the_timer_table() {
    let mut h = harness();
    let (_conn, _) = cut_after_one_event(&mut h);
    let store = h.engine.recovery_store();
    assert_eq!((store.sessions, store.packets), (1, 1));
    let deadline = h.engine.poll_timeout().unwrap();
    assert!(deadline > h.now + Duration::from_secs(119));
    h.advance(Duration::from_secs(121));
    let store = h.engine.recovery_store();
    assert_eq!((store.sessions, store.packets, store.bytes), (0, 0, 0));
    assert_eq!(
        h.engine.poll_timeout(),
        None,
        "nothing left to expire, no timer"
    );
}

/// Cuts a socket with `cut`; whether its session was kept.
fn kept_after(cut: impl FnOnce(&mut SioHarness, &Conn)) -> bool {
    let mut h = harness();
    let conn = connect(&mut h);
    cut(&mut h, &conn);
    h.drive();
    h.engine.recovery_store().sessions == 1
}

#[test]
fn transport_reasons_keep_the_session() {
    // transport close
    assert!(kept_after(|h, c| h.close_ws(c.c)));
    // forced close (the server closes the connection)
    assert!(kept_after(|h, c| h
        .engine
        .close_transport(h.now, c.socket)
        .unwrap()));
    // ping timeout
    assert!(kept_after(|h, _| h.advance(Duration::from_secs(60))));
    // server shutting down
    assert!(kept_after(|h, _| h.engine.close_all(h.now)));
    // forced server close (a protocol violation: an event for a namespace not joined)
    assert!(kept_after(|h, c| h.send(c.c, r#"2/b,["x"]"#)));
    // transport error, and the same list by name
    for r in [
        DisconnectReason::TransportError,
        DisconnectReason::TransportClose,
        DisconnectReason::ForcedClose,
        DisconnectReason::PingTimeout,
        DisconnectReason::ServerShuttingDown,
        DisconnectReason::ProtocolViolation,
    ] {
        assert!(r.is_recoverable(), "{}", r.as_str());
    }
}

#[test]
fn namespace_disconnects_and_bad_input_do_not() {
    // client namespace disconnect
    assert!(!kept_after(|h, c| h.send(c.c, "1")));
    // server namespace disconnect, alone or with the session
    assert!(!kept_after(|h, c| h
        .engine
        .disconnect(h.now, c.socket)
        .unwrap()));
    assert!(!kept_after(|h, c| h
        .engine
        .disconnect_session(h.now, c.socket)
        .unwrap()));
    // parse error
    assert!(!kept_after(|h, c| h.send(c.c, "9")));
    for r in [
        DisconnectReason::ClientNamespaceDisconnect,
        DisconnectReason::ServerNamespaceDisconnect,
        DisconnectReason::ParseError,
        DisconnectReason::BufferFull,
    ] {
        assert!(!r.is_recoverable(), "{}", r.as_str());
    }
}

#[test]
fn missed_events_in_order_once_filtered_then_newer() {
    let mut h = harness();
    let other = connect(&mut h);
    let (conn, offset) = cut_after_one_event(&mut h);
    let ns = BroadcastTarget::namespace("/");
    let now = h.now;
    let send = |h: &mut SioHarness, t: &BroadcastTarget, n: u32| {
        h.engine
            .broadcast(now, t, "m", &args(&format!("[{n}]")), vec![])
            .unwrap();
    };
    send(&mut h, &ns, 1); // everyone: missed
    send(&mut h, &ns.clone().to("elsewhere"), 2); // another room: not for it
    send(&mut h, &ns.clone().to(conn.sid.as_str()), 3); // its own room: missed
    send(&mut h, &ns.clone().except(conn.sid.as_str()), 4); // excepted by id
    send(&mut h, &ns.clone().to(conn.sid.as_str()).volatile(), 5); // volatile: never kept
    h.engine
        .emit(now, other.socket, "m", &args("[6]"), vec![])
        .unwrap(); // another socket's direct emit
    send(&mut h, &ns, 7);
    h.advance(Duration::from_secs(3));
    let (c2, out) = reconnect(&mut h, &conn.pid, &offset);
    let r = recovered(&mut h).unwrap();
    let shown: Vec<String> = out
        .iter()
        .map(|t| {
            t.split_once(",\"")
                .map_or_else(|| t.clone(), |(a, _)| a.to_owned())
        })
        .collect();
    // Missed events first, in order, each once; then the CONNECT answer.
    let answer = format!(r#"0{{"sid":"{}""#, conn.sid);
    assert_eq!(shown, [r#"2["m",1"#, r#"2["m",3"#, r#"2["m",7"#, &answer]);
    // Something newer comes after, once.
    h.engine
        .broadcast(h.now, &ns, "m", &args("[8]"), vec![])
        .unwrap();
    h.drive();
    let out = h.take(c2);
    assert_eq!(out.len(), 1);
    assert!(out[0].starts_with(r#"2["m",8,"#));
    // A second reconnect with the same pid does not replay again: the session recovers once.
    let (_c3, out) = reconnect(&mut h, &conn.pid, &offset);
    assert!(recovered(&mut h).is_none());
    assert!(out.is_empty());
    let _ = r;
}

#[test]
fn rooms_and_id_restored() {
    let mut h = harness();
    let conn = connect(&mut h);
    h.engine.join(conn.socket, "r").unwrap();
    h.engine.join(conn.socket, "s").unwrap();
    h.engine
        .emit(h.now, conn.socket, "hello", &args("[]"), vec![])
        .unwrap();
    h.drive();
    let offset = offset_of(&h.take(conn.c)[0]);
    h.close_ws(conn.c);
    let room = BroadcastTarget::namespace("/").to("r");
    h.engine
        .broadcast(h.now, &room, "in-r", &args("[]"), vec![])
        .unwrap();
    let (c2, out) = reconnect(&mut h, &conn.pid, &offset);
    assert_eq!(out.len(), 2, "{out:?}");
    let r = recovered(&mut h).unwrap();
    let mut rooms = h.engine.rooms(r.socket).unwrap();
    rooms.sort();
    let mut want = vec![Str::from(conn.sid.as_str()), Str::from("r"), Str::from("s")];
    want.sort();
    assert_eq!(rooms, want);
    assert_eq!(h.engine.socket_by_name(&conn.sid), Some(r.socket));
    h.engine
        .broadcast(h.now, &room, "later", &args("[]"), vec![])
        .unwrap();
    h.drive();
    assert_eq!(h.take(c2).len(), 1, "the room still holds it");
}

#[test]
fn unknown_pid_bad_offset_or_other_namespace_is_fresh() {
    let mut h = harness();
    let (conn, offset) = cut_after_one_event(&mut h);
    for auth in [
        r#"{"pid":"AAAAAAAAAAAAAAAAAAAA","offset":"0"}"#.to_owned(),
        format!(r#"{{"pid":"{}","offset":"999"}}"#, conn.pid),
        format!(r#"{{"pid":"{}","offset":"+{offset}"}}"#, conn.pid),
        format!(r#"{{"pid":"{}","offset":0}}"#, conn.pid),
        format!(r#"{{"pid":"{}"}}"#, conn.pid),
    ] {
        let c = h.open();
        h.send(c, &format!("0{auth}"));
        let p = connect_request(&mut h);
        assert!(!p.is_recovery(), "{auth}");
    }
    let c = h.open();
    h.send(
        c,
        &format!(r#"0/b,{{"pid":"{}","offset":"{offset}"}}"#, conn.pid),
    );
    assert!(
        !connect_request(&mut h).is_recovery(),
        "sessions belong to their namespace"
    );
    // None of those consumed it.
    let _ = reconnect(&mut h, &conn.pid, &offset);
    assert!(recovered(&mut h).is_some());
}

#[test]
fn without_skip_middlewares_the_application_decides() {
    let mut h = SioHarness::new(config(|r| {
        r.skip_middlewares(false);
    }));
    let (conn, offset) = cut_after_one_event(&mut h);
    h.engine
        .broadcast(
            h.now,
            &BroadcastTarget::namespace("/"),
            "m",
            &args("[]"),
            vec![],
        )
        .unwrap();
    let c2 = h.open();
    h.send(
        c2,
        &format!(r#"0{{"pid":"{}","offset":"{offset}"}}"#, conn.pid),
    );
    let p = connect_request(&mut h);
    assert!(p.is_recovery());
    assert!(h.take(c2).is_empty(), "nothing before the decision");
    // An event broadcast while the application decides is not lost.
    h.engine
        .broadcast(
            h.now,
            &BroadcastTarget::namespace("/"),
            "m2",
            &args("[]"),
            vec![],
        )
        .unwrap();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let out = h.take(c2);
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out[1].starts_with(r#"2["m2""#));
    assert_eq!(h.engine.socket_name(s).unwrap().as_str(), conn.sid);
    assert!(h.engine.take_recovered(s).is_some());
    assert!(h.engine.take_recovered(s).is_none(), "once");
}

#[test]
fn application_data_comes_back() {
    let mut h = harness();
    let (conn, offset) = cut_after_one_event(&mut h);
    h.engine.keep_data(conn.socket, Box::new(42u32)).unwrap();
    let _ = reconnect(&mut h, &conn.pid, &offset);
    let r = recovered(&mut h).unwrap();
    assert_eq!(*r.data.unwrap().downcast::<u32>().unwrap(), 42);
    // No session kept for a socket that left for good: the data comes back to the caller.
    let other = connect(&mut h);
    h.send(other.c, "1");
    assert!(h.engine.keep_data(other.socket, Box::new(1u8)).is_err());
}

#[test]
fn max_sessions_drops_the_oldest() {
    let mut h = SioHarness::new(config(|r| {
        r.max_sessions(2);
    }));
    let cuts: Vec<(Conn, String)> = (0..3).map(|_| cut_after_one_event(&mut h)).collect();
    assert_eq!(h.engine.recovery_store().sessions, 2);
    let (first, off) = &cuts[0];
    let _ = reconnect(&mut h, &first.pid, off);
    assert!(recovered(&mut h).is_none(), "the oldest went first");
    let (last, off) = &cuts[2];
    let _ = reconnect(&mut h, &last.pid, off);
    assert!(recovered(&mut h).is_some());
}

#[test]
fn max_packets_and_max_bytes_drop_the_oldest_events() {
    let mut h = SioHarness::new(config(|r| {
        r.max_packets(3);
    }));
    let (conn, offset) = cut_after_one_event(&mut h);
    let all = BroadcastTarget::namespace("/");
    for n in 0..3 {
        h.engine
            .broadcast(h.now, &all, "m", &args(&format!("[{n}]")), vec![])
            .unwrap();
    }
    assert_eq!(h.engine.recovery_store().packets, 3);
    let _ = reconnect(&mut h, &conn.pid, &offset);
    assert!(
        recovered(&mut h).is_none(),
        "its offset was dropped: no recovery with a gap"
    );

    let mut h = SioHarness::new(config(|r| {
        r.max_bytes(200);
    }));
    let (conn, offset) = cut_after_one_event(&mut h);
    let big = format!(r#"["{}"]"#, "x".repeat(180));
    h.engine
        .broadcast(h.now, &all, "m", &args(&big), vec![])
        .unwrap();
    let store = h.engine.recovery_store();
    assert!(store.bytes <= 200 && store.packets == 1, "{store:?}");
    let _ = reconnect(&mut h, &conn.pid, &offset);
    assert!(recovered(&mut h).is_none());
}

#[test]
fn default_limits() {
    let d = RecoveryConfig::default();
    let text = format!("{d:?}");
    for part in [
        "max_disconnection_duration: 120s",
        "skip_middlewares: true",
        "max_sessions: 100000",
        "max_packets: 10000",
        "max_bytes: 16777216",
    ] {
        assert!(text.contains(part), "{text}");
    }
    let _ = json!(null);
}
