//! Sessions leave no heap behind, on tokio (real sockets, counted by `stats_alloc`). Alone in
//! its binary, so nothing else allocates meanwhile.

use std::alloc::System;
use std::net::SocketAddr;

use adapter_core::testing::{self, Connect};
use adapter_tokio::TokioRuntime;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[derive(Clone)]
struct TokioConnect;

impl Connect for TokioConnect {
    type Io = Compat<tokio::net::TcpStream>;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        tokio::net::TcpStream::connect(addr).await.unwrap().compat()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_leave_no_heap_behind() {
    let region = Region::new(GLOBAL);
    let live = move || {
        let c = region.change();
        c.bytes_allocated as i64 - c.bytes_deallocated as i64
    };
    testing::sessions_leave_no_heap_behind(TokioRuntime::current(), TokioConnect, live).await;
}
