//! Sessions leave no heap behind, on smol (real sockets, counted by `stats_alloc`). Alone in
//! its binary, so nothing else allocates meanwhile.

use std::alloc::System;
use std::net::SocketAddr;

use adapter_core::testing::{self, Connect};
use adapter_smol::SMOL;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[derive(Clone)]
struct SmolConnect;

impl Connect for SmolConnect {
    type Io = smol::net::TcpStream;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        smol::net::TcpStream::connect(addr).await.unwrap()
    }
}

#[test]
fn sessions_leave_no_heap_behind() {
    let region = Region::new(GLOBAL);
    let live = move || {
        let c = region.change();
        c.bytes_allocated as i64 - c.bytes_deallocated as i64
    };
    smol::block_on(testing::sessions_leave_no_heap_behind(
        SMOL,
        SmolConnect,
        live,
    ));
}
