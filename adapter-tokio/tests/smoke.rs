//! Real sockets on tokio: polling handshake + echo, WebSocket echo, shutdown, backpressure.

use std::net::SocketAddr;

use adapter_core::testing::{self, Connect};
use adapter_tokio::TokioRuntime;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

#[derive(Clone)]
struct TokioConnect;

impl Connect for TokioConnect {
    type Io = Compat<tokio::net::TcpStream>;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        tokio::net::TcpStream::connect(addr).await.unwrap().compat()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_and_websocket_echo() {
    testing::polling_and_websocket_echo(TokioRuntime::current(), TokioConnect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_reader_is_disconnected() {
    testing::slow_reader_is_disconnected(TokioRuntime::current(), TokioConnect).await;
}

#[tokio::test]
async fn timer_can_be_moved() {
    testing::timer_can_be_moved(TokioRuntime::current()).await;
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    testing::slow_headers_are_cut_off(TokioRuntime::current(), TokioConnect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_is_answered() {
    testing::burst_is_answered(TokioRuntime::current(), TokioConnect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_are_cut_off() {
    testing::slow_bodies_are_cut_off(TokioRuntime::current(), TokioConnect).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_writer_ends_after_close() {
    testing::stalled_writer_ends_after_close(TokioRuntime::current(), TokioConnect).await;
}
