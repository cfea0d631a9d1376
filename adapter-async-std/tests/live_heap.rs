//! Sessions leave no heap behind, on async-std (real sockets, counted by `stats_alloc`).
//! Alone in its binary, so nothing else allocates meanwhile.

use std::alloc::System;
use std::net::SocketAddr;

use adapter_async_std::ASYNC_STD;
use adapter_core::testing::{self, Connect};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[derive(Clone)]
struct AsyncStdConnect;

impl Connect for AsyncStdConnect {
    type Io = async_std::net::TcpStream;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        async_std::net::TcpStream::connect(addr).await.unwrap()
    }
}

#[test]
fn sessions_leave_no_heap_behind() {
    let region = Region::new(GLOBAL);
    let live = move || {
        let c = region.change();
        c.bytes_allocated as i64 - c.bytes_deallocated as i64
    };
    async_std::task::block_on(testing::sessions_leave_no_heap_behind(
        ASYNC_STD,
        AsyncStdConnect,
        live,
    ));
}
