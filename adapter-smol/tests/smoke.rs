//! Real sockets on smol: polling handshake + echo, WebSocket echo, shutdown, backpressure,
//! slowloris.

use std::net::SocketAddr;

use adapter_core::testing::{self, Connect};
use adapter_smol::SMOL;

#[derive(Clone)]
struct SmolConnect;

impl Connect for SmolConnect {
    type Io = smol::net::TcpStream;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        smol::net::TcpStream::connect(addr).await.unwrap()
    }
}

#[test]
fn polling_and_websocket_echo() {
    smol::block_on(testing::polling_and_websocket_echo(SMOL, SmolConnect));
}

#[test]
fn slow_reader_is_disconnected() {
    smol::block_on(testing::slow_reader_is_disconnected(SMOL, SmolConnect));
}

#[test]
fn timer_can_be_moved() {
    smol::block_on(testing::timer_can_be_moved(SMOL));
}

#[test]
fn slow_headers_are_cut_off() {
    smol::block_on(testing::slow_headers_are_cut_off(SMOL, SmolConnect));
}

#[test]
fn burst_is_answered() {
    smol::block_on(testing::burst_is_answered(SMOL, SmolConnect));
}

#[test]
fn slow_bodies_are_cut_off() {
    smol::block_on(testing::slow_bodies_are_cut_off(SMOL, SmolConnect));
}

#[test]
fn stalled_writer_ends_after_close() {
    smol::block_on(testing::stalled_writer_ends_after_close(SMOL, SmolConnect));
}
