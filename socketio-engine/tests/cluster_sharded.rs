//! The sharded cluster mode (node's `createShardedAdapter`) through the full Engine, on the
//! virtual clock: which shard channels are subscribed and when (per room in the dynamic
//! mode), where each message is published, and node's captured messages
//! (socketio-proto/tests/fixtures/cluster/sharded-*) handled as node's servers do.
#![cfg(feature = "testing")]

use bytes::Bytes;
use socketio_engine::testing::sio_client::{SioClient, SioHarness, args};
use socketio_engine::{
    BroadcastTarget, ClusterAction, ClusterConfig, ClusterEvent, ClusterMode, EngineConfig, Event,
    ShardedSubscription, SocketId,
};
use socketio_proto::cluster::{ClusterLimits, ShardedBody, ShardedMessage};

const NODE: &str = "260fc2a65dc140ea";

fn config(uid: &str, seed: u8, subscription: ShardedSubscription) -> EngineConfig {
    let mut c = SioHarness::config();
    c.sio.rng_seed([seed; 32]);
    c.cluster = Some(ClusterConfig {
        uid: Some(uid.to_owned()),
        mode: ClusterMode::Sharded(subscription),
        ..ClusterConfig::default()
    });
    c
}

fn server(uid: &str, seed: u8) -> SioHarness {
    let mut h = SioHarness::new(config(uid, seed, ShardedSubscription::Dynamic));
    h.drive();
    h
}

fn client(h: &mut SioHarness) -> (SioClient, SocketId) {
    h.client("/")
}

/// The cluster actions of `h` since the last call.
fn actions(h: &mut SioHarness) -> Vec<ClusterAction> {
    h.drive();
    h.cluster.drain(..).collect()
}

fn published(h: &mut SioHarness) -> Vec<(String, Bytes)> {
    actions(h)
        .into_iter()
        .filter_map(|a| match a {
            ClusterAction::ShardPublish { channel, payload } => Some((channel, payload)),
            _ => None,
        })
        .collect()
}

fn relay(msgs: &[(String, Bytes)], to: &mut [&mut SioHarness]) {
    for (channel, payload) in msgs {
        for h in to.iter_mut() {
            h.engine
                .handle_cluster_message(h.now, channel, payload.clone());
            h.drive();
        }
    }
}

