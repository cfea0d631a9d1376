//! The streams codec against what two live node socket.io 4.8 servers with
//! `@socket.io/redis-streams-adapter` 0.3.1 wrote to a real Redis
//! (tests/fixtures/cluster/streams, made by its capture.mjs): every stream entry and pub/sub
//! message decodes, the JSON entries re-encode to node's very text, the session key decodes,
//! and the missed events node replayed to the restored client are the ones its session
//! selects from the stream.

use std::path::PathBuf;

use bytes::Bytes;
use serde_json::Value as Json;
use socketio_proto::cluster::streams::{StoredSession, StreamBody, StreamMessage, StreamOffset};
use socketio_proto::cluster::{ClusterLimits, Value};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cluster/streams")
}

fn json(file: &str) -> Json {
    serde_json::from_str(&std::fs::read_to_string(dir().join(file)).unwrap()).unwrap()
}

/// (step, id, fields) of one captured entry.
type Entry = (String, String, Vec<(Bytes, Bytes)>);

/// Every captured entry, in stream order.
fn entries() -> Vec<Entry> {
    json("entries.json")
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let fields = e["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|kv| {
                    let s = |i: usize| Bytes::from(kv[i].as_str().unwrap().to_owned());
                    (s(0), s(1))
                })
                .collect();
            (
                e["step"].as_str().unwrap().to_owned(),
                e["id"].as_str().unwrap().to_owned(),
                fields,
            )
        })
        .collect()
}

#[test]
fn every_entry_decodes_and_json_entries_reencode_as_node_wrote_them() {
    let l = ClusterLimits::default();
    let all = entries();
    assert_eq!(all.len(), 10);
    for (step, id, fields) in &all {
        assert!(StreamOffset::parse(id).is_some(), "{id}");
        let m = StreamMessage::decode_entry(fields, &l).unwrap_or_else(|e| panic!("{step}: {e}"));
        let ours: Vec<(Bytes, Bytes)> = m
            .encode_entry()
            .into_iter()
            .map(|(k, v)| (Bytes::from_static(k.as_bytes()), Bytes::from(v)))
            .collect();
        if fields[3].1.starts_with(b"{") {
            assert_eq!(&ours, fields, "{step}");
        } else {
            // node's @msgpack/msgpack and our notepack-style encoder may pick other forms;
            // what matters is that each reads the other's.
            assert_eq!(StreamMessage::decode_entry(&ours, &l).unwrap(), m, "{step}");
        }
        let kind = m.kind();
        match step.as_str() {
            "sockets-join" => assert!(matches!(m.body, StreamBody::SocketsJoin { .. })),
            "sockets-leave" => assert!(matches!(m.body, StreamBody::SocketsLeave { .. })),
            _ => assert_eq!(kind, 3, "{step}"),
        }
    }
    let (_, _, bin) = &all[1];
    let m = StreamMessage::decode_entry(bin, &l).unwrap();
    let StreamBody::Broadcast { packet, .. } = m.body else {
        panic!("binary broadcast")
    };
    assert_eq!(packet.data[2], Value::Bin(Bytes::from_static(&[1, 2, 3])));
    let (_, _, chat) = &all[4];
    let StreamBody::Broadcast { packet, .. } = StreamMessage::decode_entry(chat, &l).unwrap().body
    else {
        panic!("nsp broadcast")
    };
    assert_eq!(
        packet.nsp.as_str(),
        "/chat",
        "the packet's namespace is the entry's"
    );
}

#[test]
fn every_pubsub_message_decodes_with_its_type() {
    let text = std::fs::read_to_string(dir().join("pubsub.tsv")).unwrap();
    let mut kinds = Vec::new();
    for line in text.lines() {
        let file = line.split('\t').next().unwrap();
        let bytes = Bytes::from(std::fs::read(dir().join(file)).unwrap());
        let m = StreamMessage::decode_pubsub(&bytes, &ClusterLimits::default()).unwrap();
        assert_eq!(m.nsp.as_str(), "/");
        assert_eq!(m.uid.len(), 16);
        let again = StreamMessage::decode_pubsub(&m.encode_pubsub(), &ClusterLimits::default());
        assert_eq!(again.unwrap(), m);
        kinds.push(m.kind());
    }
    assert_eq!(kinds, [7, 8, 9, 9, 10, 3, 11, 12]);
}

#[test]
fn the_session_key_decodes_and_selects_the_events_node_replayed() {
    let s = json("session.json");
    let l = ClusterLimits::default();
    let session = StoredSession::decode(s["value"].as_str().unwrap().as_bytes(), &l).unwrap();
    assert_eq!(session.pid.as_str(), s["pid"].as_str().unwrap());
    assert_eq!(session.sid.as_str(), s["sid"].as_str().unwrap());
    assert_eq!(
        session.rooms[0], session.sid,
        "rooms include the socket's own id"
    );
    assert!(session.rooms.iter().any(|r| r.as_str() == "room1"));
    assert_eq!(
        session
            .data
            .get("server")
            .and_then(Value::as_str)
            .map(|s| s.as_str()),
        Some("B")
    );
    assert_eq!(
        StoredSession::decode(session.encode().as_bytes(), &l).unwrap(),
        session
    );
    assert_eq!(s["recovered"], Json::Bool(true));
    assert_eq!(s["id_after"], s["sid"]);

    // node's restore: the entries after the offset, BROADCASTs of the namespace the session
    // selects, each with its entry id appended.
    let after = StreamOffset::parse(s["offset"].as_str().unwrap()).unwrap();
    let mut replay = Vec::new();
    for (_, id, fields) in entries() {
        if StreamOffset::parse(&id).unwrap() <= after {
            continue;
        }
        let m = StreamMessage::decode_entry(&fields, &l).unwrap();
        if let StreamBody::Broadcast { packet, opts } = m.body
            && m.nsp.as_str() == "/"
            && session.wants(&opts)
        {
            {
                let mut args: Vec<String> = packet.data[1..]
                    .iter()
                    .map(|v| {
                        let mut t = String::new();
                        v.write_plain_json(&mut t).unwrap();
                        t
                    })
                    .collect();
                args.push(format!("\"{id}\""));
                replay.push(format!(
                    "{}:[{}]",
                    packet.data[0].as_str().unwrap().as_str(),
                    args.join(",")
                ));
            }
        }
    }
    let node: Vec<String> = s["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e[0].as_str().unwrap(), e[1]))
        .collect();
    assert_eq!(replay, node);
}
