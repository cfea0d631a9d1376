//! Engine heap memory per idle connected socket, measured (not estimated) with a counting
//! allocator from the `stats_alloc` crate (its `GlobalAlloc` impl lives there: our crates
//! forbid `unsafe`). The scenario is `socketio_engine::testing::memory::idle_sockets`:
//! 10 000 WebSocket sessions, each connected to "/" and idle. Goal: < 2 KiB per socket.
//!
//! Run: `cargo bench -p socketio-engine --bench memory`.

use std::alloc::System;

use socketio_engine::testing::memory::idle_sockets;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Sessions measured.
const N: usize = 10_000;

fn main() {
    let region = Region::new(GLOBAL);
    let mut live = || {
        let c = region.change();
        (
            c.bytes_allocated as i64 - c.bytes_deallocated as i64,
            c.allocations as i64 - c.deallocations as i64,
        )
    };
    println!("engine heap per idle WebSocket socket connected to \"/\" ({N} sessions)");
    println!(
        "{:<20} {:>14} {:>13} {:>9} {:>12}",
        "handshake headers", "eio session B", "sio socket B", "total B", "live allocs"
    );
    for (label, headers) in [("8 (browser-like)", true), ("2 (upgrade only)", false)] {
        let f = idle_sockets(N, headers, &mut live);
        let t = f.total();
        println!(
            "{label:<20} {:>14.0} {:>13.0} {:>9.0} {:>12.1}",
            f.session.bytes, f.socket.bytes, t.bytes, t.allocs
        );
        assert!(t.bytes < 2048.0, "over the 2 KiB goal: {t:?}");
    }
}
