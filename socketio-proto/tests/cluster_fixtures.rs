//! The cluster codec against bytes captured from two live node socket.io 4.8.4 servers with
//! `@socket.io/redis-adapter` 8.3.0 (tests/fixtures/cluster, made by its capture.mjs):
//! every message decodes, re-encodes to the very same bytes, and a broadcast's events
//! convert to the JSON node's own client received for them.

use std::path::PathBuf;

use bytes::Bytes;
use serde_json::Value as Json;
use socketio_proto::cluster::{
    BroadcastMessage, ChannelKind, Channels, ClusterLimits, Request, Response, ResponseBody,
};
use socketio_proto::sio::PacketBody;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cluster")
}

/// (file, channel, label) for every captured message, in capture order.
fn index() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(dir().join("index.tsv")).unwrap();
    text.lines()
        .map(|l| {
            let mut f = l.split('\t').map(str::to_owned);
            (f.next().unwrap(), f.next().unwrap(), f.next().unwrap())
        })
        .collect()
}

fn bytes(file: &str) -> Bytes {
    Bytes::from(std::fs::read(dir().join(file)).unwrap())
}

fn fixture(label: &str, n: usize) -> Bytes {
    bytes(&format!("{label}-{n}.bin"))
}

#[test]
fn every_captured_message_decodes_and_reencodes_byte_for_byte() {
    let limits = ClusterLimits::default();
    let root = Channels::new("socket.io", "/", "ours00");
    let chat = Channels::new("socket.io", "/chat", "ours00");
    let entries = index();
    assert_eq!(entries.len(), 22);
    for (file, channel, label) in entries {
        let data = bytes(&file);
        let kind = root
            .classify(&channel)
            .or_else(|| chat.classify(&channel))
            .unwrap_or_else(|| panic!("{file}: channel {channel} not recognised"));
        let again = match kind {
            ChannelKind::Broadcast { .. } => BroadcastMessage::decode(&data, &limits)
                .unwrap_or_else(|e| panic!("{file}: {e}"))
                .encode(),
            ChannelKind::Request => Request::decode(&data, &limits)
                .unwrap_or_else(|e| panic!("{file}: {e}"))
                .encode()
                .unwrap(),
            ChannelKind::Response => Response::decode(&data, &limits)
                .unwrap_or_else(|e| panic!("{file}: {e}"))
                .encode()
                .unwrap(),
        };
        if label == "broadcast-numbers" {
            // node wrote 1e300 as a wrapped `uint 64` 0 (`cf 00..00`, notepack.io's bug for
            // integral numbers of 2^64 and more), which is 0 and re-encodes as `00`; the
            // message still means the same to every client.
            let json = |b: &Bytes| {
                let m = BroadcastMessage::decode(b, &limits).unwrap();
                m.packet.to_packet().unwrap()
            };
            assert_eq!(json(&again), json(&data));
            assert_eq!(again.len(), data.len() - 8);
        } else {
            assert_eq!(again, data, "{file} ({label}) re-encodes differently");
        }
    }
}

/// Numbers compared as JavaScript does (1 and 1.0 are one number).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The arguments of a broadcast event as a client of ours would get them, binaries spelled
/// `{"hex": ..}` as the capture script wrote node's client's Buffers.
fn our_client_view(label: &str) -> (String, Json) {
    let m = BroadcastMessage::decode(&fixture(label, 0), &ClusterLimits::default()).unwrap();
    let packet = m.packet.to_packet().unwrap();
    let PacketBody::Event {
        data, attachments, ..
    } = packet.body
    else {
        panic!("not an event");
    };
    let mut args: Json = serde_json::from_str(data.as_str()).unwrap();
    fn fill(v: &mut Json, bins: &[Bytes]) {
        match v {
            Json::Object(o) if o.get("_placeholder") == Some(&Json::Bool(true)) => {
                let n = o["num"].as_u64().unwrap() as usize;
                let hex: String = bins[n].iter().map(|b| format!("{b:02x}")).collect();
                *v = serde_json::json!({ "hex": hex });
            }
            Json::Object(o) => o.values_mut().for_each(|v| fill(v, bins)),
            Json::Array(a) => a.iter_mut().for_each(|v| fill(v, bins)),
            _ => {}
        }
    }
    fill(&mut args, &attachments);
    let Json::Array(mut items) = args else {
        panic!("not an array")
    };
    let name = items.remove(0).as_str().unwrap().to_owned();
    (name, Json::Array(items))
}

