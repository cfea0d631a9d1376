//! The streams backend through the full Engine, on the virtual clock: two engines sharing an
//! in-memory fake of the Redis stream and session keys (appends get increasing entry ids,
//! every server reads every entry, sessions are taken once), bytes in and actions out.
//! Broadcast order and offsets, recovery across servers, timeouts and bad entries.
#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use socketio_engine::streams::{
    AppendToken, RestoreAnswer, StreamEntry, StreamsAction, StreamsConfig,
};
use socketio_engine::testing::recovery::{Conn, connect_answer, connect_request, offset_of};
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{BroadcastTarget, EngineConfig, Event};
use socketio_proto::Str;
use socketio_proto::cluster::ClusterLimits;
use socketio_proto::cluster::streams::{StoredSession, StreamOffset};

fn config(uid: &str, seed: u8, recovery: bool) -> EngineConfig {
    let mut c = SioHarness::config();
    c.sio.rng_seed([seed; 32]);
    c.eio.rng_seed = Some([seed; 32]);
    if recovery {
        c.sio
            .connection_state_recovery(Some(socketio_engine::RecoveryConfig::default()));
    }
    c.streams = Some(StreamsConfig {
        uid: Some(uid.to_owned()),
        ..StreamsConfig::default()
    });
    c
}

/// The fake Redis: one stream and the session keys.
#[derive(Default)]
struct Redis {
    entries: Vec<StreamEntry>,
    keys: HashMap<String, String>,
    ms: u64,
}

impl Redis {
    fn append(&mut self, fields: Vec<(&'static str, String)>) -> StreamOffset {
        self.ms += 1;
        let id = StreamOffset {
            ms: self.ms,
            seq: 0,
        };
        self.entries.push(StreamEntry {
            id,
            fields: fields
                .into_iter()
                .map(|(k, v)| (Bytes::from_static(k.as_bytes()), Bytes::from(v)))
                .collect(),
        });
        id
    }

    /// Serves every action of `h` (appends answered at once, in order).
    fn serve(&mut self, h: &mut SioHarness) {
        while let Some(a) = h.streams.pop_front() {
            match a {
                StreamsAction::Append { token, fields, .. } => {
                    let id = self.append(fields);
                    h.engine.handle_stream_appended(h.now, token, Some(id));
                }
                StreamsAction::PersistSession { key, value, ttl } => {
                    assert_eq!(ttl, Duration::from_secs(120));
                    self.keys.insert(key, value);
                }
                StreamsAction::RestoreSession {
                    token, key, offset, ..
                } => {
                    let session = self.keys.remove(&key);
                    let known = self.entries.iter().any(|e| e.id == offset);
                    let answer = match session {
                        Some(s) if known => RestoreAnswer::Found {
                            session: Bytes::from(s),
                            entries: self
                                .entries
                                .iter()
                                .filter(|e| e.id > offset)
                                .cloned()
                                .collect(),
                        },
                        _ => RestoreAnswer::NotFound,
                    };
                    h.engine.handle_session_restored(h.now, token, answer);
                }
                other => panic!("unexpected {other:?}"),
            }
            h.drive();
        }
    }

    /// Delivers the entries from `*cursor` on to `h` (its XREAD loop).
    fn read(&self, h: &mut SioHarness, cursor: &mut usize) {
        let new = self.entries[*cursor..].to_vec();
        *cursor = self.entries.len();
        h.engine.handle_stream_entries(h.now, new);
        h.drive();
    }
}

struct Cluster {
    a: SioHarness,
    b: SioHarness,
    redis: Redis,
    read_a: usize,
    read_b: usize,
}

impl Cluster {
    fn new(recovery: bool) -> Self {
        let mut a = SioHarness::new(config("aaaaaaaaaaaaaaaa", 3, recovery));
        let mut b = SioHarness::new(config("bbbbbbbbbbbbbbbb", 4, recovery));
        a.drive();
        b.drive();
        Self {
            a,
            b,
            redis: Redis::default(),
            read_a: 0,
            read_b: 0,
        }
    }

