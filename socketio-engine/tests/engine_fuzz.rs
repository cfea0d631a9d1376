//! The engine state-machine fuzz body (`testing::fuzz::run`, also the cargo-fuzz target
//! `engine_ops`) on random byte strings, so a plain `cargo test` exercises it; plus the
//! inputs that once broke an invariant, kept as regressions.
#![cfg(feature = "testing")]

use proptest::prelude::*;
use socketio_engine::testing::fuzz::{Summary, run, run_recovering, run_with_summary};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_operation_sequences_keep_every_invariant(
        data in proptest::collection::vec(any::<u8>(), 0..600)
    ) {
        run(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// The same with connection state recovery on: clients come back with the last pid and
    /// offset, and the store stays within its limits and empties by the end.
    #[test]
    fn random_operation_sequences_with_recovery_keep_every_invariant(
        data in proptest::collection::vec(any::<u8>(), 0..600)
    ) {
        run_recovering(&data);
    }
}

/// Random inputs with recovery on do restore sockets (or the property above proves little).
#[test]
fn random_inputs_with_recovery_reach_recoveries() {
    let mut recoveries = 0;
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..200 {
        let data: Vec<u8> = (0..600)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng as u8
            })
            .collect();
        recoveries += run_recovering(&data).recoveries;
    }
    println!("recoveries: {recoveries}");
    assert!(recoveries > 5, "{recoveries}");
}

/// Random inputs must reach deep states, or the property above proves little.
#[test]
fn random_inputs_reach_sockets_events_acks_and_disconnects() {
    let mut total = Summary::default();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..200 {
        let data: Vec<u8> = (0..600)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng as u8
            })
            .collect();
        let s = run_with_summary(&data);
        total.sessions += s.sessions;
        total.v09_sessions += s.v09_sessions;
        total.jsonp_sessions += s.jsonp_sessions;
        total.sockets += s.sockets;
        total.messages += s.messages;
        total.acks_settled += s.acks_settled;
        total.disconnects += s.disconnects;
    }
    println!("{total:?}");
    assert!(total.sessions > 100, "{total:?}");
    assert!(total.v09_sessions > 10, "{total:?}");
    assert!(total.jsonp_sessions > 5, "{total:?}");
    assert!(total.sockets > 20, "{total:?}");
    assert!(total.messages > 10, "{total:?}");
    assert!(total.acks_settled > 10, "{total:?}");
    assert!(total.disconnects > 20, "{total:?}");
}

/// A 0.9 JSONP handshake, then a WebSocket for that session: found by `engine_ops` when 0.9
/// clients joined the fuzzer.
#[test]
fn v09_websocket_after_jsonp_handshake() {
    let data = [90, 126, 0, 255, 8, 255, 255, 255];
    println!("{}", socketio_engine::testing::fuzz::describe(&data));
    run(&data);
}
