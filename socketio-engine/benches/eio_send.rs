//! The broadcast send path: one encoded frame, cloned to many WebSocket and polling
//! sessions, then drained as actions. Target: well under 100 ns per recipient.

use socketio_engine::Sid;
use socketio_engine::eio::{EioConfig, Frame};
use socketio_engine::testing::{FakeClient, Harness};
use socketio_proto::Str;

fn main() {
    divan::main();
}

fn harness(n: usize, websocket: bool) -> (Harness, Vec<Sid>) {
    let mut h = Harness::with_config(EioConfig {
        rng_seed: Some([1; 32]),
        max_outbox_bytes: usize::MAX,
        ..EioConfig::default()
    });
    let sids = (0..n)
        .map(|_| {
            if websocket {
                FakeClient::connect_websocket(&mut h, "/engine.io/").sid
            } else {
                FakeClient::connect_polling(&mut h, "/engine.io/").sid
            }
        })
        .collect();
    h.take_events();
    (h, sids)
}

/// Send to 1000 WebSocket sessions and drain the 1000 `SendWs` actions.
#[divan::bench(sample_count = 20)]
fn broadcast_1000_websocket(b: divan::Bencher<'_, '_>) {
    let (mut h, sids) = harness(1000, true);
    let frame = Frame::Text(Str::from("42[\"news\",{\"a\":1}]"));
    b.counter(divan::counter::ItemsCount::new(sids.len()))
        .bench_local(|| {
            for &sid in &sids {
                let _ = h.server.send(h.now, sid, frame.clone());
            }
            while let Some(a) = h.server.poll_action() {
                let _ = divan::black_box(a);
            }
        });
}

/// Queue to 1000 polling sessions (no GET parked: the frame waits in the outbox).
#[divan::bench(sample_count = 20)]
fn broadcast_1000_polling_queue(b: divan::Bencher<'_, '_>) {
    let (mut h, sids) = harness(1000, false);
    let frame = Frame::Text(Str::from("42[\"news\",{\"a\":1}]"));
    b.counter(divan::counter::ItemsCount::new(sids.len()))
        .bench_local(|| {
            for &sid in &sids {
                let _ = h.server.send(h.now, sid, frame.clone());
            }
        });
}
