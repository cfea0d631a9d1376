//! Connection state recovery on the virtual clock, the replay: missed events filtered by
//! rooms and except lists, in order, once, before anything newer; restored id, rooms and
//! data; what does not recover (unknown pid, bad offset, another namespace, a second time);
//! the decision without `skip_middlewares`; the named limits and their defaults.
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::time::Duration;

use socketio_engine::testing::recovery::{
    Conn, config, connect, connect_request, cut_after_one_event, harness, offset_of, reconnect,
    recovered,
};
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{BroadcastTarget, RecoveryConfig};
use socketio_proto::Str;

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
}
