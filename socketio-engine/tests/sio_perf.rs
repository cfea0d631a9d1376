//! Cost of a broadcast to 10 000 sockets in one room, per recipient, and engine memory per
//! idle socket. Timing is informative (printed) and asserted only loosely in release builds;
//! run with `cargo test --release -p socketio-engine --all-features --test sio_perf -- --nocapture`.
#![cfg(feature = "testing")]
#![allow(clippy::disallowed_methods)] // wall-clock timing of the test itself, not engine time

use std::time::Instant;

use socketio_engine::BroadcastTarget;
use socketio_engine::testing::sio_client::{SioHarness, json};

#[test]
fn broadcast_to_10k_in_one_room() {
    let mut h = SioHarness::new(SioHarness::config());
    let n = 10_000;
    for _ in 0..n {
        let (_, s) = h.client("/");
        h.engine.join(s, "big").unwrap();
    }
    let target = BroadcastTarget::namespace("/").to("big");
    let args = json(r#"[{"msg":"hello everyone","n":12345}]"#);
    let rounds = 20;
    let mut best = f64::MAX;
    let mut best_send = 0.0;
    for _ in 0..rounds {
        let t0 = Instant::now();
        let sent = h
            .engine
            .broadcast(h.now, &target, "news", &args, vec![])
            .unwrap();
        let t_send = t0.elapsed();
        // Draining the actions is part of the cost the driver pays per recipient.
        let mut frames = 0;
        while let Some(a) = h.engine.poll_action() {
            if matches!(a, socketio_engine::Action::SendWs { .. }) {
                frames += 1;
            }
        }
        let per = t0.elapsed().as_nanos() as f64 / n as f64;
        if per < best {
            best = per;
            best_send = t_send.as_nanos() as f64 / n as f64;
        }
        assert_eq!((sent, frames), (n, n));
    }
    println!(
        "broadcast to {n} sockets in one room: {best:.1} ns per recipient incl. draining, {best_send:.1} ns to queue (best of {rounds})"
    );
    if !cfg!(debug_assertions) {
        assert!(best < 1_000.0, "far above the 100 ns goal: {best}");
    }
}