#[test]
fn broadcasts_convert_to_what_node_clients_received() {
    let received: Vec<(String, String, Json)> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("received.json")).unwrap())
            .unwrap();
    // cB (on the server that did not publish) got these, in this order.
    let labels = [
        "broadcast-all",
        "broadcast-room",
        "broadcast-rooms-except-volatile",
        "broadcast-compress",
        "broadcast-except-socket",
        "broadcast-numbers",
        "broadcast-shapes",
    ];
    for (label, (who, event, args)) in labels.iter().zip(&received) {
        assert_eq!(who, "cB");
        let (name, ours) = our_client_view(label);
        assert_eq!(&name, event, "{label}");
        assert!(same(&ours, args), "{label}: ours {ours}\nnode's {args}");
    }
}

#[test]
fn broadcast_fields() {
    let l = ClusterLimits::default();
    let m = BroadcastMessage::decode(&fixture("broadcast-rooms-except-volatile", 0), &l).unwrap();
    assert_eq!(m.uid.len(), 6);
    assert_eq!(m.opts.rooms, ["room1", "room2"]);
    assert_eq!(m.opts.except, ["room3"]);
    assert!(m.opts.flags.volatile);
    let m = BroadcastMessage::decode(&fixture("broadcast-compress", 0), &l).unwrap();
    assert_eq!(m.opts.flags.compress, Some(false));
    let m = BroadcastMessage::decode(&fixture("broadcast-except-socket", 0), &l).unwrap();
    assert_eq!(m.opts.except.len(), 1);
    let m = BroadcastMessage::decode(&fixture("broadcast-nsp", 0), &l).unwrap();
    assert_eq!(m.packet.nsp, "/chat");
}

#[test]
fn request_and_response_fields() {
    let l = ClusterLimits::default();
    let Request::Join {
        selector, rooms, ..
    } = Request::decode(&fixture("sockets-join-targeted", 0), &l).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (selector.rooms, selector.except),
        (vec!["room1".into()], vec!["room3".into()])
    );
    assert_eq!(rooms, ["x", "y"]);
    assert!(matches!(
        Request::decode(&fixture("sockets-leave", 0), &l).unwrap(),
        Request::Leave { .. }
    ));
    assert!(matches!(
        Request::decode(&fixture("disconnect-sockets", 0), &l).unwrap(),
        Request::Disconnect { close: true, .. }
    ));
    let Request::Fetch { request_id, .. } =
        Request::decode(&fixture("fetch-sockets", 0), &l).unwrap()
    else {
        panic!()
    };
    let r = Response::decode(&fixture("fetch-sockets", 1), &l).unwrap();
    assert_eq!(r.request_id, request_id);
    let ResponseBody::Sockets(sockets) = r.body else {
        panic!()
    };
    assert_eq!(sockets.len(), 1);
    assert_eq!(sockets[0].rooms[1..], ["room1", "x", "y"]);
    assert_eq!(sockets[0].rooms[0], sockets[0].id);
    assert!(sockets[0].handshake.get("headers").is_some());
    assert!(matches!(
        Request::decode(&fixture("all-rooms", 0), &l).unwrap(),
        Request::AllRooms { .. }
    ));
    assert!(matches!(
        Response::decode(&fixture("all-rooms", 1), &l).unwrap().body,
        ResponseBody::Rooms(r) if r.len() == 4
    ));
    assert!(matches!(
        Request::decode(&fixture("server-side-emit", 0), &l).unwrap(),
        Request::ServerSideEmit {
            request_id: None,
            ..
        }
    ));
    assert!(matches!(
        Request::decode(&fixture("server-side-emit-ack", 0), &l).unwrap(),
        Request::ServerSideEmit {
            request_id: Some(_),
            ..
        }
    ));
    assert!(matches!(
        Response::decode(&fixture("server-side-emit-ack", 1), &l).unwrap().body,
        ResponseBody::ServerSideEmitAck(v) if v.as_str().is_some_and(|s| s == "pong-B-1")
    ));
    // The broadcast with acks: a msgpack request, then a JSON count and a msgpack ack.
    let Request::BroadcastWithAck { opts, packet, .. } =
        Request::decode(&fixture("broadcast-ack", 0), &l).unwrap()
    else {
        panic!()
    };
    assert_eq!(opts.flags.timeout, Some(2000));
    assert_eq!(packet.data.len(), 3);
    assert!(matches!(
        Response::decode(&fixture("broadcast-ack", 1), &l)
            .unwrap()
            .body,
        ResponseBody::ClientCount(1)
    ));
    assert!(matches!(
        Response::decode(&fixture("broadcast-ack", 2), &l).unwrap().body,
        ResponseBody::BroadcastAck(v) if v.as_str().is_some_and(|s| s == "a")
    ));
}

