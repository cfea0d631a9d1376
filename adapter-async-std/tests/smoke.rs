//! Real sockets on async-std: polling handshake + echo, WebSocket echo, shutdown,
//! backpressure.

use std::net::SocketAddr;

use adapter_async_std::ASYNC_STD;
use adapter_core::testing::{self, Connect};

#[derive(Clone)]
struct AsyncStdConnect;

impl Connect for AsyncStdConnect {
    type Io = async_std::net::TcpStream;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        async_std::net::TcpStream::connect(addr).await.unwrap()
    }
}

#[test]
fn polling_and_websocket_echo() {
    async_std::task::block_on(testing::polling_and_websocket_echo(
        ASYNC_STD,
        AsyncStdConnect,
    ));
}

#[test]
fn slow_reader_is_disconnected() {
    async_std::task::block_on(testing::slow_reader_is_disconnected(
        ASYNC_STD,
        AsyncStdConnect,
    ));
}

#[test]
fn timer_can_be_moved() {
    async_std::task::block_on(testing::timer_can_be_moved(ASYNC_STD));
}

#[test]
fn slow_headers_are_cut_off() {
    async_std::task::block_on(testing::slow_headers_are_cut_off(
        ASYNC_STD,
        AsyncStdConnect,
    ));
}

#[test]
fn burst_is_answered() {
    async_std::task::block_on(testing::burst_is_answered(ASYNC_STD, AsyncStdConnect));
}

#[test]
fn slow_bodies_are_cut_off() {
    async_std::task::block_on(testing::slow_bodies_are_cut_off(ASYNC_STD, AsyncStdConnect));
}

#[test]
fn stalled_writer_ends_after_close() {
    async_std::task::block_on(testing::stalled_writer_ends_after_close(
        ASYNC_STD,
        AsyncStdConnect,
    ));
}
