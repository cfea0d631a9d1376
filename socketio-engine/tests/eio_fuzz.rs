//! State-machine property test: random operation sequences from several clients, checking
//! the driver-side invariants (the harness asserts on every action that each request is
//! answered at most once and no action names a closed connection) and that a final
//! `close_all` leaves nothing behind: every request answered or aborted, no timers.

use std::collections::HashSet;
use std::time::Duration;

use bytes::Bytes;
use proptest::prelude::*;
use socketio_engine::eio::{EioConfig, Packet};
use socketio_engine::testing::{FakeClient, Harness, text};
use socketio_engine::{RequestId, WsMessage};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

#[derive(Debug, Clone)]
enum Op {
    ConnectPolling,
    ConnectWs,
    Get(usize),
    Post(usize, u8),
    PostGarbage(usize),
    Abort(usize),
    Send(usize, u8),
    Probe(usize),
    Ws(usize, u8),
    WsGarbage(usize),
    WsClose(usize),
    Close(usize),
    Advance(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::ConnectPolling),
        1 => Just(Op::ConnectWs),
        4 => any::<usize>().prop_map(Op::Get),
        3 => (any::<usize>(), any::<u8>()).prop_map(|(c, p)| Op::Post(c, p)),
        1 => any::<usize>().prop_map(Op::PostGarbage),
        2 => any::<usize>().prop_map(Op::Abort),
        4 => (any::<usize>(), any::<u8>()).prop_map(|(c, n)| Op::Send(c, n)),
        2 => any::<usize>().prop_map(Op::Probe),
        3 => (any::<usize>(), any::<u8>()).prop_map(|(c, p)| Op::Ws(c, p)),
        1 => any::<usize>().prop_map(Op::WsGarbage),
        1 => any::<usize>().prop_map(Op::WsClose),
        1 => any::<usize>().prop_map(Op::Close),
        3 => (0u16..30_000).prop_map(Op::Advance),
    ]
}

fn client_packet(n: u8) -> Packet {
    match n % 6 {
        0 => Packet::Pong(Str::new()),
        1 => Packet::Ping(Str::from_static("probe")),
        2 => Packet::Upgrade,
        3 => Packet::Close,
        4 => Packet::Message(socketio_proto::eio::Message::Binary(Bytes::from_static(&[
            1,
        ]))),
        _ => text("m"),
    }
}

fn run(ops: Vec<Op>) {
    let mut h = Harness::with_config(EioConfig {
        rng_seed: Some([3; 32]),
        max_outbox_bytes: 64,
        ..EioConfig::default()
    });
    let mut clients: Vec<FakeClient> = Vec::new();
    let mut issued: Vec<RequestId> = Vec::new();
    let mut aborted: HashSet<RequestId> = HashSet::new();
    let pick = |clients: &Vec<FakeClient>, i: usize| clients.get(i % clients.len().max(1)).cloned();
    for op in ops {
        match op {
            Op::ConnectPolling => clients.push(FakeClient::connect_polling(&mut h, "/engine.io/")),
            Op::ConnectWs => clients.push(FakeClient::connect_websocket(&mut h, "/engine.io/")),
            Op::Get(i) => {
                if let Some(c) = pick(&clients, i) {
                    issued.push(c.get(&mut h));
                }
            }
            Op::Post(i, p) => {
                if let Some(c) = pick(&clients, i) {
                    let _ = c.post(&mut h, &[client_packet(p)]);
                }
            }
            Op::PostGarbage(i) => {
                if let Some(c) = pick(&clients, i) {
                    let _ = c.post_raw(&mut h, Bytes::from_static(b"\x1e\x1e9"));
                }
            }
            Op::Abort(i) => {
                if let Some(&req) = issued.get(i % issued.len().max(1)) {
                    aborted.insert(req);
                    h.abort(req);
                }
            }
            Op::Send(i, n) => {
                if let Some(c) = pick(&clients, i) {
                    let frame =
                        Frame::Text(Str::from(format!("4{}", "x".repeat(usize::from(n % 40)))));
                    let _ = h.server.send(h.now, c.sid, frame);
                    h.drive();
                }
            }
            Op::Probe(i) => {
                if let Some(idx) = (!clients.is_empty()).then(|| i % clients.len()) {
                    let req = clients[idx].open_probe(&mut h);
                    issued.push(req);
                }
            }
            Op::Ws(i, p) => {
                if let Some(c) = pick(&clients, i).filter(|c| c.conn.is_some()) {
                    c.ws_send(&mut h, &client_packet(p));
                }
            }
            Op::WsGarbage(i) => {
                if let Some(conn) = pick(&clients, i).and_then(|c| c.conn) {
                    h.ws_message(conn, WsMessage::Binary(Bytes::new()));
                    h.ws_message(conn, WsMessage::Text(Str::from("x")));
                }
            }
            Op::WsClose(i) => {
                if let Some(conn) = pick(&clients, i).and_then(|c| c.conn)
                    && !h.is_closed(conn)
                {
                    h.ws_closed(conn);
                }
            }
            Op::Close(i) => {
                if let Some(c) = pick(&clients, i) {
                    h.server.close(h.now, c.sid);
                    h.drive();
                }
            }
            Op::Advance(ms) => h.advance(Duration::from_millis(u64::from(ms))),
        }
    }
    h.server.close_all(h.now);
    h.drive();
    h.advance(Duration::from_secs(31));
    assert_eq!(h.server.session_count(), 0);
    assert_eq!(h.server.poll_timeout(), None);
    for req in issued {
        assert!(
            h.is_answered(req) || aborted.contains(&req),
            "{req:?} was never answered"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_operations_keep_the_invariants(ops in proptest::collection::vec(op(), 1..60)) {
        run(ops);
    }
}