/// Messages our encoder writes, committed as `ours-*.bin` and published to live node
/// servers by `accept.mjs` (node's client received the broadcasts; node's server applied
/// the join and answered the fetch). Regenerate with `CLUSTER_WRITE_OURS=1`.
fn ours() -> Vec<(&'static str, &'static str, Bytes)> {
    use socketio_proto::cluster::{BroadcastFlags, BroadcastOpts, ClusterPacket, Selector};
    use socketio_proto::sio::{Args, Placeholder};
    let args = Args::new(&(7, Placeholder(0), serde_json::json!({"k": "v"}))).unwrap();
    let packet =
        ClusterPacket::event("/", "fromrust", &args, &[Bytes::from_static(&[1, 2, 3])]).unwrap();
    let room = BroadcastMessage {
        uid: "rust01".into(),
        packet: packet.clone(),
        opts: BroadcastOpts {
            rooms: vec!["room1".into()],
            ..BroadcastOpts::default()
        },
    };
    let all = BroadcastMessage {
        uid: "rust01".into(),
        packet,
        opts: BroadcastOpts {
            except: vec!["nobody".into()],
            flags: BroadcastFlags {
                volatile: true,
                ..BroadcastFlags::default()
            },
            ..BroadcastOpts::default()
        },
    };
    let join = Request::Join {
        uid: "rust01".into(),
        selector: Selector::default(),
        rooms: vec!["joined-by-rust".into()],
    };
    let fetch = Request::Fetch {
        uid: "rust01".into(),
        request_id: "rustrq".into(),
        selector: Selector {
            rooms: vec!["joined-by-rust".into()],
            except: vec![],
        },
    };
    vec![
        (
            "ours-broadcast-room.bin",
            "socket.io#/#room1#",
            room.encode(),
        ),
        ("ours-broadcast-all.bin", "socket.io#/#", all.encode()),
        (
            "ours-sockets-join.bin",
            "socket.io-request#/#",
            join.encode().unwrap(),
        ),
        (
            "ours-fetch-sockets.bin",
            "socket.io-request#/#",
            fetch.encode().unwrap(),
        ),
    ]
}

#[test]
fn our_encoding_is_the_one_node_accepted() {
    for (file, channel, data) in ours() {
        if std::env::var_os("CLUSTER_WRITE_OURS").is_some() {
            std::fs::write(dir().join(file), &data).unwrap();
            std::fs::write(dir().join(file.replace(".bin", ".channel")), channel).unwrap();
        }
        assert_eq!(
            bytes(file),
            data,
            "{file} changed: rerun accept.mjs against node"
        );
    }
}

/// `@socket.io/redis-emitter` 5.1.0's messages (capture-emitter.mjs): broadcasts from uid
/// "emitter" (its opts keys in another order: rooms, flags, except), and requests without a
/// uid, which re-encode byte for byte.
#[test]
fn emitter_messages_decode() {
    let l = ClusterLimits::default();
    let text = std::fs::read_to_string(dir().join("emitter-index.tsv")).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let mut f = line.split('\t');
        let (file, channel) = (f.next().unwrap(), f.next().unwrap());
        let data = bytes(file);
        if channel.starts_with("socket.io-request#") {
            let r = Request::decode(&data, &l).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(r.uid(), "", "{file}");
            assert_eq!(r.encode().unwrap(), data, "{file}");
        } else {
            let m = BroadcastMessage::decode(&data, &l).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(m.uid, "emitter");
            assert!(m.packet.to_packet().is_ok());
        }
        n += 1;
    }
    assert_eq!(n, 5);
}
