//! The sharded codec against bytes captured from two live node socket.io 4.8.4 servers with
//! `@socket.io/redis-adapter` 8.3.0's `createShardedAdapter` on Debian's redis-server 7.0.15
//! (tests/fixtures/cluster/sharded-*, made by capture-sharded.mjs): every message decodes
//! to the operation it is, on the channel it came on, and re-encodes to the very same bytes.

use std::path::PathBuf;

use bytes::Bytes;
use socketio_proto::cluster::{
    ClusterLimits, Request, ResponseBody, ShardedBody, ShardedChannelKind, ShardedChannels,
    ShardedMessage, Value,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cluster")
}

fn entries() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(dir().join("sharded-index.tsv")).unwrap();
    text.lines()
        .map(|l| {
            let mut f = l.split('\t').map(str::to_owned);
            (f.next().unwrap(), f.next().unwrap(), f.next().unwrap())
        })
        .collect()
}

fn decode(file: &str) -> (Bytes, ShardedMessage) {
    let data = Bytes::from(std::fs::read(dir().join(file)).unwrap());
    let m = ShardedMessage::decode(&data, &ClusterLimits::default())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    (data, m)
}

#[test]
fn every_captured_message_decodes_and_reencodes_byte_for_byte() {
    let entries = entries();
    assert_eq!(entries.len(), 15);
    for (file, _, label) in &entries {
        let (data, m) = decode(file);
        assert_eq!(m.nsp.as_str(), "/", "{file}");
        assert_eq!(m.uid.len(), 16, "{file}: node's uid is 16 hex characters");
        assert_eq!(
            m.encode().unwrap(),
            data,
            "{file} ({label}) re-encodes differently"
        );
    }
}

#[test]
fn each_message_is_the_operation_its_step_made_on_its_channel() {
    let (_, first) = decode("sharded-broadcast-all-0.bin");
    let requester = first.uid.clone();
    let channels = ShardedChannels::new("socket.io", "/", &requester);
    for (file, channel, label) in entries() {
        let (_, m) = decode(&file);
        let kind = channels.classify(&channel);
        let from_requester = m.uid == requester;
        let ok = match (label.as_str(), &m.body) {
            (
                "broadcast-all" | "broadcast-binary" | "broadcast-except",
                ShardedBody::Broadcast(b),
            ) => kind == Some(ShardedChannelKind::Main) && b.opts.rooms.is_empty(),
            ("broadcast-room", ShardedBody::Broadcast(b)) => {
                channel == channels.room("room1")
                    && kind == Some(ShardedChannelKind::Room)
                    && b.opts.rooms.iter().map(|r| r.as_str()).eq(["room1"])
            }
            ("sockets-join", ShardedBody::Request(Request::Join { rooms, .. }))
            | ("sockets-leave", ShardedBody::Request(Request::Leave { rooms, .. })) => {
                rooms.iter().map(|r| r.as_str()).eq(["room2"])
            }
            ("disconnect-sockets", ShardedBody::Request(Request::Disconnect { close, .. })) => {
                !close
            }
            ("fetch-sockets", ShardedBody::Request(Request::Fetch { .. }))
            | (
                "server-side-emit-ack",
                ShardedBody::Request(Request::ServerSideEmit {
                    request_id: Some(_),
                    ..
                }),
            )
            | ("broadcast-ack", ShardedBody::Request(Request::BroadcastWithAck { .. })) => {
                from_requester && kind == Some(ShardedChannelKind::Main)
            }
            (
                "server-side-emit",
                ShardedBody::Request(Request::ServerSideEmit {
                    request_id: None,
                    data,
                    ..
                }),
            ) => data.first() == Some(&Value::str("ping")),
            ("fetch-sockets", ShardedBody::Response(r)) => {
                matches!(&r.body, ResponseBody::Sockets(s) if s.len() == 1)
                    && kind == Some(ShardedChannelKind::Response)
                    && !from_requester
            }
            ("server-side-emit-ack", ShardedBody::Response(r)) => {
                r.body == ResponseBody::ServerSideEmitAck(Value::str("pong-B-7"))
                    && kind == Some(ShardedChannelKind::Response)
            }
            ("broadcast-ack", ShardedBody::Response(r)) => {
                matches!(
                    r.body,
                    ResponseBody::ClientCount(1) | ResponseBody::BroadcastAck(_)
                ) && kind == Some(ShardedChannelKind::Response)
            }
            _ => false,
        };
        assert!(ok, "{file} ({label}) on {channel}: {m:?}");
    }
}

#[test]
fn a_binary_broadcast_is_messagepack_and_its_packet_takes_the_message_namespace() {
    let (data, m) = decode("sharded-broadcast-binary-0.bin");
    assert_ne!(data.first(), Some(&b'{'));
    let ShardedBody::Broadcast(b) = m.body else {
        panic!("not a broadcast")
    };
    assert_eq!(b.packet.nsp.as_str(), "/");
    assert_eq!(
        b.packet.data,
        [
            Value::str("bin"),
            Value::Bin(Bytes::from_static(&[1, 2, 3])),
            Value::F64(4.5)
        ]
    );
}