fn fixture(name: &str) -> Bytes {
    let path = format!(
        "{}/../socketio-proto/tests/fixtures/cluster/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    Bytes::from(std::fs::read(path).unwrap())
}

fn decode(b: &Bytes) -> ShardedMessage {
    ShardedMessage::decode(b, &ClusterLimits::default()).unwrap()
}

fn sub(channels: &[&str]) -> ClusterAction {
    ClusterAction::ShardSubscribe {
        channels: channels.iter().map(|c| (*c).to_owned()).collect(),
    }
}

#[test]
fn a_namespace_subscribes_its_channel_and_its_own_response_channel() {
    let mut h = SioHarness::new(config("aaaaaaaaaaaaaaaa", 2, ShardedSubscription::Static));
    assert_eq!(
        actions(&mut h),
        [sub(&["socket.io#/#", "socket.io#/#aaaaaaaaaaaaaaaa#"])]
    );
    let (_, s) = client(&mut h);
    h.engine.join(s, "red").unwrap();
    assert!(actions(&mut h).is_empty(), "static: no room channels");
}

#[test]
fn dynamic_mode_subscribes_a_room_while_it_exists_here() {
    let mut h = server("aaaaaaaaaaaaaaaa", 2);
    actions(&mut h);
    let (_, s1) = client(&mut h);
    let (_, s2) = client(&mut h);
    h.engine.join(s1, "red").unwrap();
    h.engine.join(s2, "red").unwrap();
    assert_eq!(
        actions(&mut h),
        [sub(&["socket.io#/#red#"])],
        "once per room"
    );
    h.engine.leave(s1, "red").unwrap();
    assert!(actions(&mut h).is_empty(), "still one member");
    h.engine.disconnect(h.now, s2).unwrap();
    assert_eq!(
        actions(&mut h),
        [ClusterAction::ShardUnsubscribe {
            channels: vec!["socket.io#/#red#".into()]
        }]
    );
}

#[test]
fn a_broadcast_to_one_room_goes_to_its_channel_and_the_rest_to_the_namespace() {
    let mut a = server("aaaaaaaaaaaaaaaa", 2);
    let mut b = server("bbbbbbbbbbbbbbbb", 3);
    let (_, sa) = client(&mut a);
    let (cb, sb) = client(&mut b);
    b.engine.join(sb, "red").unwrap();
    actions(&mut a);
    actions(&mut b);
    let nsp = BroadcastTarget::namespace("/");
    let send = |a: &mut SioHarness, t: &BroadcastTarget| {
        a.engine
            .broadcast(a.now, t, "e", &args("[1]"), vec![])
            .unwrap();
        published(a)
    };
    let red = send(&mut a, &nsp.clone().to("red"));
    assert_eq!(red.len(), 1);
    assert_eq!(red[0].0, "socket.io#/#red#");
    let two = send(&mut a, &nsp.clone().to("red").to("blue"));
    assert_eq!(two[0].0, "socket.io#/#");
    // A 20-character room looks like a socket id to node: the namespace channel.
    let sid = a.engine.socket_name(sa).unwrap();
    let one_socket = send(&mut a, &nsp.clone().to(sid.as_str()));
    assert_eq!(one_socket[0].0, "socket.io#/#");
    let all = send(&mut a, &nsp);
    relay(&[red, all].concat(), &mut [&mut a, &mut b]);
    assert_eq!(b.take(cb), [r#"2["e",1]"#, r#"2["e",1]"#]);
}

#[test]
fn node_broadcasts_and_requests_are_handled_and_answered_on_the_requesters_channel() {
    let mut b = server("bbbbbbbbbbbbbbbb", 3);
    let (cb, sb) = client(&mut b);
    b.engine.join(sb, "room1").unwrap();
    actions(&mut b);
    for (file, channel) in [
        ("sharded-broadcast-all-0.bin", "socket.io#/#"),
        ("sharded-broadcast-room-0.bin", "socket.io#/#room1#"),
        ("sharded-broadcast-except-0.bin", "socket.io#/#"),
        ("sharded-broadcast-binary-0.bin", "socket.io#/#"),
    ] {
        b.engine
            .handle_cluster_message(b.now, channel, fixture(file));
    }
    b.drive();
    let got = b.take(cb);
    // All, room1 and the binary one (with its attachment); not the except.
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], r#"2["hello",1,"two",{"three":3}]"#);
    assert_eq!(got[1], r#"2["inroom","x"]"#);
    assert_eq!(got[2], r#"51-["bin",{"_placeholder":true,"num":0},4.5]"#);
    assert_eq!(got[3], "<bin 3>");
    b.engine.handle_cluster_message(
        b.now,
        "socket.io#/#",
        fixture("sharded-fetch-sockets-0.bin"),
    );
    let answers = published(&mut b);
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].0, format!("socket.io#/#{NODE}#"));
    let m = decode(&answers[0].1);
    assert_eq!(m.uid.as_str(), "bbbbbbbbbbbbbbbb");
    assert!(matches!(m.body, ShardedBody::Response(_)));
    // A server-side emit with an ack: the application answers, the answer goes to node.
    b.engine.handle_cluster_message(
        b.now,
        "socket.io#/#",
        fixture("sharded-server-side-emit-ack-0.bin"),
    );
    b.drive();
    let Some(Event::Cluster(ClusterEvent::ServerSideEmit { event, ack, .. })) = b.event() else {
        panic!("no server-side emit");
    };
    assert_eq!(event.as_str(), "ask");
    b.engine
        .cluster_server_side_ack(b.now, *ack.unwrap(), &serde_json::json!("pong"))
        .unwrap();
    let answers = published(&mut b);
    assert_eq!(answers[0].0, format!("socket.io#/#{NODE}#"));
    assert_eq!(b.engine.cluster_dropped(), 0);
}

#[test]
fn a_response_to_us_ends_our_request_and_all_rooms_asks_nobody() {
    let mut a = server("aaaaaaaaaaaaaaaa", 2);
    let mut b = server("bbbbbbbbbbbbbbbb", 3);
    let (_, sb) = client(&mut b);
    b.engine.join(sb, "red").unwrap();
    actions(&mut a);
    actions(&mut b);
    a.engine.set_cluster_server_count(2);
    a.engine
        .cluster_fetch_sockets(a.now, &BroadcastTarget::namespace("/"))
        .unwrap();
    let asked = published(&mut a);
    assert_eq!(asked[0].0, "socket.io#/#");
    relay(&asked, &mut [&mut a, &mut b]);
    let answers = published(&mut b);
    assert_eq!(answers[0].0, "socket.io#/#aaaaaaaaaaaaaaaa#");
    relay(&answers, &mut [&mut a]);
    assert!(matches!(
        a.event(),
        Some(Event::Cluster(ClusterEvent::FetchSockets { result: Ok(s), .. })) if s.len() == 1
    ));
    a.engine.cluster_all_rooms(a.now, "/").unwrap();
    assert!(
        published(&mut a).is_empty(),
        "node's sharded allRooms is local"
    );
    assert!(matches!(
        a.event(),
        Some(Event::Cluster(ClusterEvent::AllRooms { result: Ok(r), .. })) if r.is_empty()
    ));
}

#[test]
fn junk_and_other_namespaces_on_shard_channels_are_dropped() {
    let mut b = server("bbbbbbbbbbbbbbbb", 3);
    let (cb, _) = client(&mut b);
    actions(&mut b);
    let other_nsp = Bytes::from_static(
        br#"{"type":3,"data":{"packet":{"type":2,"data":["x"]},"opts":{"rooms":[],"except":[],"flags":{}}},"uid":"n","nsp":"/chat"}"#,
    );
    for payload in [
        Bytes::from_static(b"{"),
        Bytes::from_static(b"\xc1"),
        other_nsp,
    ] {
        b.engine
            .handle_cluster_message(b.now, "socket.io#/#", payload);
    }
    b.drive();
    assert!(b.take(cb).is_empty());
    assert_eq!(b.engine.cluster_dropped(), 3);
    assert!(!b.is_closed(cb));
}
