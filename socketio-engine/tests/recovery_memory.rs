//! Heap per kept session and per logged event of connection state recovery, measured with a
//! counting allocator (`stats_alloc`), so the sizes the limits' rustdoc quotes are checked.
//! The only test in this binary, so nothing else allocates meanwhile.
#![cfg(feature = "testing")]
#![allow(
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap
)]

use std::alloc::System;
use std::time::Duration;

use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::{BroadcastTarget, RecoveryConfig};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 2_000;

fn live(region: &Region<'_, System>) -> i64 {
    let c = region.change();
    c.bytes_allocated as i64 - c.bytes_deallocated as i64
}

/// Heap left after `N` sockets (each in one room) were connected and cut, with `recovery`.
fn after_cuts(recovery: Option<RecoveryConfig>) -> i64 {
    let region = Region::new(GLOBAL);
    let mut c = SioHarness::config();
    c.eio.max_sessions = N + 10;
    c.sio.connection_state_recovery(recovery);
    let mut h = SioHarness::new(c);
    let clients: Vec<_> = (0..N)
        .map(|_| {
            let (c, s) = h.client("/");
            h.engine.join(s, "room-of-the-socket").unwrap();
            c
        })
        .collect();
    for c in clients {
        h.close_ws(c);
    }
    h.events.clear();
    let _ = h.take_accepted();
    let bytes = live(&region);
    drop(h);
    bytes
}

#[test]
fn kept_sessions_and_logged_events_stay_small() {
    let mut r = RecoveryConfig::default();
    r.max_packets(0);
    let off = after_cuts(None);
    let on = after_cuts(Some(r));
    let per_session = (on - off) as f64 / N as f64;

    let region = Region::new(GLOBAL);
    let mut c = SioHarness::config();
    c.sio
        .connection_state_recovery(Some(RecoveryConfig::default()));
    let mut h = SioHarness::new(c);
    let base = live(&region);
    let all = BroadcastTarget::namespace("/").to("some-room");
    for n in 0..N {
        h.engine
            .broadcast(
                h.now,
                &all,
                "message",
                &args(&format!("[{n},\"hello\"]")),
                vec![],
            )
            .unwrap();
    }
    let store = h.engine.recovery_store();
    let per_event = (live(&region) - base) as f64 / N as f64;
    let counted = store.bytes as f64 / N as f64;
    println!(
        "kept session (1 room): {per_session:.0} B; logged event: {per_event:.0} B heap, \
         {counted:.0} B counted against max_bytes"
    );
    // What `RecoveryConfig::max_sessions` and `max_bytes` quote (about 750 and 300 bytes).
    assert!(per_session > 0.0 && per_session < 1000.0, "{per_session}");
    assert!(per_event < 400.0, "{per_event}");
    // The store expires on the timer table.
    h.advance(Duration::from_secs(121));
    assert_eq!(h.engine.recovery_store().packets, 0);
}
