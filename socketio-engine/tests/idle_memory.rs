//! Engine heap per idle connected socket stays under the 2 KiB goal, measured with a counting
//! allocator (`stats_alloc`). The only test in this binary, so nothing else allocates
//! meanwhile. The full-size figures come from `cargo bench -p socketio-engine --bench memory`.
#![cfg(feature = "testing")]

use std::alloc::System;

use socketio_engine::testing::memory::idle_sockets;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn idle_socket_with_browser_headers_is_under_2_kib() {
    let region = Region::new(GLOBAL);
    let mut live = || {
        let c = region.change();
        (
            c.bytes_allocated as i64 - c.bytes_deallocated as i64,
            c.allocations as i64 - c.deallocations as i64,
        )
    };
    let f = idle_sockets(2_000, true, &mut live);
    let t = f.total();
    assert!(t.bytes < 2048.0, "{f:?}");
    // The socket is part of it, and the headers are kept (not dropped to save bytes).
    assert!(f.socket.bytes > 50.0 && f.session.bytes > 300.0, "{f:?}");
    assert!(t.allocs < 16.0, "{f:?}");
}