    /// Serves both servers and lets both read the stream, until nothing moves.
    fn settle(&mut self) {
        for _ in 0..4 {
            self.redis.serve(&mut self.a);
            self.redis.serve(&mut self.b);
            self.redis.read(&mut self.a, &mut self.read_a);
            self.redis.read(&mut self.b, &mut self.read_b);
        }
    }
}

fn join(h: &mut SioHarness) -> Conn {
    let c = h.open();
    h.send(c, "0");
    let p = connect_request(h);
    let socket = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let out = h.take(c);
    let v = connect_answer(&out[0]);
    Conn {
        c,
        socket,
        sid: v["sid"].as_str().unwrap().to_owned(),
        pid: v["pid"].as_str().map(str::to_owned).unwrap_or_default(),
    }
}

#[test]
fn a_broadcast_is_appended_first_then_delivered_everywhere_with_its_entry_id() {
    let mut k = Cluster::new(true);
    let ca = join(&mut k.a);
    let cb = join(&mut k.b);
    let all = BroadcastTarget::namespace("/");
    k.a.engine
        .broadcast(k.a.now, &all, "hi", &args("[1]"), vec![])
        .unwrap();
    k.a.drive();
    assert!(
        k.a.take(ca.c).is_empty(),
        "nothing before the entry id is known"
    );
    let StreamsAction::Append {
        fields,
        stream,
        max_len,
        ..
    } = k.a.streams.front().unwrap().clone()
    else {
        panic!("an append")
    };
    assert_eq!((stream.as_str(), max_len), ("socket.io", 10_000));
    assert_eq!(fields[0], ("uid", "aaaaaaaaaaaaaaaa".to_owned()));
    k.settle();
    assert_eq!(k.a.take(ca.c), [r#"2["hi",1,"1-0"]"#]);
    assert_eq!(k.b.take(cb.c), [r#"2["hi",1,"1-0"]"#]);
    assert_eq!(k.a.engine.streams_dropped(), 1, "its own entry, skipped");
}

#[test]
fn deliveries_keep_broadcast_order_whatever_the_order_of_answers() {
    let mut k = Cluster::new(true);
    let ca = join(&mut k.a);
    let all = BroadcastTarget::namespace("/");
    for n in 0..3 {
        k.a.engine
            .broadcast(k.a.now, &all, "n", &args(&format!("[{n}]")), vec![])
            .unwrap();
    }
    k.a.drive();
    let tokens: Vec<AppendToken> =
        k.a.streams
            .drain(..)
            .map(|a| match a {
                StreamsAction::Append { token, .. } => token,
                other => panic!("{other:?}"),
            })
            .collect();
    let now = k.a.now;
    k.a.engine
        .handle_stream_appended(now, tokens[2], Some(StreamOffset { ms: 9, seq: 2 }));
    k.a.engine
        .handle_stream_appended(now, tokens[1], Some(StreamOffset { ms: 9, seq: 1 }));
    k.a.drive();
    assert!(k.a.take(ca.c).is_empty(), "the first is still unanswered");
    // Failed: delivered, without an offset.
    k.a.engine.handle_stream_appended(now, tokens[0], None);
    // A repeated answer does nothing.
    k.a.engine
        .handle_stream_appended(now, tokens[0], Some(StreamOffset { ms: 1, seq: 1 }));
    k.a.drive();
    assert_eq!(
        k.a.take(ca.c),
        [r#"2["n",0]"#, r#"2["n",1,"9-1"]"#, r#"2["n",2,"9-2"]"#]
    );
}

#[test]
fn an_unanswered_append_is_delivered_without_offset_at_its_timeout() {
    let mut k = Cluster::new(true);
    let ca = join(&mut k.a);
    k.a.engine
        .emit(k.a.now, ca.socket, "direct", &args("[]"), vec![])
        .unwrap();
    k.a.drive();
    assert_eq!(
        k.a.streams.len(),
        1,
        "a direct emit is appended too (recovery on)"
    );
    k.a.advance(StreamsConfig::DEFAULT_APPEND_TIMEOUT - Duration::from_millis(1));
    assert!(k.a.take(ca.c).is_empty());
    k.a.advance(Duration::from_millis(1));
    assert_eq!(k.a.take(ca.c), [r#"2["direct"]"#]);
}

#[test]
fn without_recovery_a_direct_emit_is_not_appended_and_broadcasts_carry_no_offset() {
    let mut k = Cluster::new(false);
    let ca = join(&mut k.a);
    let cb = join(&mut k.b);
    k.a.engine
        .emit(k.a.now, ca.socket, "direct", &args("[]"), vec![])
        .unwrap();
    k.a.drive();
    assert!(k.a.streams.is_empty());
    assert_eq!(k.a.take(ca.c), [r#"2["direct"]"#]);
    k.b.engine
        .broadcast(
            k.b.now,
            &BroadcastTarget::namespace("/"),
            "x",
            &args("[]"),
            vec![],
        )
        .unwrap();
    k.settle();
    assert_eq!(k.a.take(ca.c), [r#"2["x"]"#]);
    assert_eq!(k.b.take(cb.c), [r#"2["x"]"#]);
}

#[test]
fn a_client_cut_from_one_server_recovers_on_the_other() {
    let mut k = Cluster::new(true);
    let ca = join(&mut k.a);
    let other = join(&mut k.a);
    k.a.engine.join(ca.socket, "r").unwrap();
    let room = BroadcastTarget::namespace("/").to("r");
    k.a.engine
        .broadcast(k.a.now, &room, "seen", &args("[0]"), vec![])
        .unwrap();
    k.settle();
    let offset = offset_of(&k.a.take(ca.c)[0]);

    k.a.close_ws(ca.c);
    k.settle();
    let key = format!("sio:session:{}", ca.pid);
    let stored =
        StoredSession::decode(k.redis.keys[&key].as_bytes(), &ClusterLimits::default()).unwrap();
    assert_eq!(stored.sid.as_str(), ca.sid);
    assert_eq!(stored.rooms, [Str::from(ca.sid.as_str()), Str::from("r")]);

    // Meanwhile: to its room from B, to everyone from A, volatile, to another socket only.
    k.b.engine
        .broadcast(k.b.now, &room, "m", &args("[1]"), vec![])
        .unwrap();
    k.settle();
    k.a.engine
        .broadcast(
            k.a.now,
            &BroadcastTarget::namespace("/"),
            "m",
            &args("[2]"),
            vec![],
        )
        .unwrap();
    k.a.engine
        .broadcast(
            k.a.now,
            &BroadcastTarget::namespace("/").volatile(),
            "vol",
            &args("[]"),
            vec![],
        )
        .unwrap();
    k.a.engine
        .emit(k.a.now, other.socket, "not-yours", &args("[]"), vec![])
        .unwrap();
    k.settle();

    // Reconnects to B.
    let c = k.b.open();
    k.b.send(
        c,
        &format!(r#"0{{"pid":"{}","offset":"{offset}"}}"#, ca.pid),
    );
    k.b.drive();
    assert!(k.b.take(c).is_empty(), "nothing before the session is read");
    assert!(matches!(
        k.b.streams.front(),
        Some(StreamsAction::RestoreSession { .. })
    ));
    k.settle();
    let out = k.b.take(c);
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[0], r#"2["m",1,"2-0"]"#);
    assert_eq!(out[1], r#"2["m",2,"3-0"]"#);
    let answer = connect_answer(&out[2]);
    assert_eq!(answer["sid"], ca.sid.as_str());
    assert_eq!(answer["pid"], ca.pid.as_str());
    let recovered = loop {
        match k.b.event() {
            Some(Event::Recovered(r)) => break r,
            Some(_) => {}
            None => panic!("no Recovered event"),
        }
    };
    assert!(
        !k.redis.keys.contains_key(&key),
        "the session is taken once"
    );
    // Its room holds it on B: a later room broadcast from A reaches it.
    k.a.engine
        .broadcast(k.a.now, &room, "later", &args("[]"), vec![])
        .unwrap();
    k.settle();
    assert_eq!(k.b.take(c), [r#"2["later","6-0"]"#]);
    let _ = recovered;

    // A second try with the same pid: gone, so a fresh socket.
    let c2 = k.a.open();
    k.a.send(
        c2,
        &format!(r#"0{{"pid":"{}","offset":"{offset}"}}"#, ca.pid),
    );
    k.settle();
    let p = connect_request(&mut k.a);
    assert!(!p.is_recovery());
}

#[test]
fn an_unanswered_restore_connects_fresh_at_its_timeout_and_a_bad_offset_at_once() {
    let mut k = Cluster::new(true);
    let c = k.b.open();
    k.b.send(c, r#"0{"pid":"xxxxxxxxxxxxxxxxxxxx","offset":"5-0"}"#);
    k.b.drive();
    assert_eq!(k.b.streams.len(), 1);
    k.b.streams.clear();
    k.b.advance(StreamsConfig::DEFAULT_RESTORE_TIMEOUT);
    assert!(!connect_request(&mut k.b).is_recovery());
    // Not an entry id: never asked of Redis.
    let c = k.b.open();
    k.b.send(c, r#"0{"pid":"xxxxxxxxxxxxxxxxxxxx","offset":"12"}"#);
    k.b.drive();
    assert!(k.b.streams.is_empty());
    let _ = connect_request(&mut k.b);
}

#[test]
fn bad_entries_are_dropped_and_counted_and_clients_unaffected() {
    let mut k = Cluster::new(true);
    let cb = join(&mut k.b);
    let bad = [
        vec![("uid", "u".to_owned())],
        vec![
            ("uid", "u".to_owned()),
            ("nsp", "/".to_owned()),
            ("type", "3".to_owned()),
            ("data", "{".to_owned()),
        ],
        vec![
            ("uid", "u".to_owned()),
            ("nsp", "/nope".to_owned()),
            ("type", "4".to_owned()),
            ("data", r#"{"opts":{},"rooms":["x"]}"#.to_owned()),
        ],
        vec![
            ("uid", "u".to_owned()),
            ("nsp", "/".to_owned()),
            ("type", "3".to_owned()),
            (
                "data",
                r#"{"packet":{"type":2,"data":["connect"]},"opts":{}}"#.to_owned(),
            ),
        ],
    ];
    for f in bad {
        k.redis.append(f);
    }
    k.redis.append(vec![
        ("uid", "u".to_owned()),
        ("nsp", "/".to_owned()),
        ("type", "3".to_owned()),
        (
            "data",
            r#"{"packet":{"type":2,"data":["ok"]},"opts":{"rooms":[],"except":[],"flags":{}}}"#
                .to_owned(),
        ),
    ]);
    k.settle();
    assert_eq!(k.b.engine.streams_dropped(), 4);
    assert_eq!(k.b.take(cb.c), [r#"2["ok","5-0"]"#]);
}

#[test]
fn joins_leaves_and_disconnects_cross_servers() {
    let mut k = Cluster::new(true);
    let cb = join(&mut k.b);
    let all = BroadcastTarget::namespace("/");
    k.a.engine.sockets_join(&all, "j").unwrap();
    k.settle();
    assert_eq!(
        k.b.engine.rooms(cb.socket).unwrap(),
        [Str::from(cb.sid.as_str()), Str::from("j")]
    );
    k.a.engine.sockets_leave(&all, "j").unwrap();
    k.settle();
    assert_eq!(
        k.b.engine.rooms(cb.socket).unwrap(),
        [Str::from(cb.sid.as_str())]
    );
    k.a.engine.disconnect_sockets(k.a.now, &all).unwrap();
    k.settle();
    assert!(
        k.b.engine.rooms(cb.socket).is_err(),
        "disconnected on B too"
    );
}

/// A client of B asks to recover session `pid` after `offset`; returns its client.
fn ask_restore(
    k: &mut Cluster,
    pid: &str,
    offset: &str,
) -> socketio_engine::testing::sio_client::SioClient {
    let c = k.b.open();
    k.b.send(c, &format!(r#"0{{"pid":"{pid}","offset":"{offset}"}}"#));
    k.b.drive();
    c
}

/// The token of B's pending restore.
fn restore_token(k: &mut Cluster) -> socketio_engine::streams::RestoreToken {
    match k.b.streams.pop_front() {
        Some(StreamsAction::RestoreSession {
            token, max_entries, ..
        }) => {
            assert_eq!(max_entries, StreamsConfig::DEFAULT_MAX_RESTORE_ENTRIES);
            token
        }
        other => panic!("{other:?}"),
    }
}

fn session_of(sid: &str) -> Bytes {
    Bytes::from(
        StoredSession {
            sid: Str::from(sid),
            pid: Str::from("pppppppppppppppppppp"),
            rooms: vec![Str::from(sid)],
            data: socketio_proto::cluster::Value::Map(Vec::new()),
        }
        .encode(),
    )
}

#[test]
fn untrusted_restore_answers_connect_fresh() {
    let mut k = Cluster::new(true);
    let entry = |data: &str| StreamEntry {
        id: StreamOffset { ms: 1, seq: 1 },
        fields: [("uid", "u"), ("nsp", "/"), ("type", "3"), ("data", data)]
            .into_iter()
            .map(|(a, b)| (Bytes::from(a), Bytes::from(b.to_owned())))
            .collect(),
    };
    let ok = r#"{"packet":{"type":2,"data":["m"]},"opts":{"rooms":[],"except":[],"flags":{}}}"#;
    let too_many = vec![entry(ok); StreamsConfig::DEFAULT_MAX_RESTORE_ENTRIES + 1];
    let answers = [
        RestoreAnswer::NotFound,
        RestoreAnswer::Failed,
        RestoreAnswer::TooManyEntries,
        // Not base64 / not a session / a bad sid.
        RestoreAnswer::Found {
            session: Bytes::from_static(b"!!"),
            entries: vec![],
        },
        RestoreAnswer::Found {
            session: Bytes::from_static(b"kA=="),
            entries: vec![],
        },
        RestoreAnswer::Found {
            session: session_of("no good"),
            entries: vec![],
        },
        // A missed entry that does not decode: not replayable, so not recovered.
        RestoreAnswer::Found {
            session: session_of("ssssssssssssssssssss"),
            entries: vec![entry("{")],
        },
        // More bytes than the limit, in two entries each within the per-entry bound.
        RestoreAnswer::Found {
            session: session_of("ssssssssssssssssssss"),
            entries: vec![
                entry(&format!(
                    r#"{{"packet":{{"type":2,"data":["m","{}"]}},"opts":{{}}}}"#,
                    "x".repeat(StreamsConfig::DEFAULT_MAX_RESTORE_BYTES / 2 + 1)
                ));
                2
            ],
        },
        // More entries than the limit.
        RestoreAnswer::Found {
            session: session_of("ssssssssssssssssssss"),
            entries: too_many,
        },
    ];
    for answer in answers {
        let _c = ask_restore(&mut k, "pppppppppppppppppppp", "1-0");
        let token = restore_token(&mut k);
        k.b.engine.handle_session_restored(k.b.now, token, answer);
        k.b.drive();
        let p = connect_request(&mut k.b);
        assert!(!p.is_recovery());
        k.b.engine.reject_connect(k.b.now, p, "no", None).unwrap();
        k.b.drive();
    }
    // And the same answer shape with good bytes does recover (the cases above fail for
    // their own reason).
    let c = ask_restore(&mut k, "pppppppppppppppppppp", "1-0");
    let token = restore_token(&mut k);
    k.b.engine.handle_session_restored(
        k.b.now,
        token,
        RestoreAnswer::Found {
            session: session_of("ssssssssssssssssssss"),
            entries: vec![entry(ok)],
        },
    );
    k.b.drive();
    let out = k.b.take(c);
    assert_eq!(out[0], r#"2["m","1-1"]"#);
    assert_eq!(connect_answer(&out[1])["sid"], "ssssssssssssssssssss");
}

#[test]
fn max_pending_restores_connects_the_next_fresh_at_once() {
    let mut c = config("cccccccccccccccc", 5, true);
    if let Some(s) = c.streams.as_mut() {
        s.max_pending_restores = 1;
    }
    let mut h = SioHarness::new(c);
    for _ in 0..2 {
        let x = h.open();
        h.send(x, r#"0{"pid":"pppppppppppppppppppp","offset":"1-0"}"#);
        h.drive();
    }
    assert_eq!(h.streams.len(), 1, "one restore asked of Redis");
    assert!(
        !connect_request(&mut h).is_recovery(),
        "the second connected fresh"
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_entries_never_panic_or_reach_clients_wrongly(
        fields in proptest::collection::vec(
            (proptest::prop_oneof![proptest::strategy::Just("uid".to_owned()),
                proptest::strategy::Just("nsp".to_owned()),
                proptest::strategy::Just("type".to_owned()),
                proptest::strategy::Just("data".to_owned())],
             proptest::prop_oneof![".{0,12}", proptest::strategy::Just("/".to_owned()),
                proptest::strategy::Just("3".to_owned()),
                proptest::strategy::Just(r#"{"packet":{"type":2,"data":[1]},"opts":{}}"#.to_owned())]),
            0..6),
        ms in 0u64..5,
    ) {
        let mut k = Cluster::new(true);
        let cb = join(&mut k.b);
        let entry = StreamEntry {
            id: StreamOffset { ms, seq: 0 },
            fields: fields.into_iter().map(|(a, b)| (Bytes::from(a), Bytes::from(b))).collect(),
        };
        k.b.engine.handle_stream_entries(k.b.now, vec![entry]);
        k.b.drive();
        // Whatever arrived is a well-formed event (or nothing), and the client stays.
        for text in k.b.take(cb.c) {
            proptest::prop_assert!(text.starts_with("2["), "{text}");
        }
        proptest::prop_assert!(!k.b.is_closed(cb.c));
    }
}

#[test]
fn a_restore_whose_id_is_still_taken_here_connects_fresh() {
    let mut k = Cluster::new(true);
    let live = join(&mut k.b);
    // A session in Redis naming a socket id that is still live on B.
    k.redis.append(vec![
        ("uid", "u".to_owned()),
        ("nsp", "/".to_owned()),
        ("type", "5".to_owned()),
        ("data", r#"{"opts":{},"rooms":["none"]}"#.to_owned()),
    ]);
    k.redis.keys.insert(
        "sio:session:pppppppppppppppppppp".to_owned(),
        String::from_utf8(session_of(&live.sid).to_vec()).unwrap(),
    );
    let c = ask_restore(&mut k, "pppppppppppppppppppp", "1-0");
    k.settle();
    let p = connect_request(&mut k.b);
    assert!(!p.is_recovery());
    k.b.engine.accept_connect(k.b.now, p).unwrap();
    k.b.drive();
    let answer = connect_answer(&k.b.take(c)[0]);
    assert_ne!(answer["sid"], live.sid.as_str(), "a fresh id");
}
