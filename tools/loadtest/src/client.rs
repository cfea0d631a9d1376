//! One Socket.IO client over a WebSocket: Engine.IO v4 open, Socket.IO v5 CONNECT to "/",
//! events with acknowledgements, pings answered with pongs.
//!
//! Theory of operation: a [`Client`] is owned by one task, which alternates between sending
//! and calling [`Client::next`]. `next` reads frames until something the scenario cares about
//! arrives (an event or an ack); Engine.IO pings are answered inline (so a client answers
//! heartbeats whenever it waits for anything) and the server's CONNECT reply and "welcome"
//! event are consumed by [`Client::connect`]. Framing goes through `socketio-proto`, the same
//! codec the server under test uses, so a framing bug would show up as a protocol error here.

use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use socketio_proto::{
    Str,
    eio::{self, ProtocolVersion as EioVersion},
    sio::{self, Decoded, PacketBody, Payload, ProtocolVersion as SioVersion},
};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{Message, Utf8Bytes, protocol::WebSocketConfig},
};

/// Engine.IO protocol spoken by the clients.
const EIO: EioVersion = EioVersion::V4;
/// Socket.IO protocol spoken by the clients.
const SIO: SioVersion = SioVersion::V5;
/// The namespace every client joins.
const NSP: &str = "/";

/// Failures of one client.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    /// The TCP connection failed.
    #[error("tcp connect: {0}")]
    Tcp(#[from] std::io::Error),
    /// The WebSocket layer failed (handshake, read or write).
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
    /// The server sent something this client does not understand, or in the wrong order.
    #[error("protocol: {0}")]
    Protocol(String),
    /// The server refused the namespace connection.
    #[error("connect refused: {0}")]
    Refused(String),
    /// The connection closed.
    #[error("connection closed by the server")]
    Closed,
}

/// Something the server sent that a scenario may care about.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// An event: its `[name, ...args]` payload.
    Event(Payload),
    /// An acknowledgement of the event with this id.
    Ack {
        /// The id given to the event.
        id: u64,
        /// The ack's arguments (a JSON array).
        data: Payload,
    },
}

/// A connected Socket.IO client on namespace "/".
pub(crate) struct Client {
    ws: WebSocketStream<TcpStream>,
    next_id: u64,
}

fn protocol(what: impl std::fmt::Display) -> ClientError {
    ClientError::Protocol(what.to_string())
}

/// Builds the WebSocket frame text for one Socket.IO packet (Engine.IO "4" prefix included).
pub(crate) fn frame_text(packet: &sio::Packet) -> Result<Utf8Bytes, ClientError> {
    let frame = eio::text_message_frame(|buf| {
        // Attachments are never produced here: the load scenarios send JSON only.
        let _ = packet.encode_into(SIO, buf);
    })
    .map_err(protocol)?;
    match frame {
        eio::Frame::Text(s) => Utf8Bytes::try_from(s.into_bytes()).map_err(protocol),
        eio::Frame::Binary(_) => Err(protocol("text packet encoded as binary")),
    }
}

impl Client {
    /// Connects to `127.0.0.1:port`, opens an Engine.IO session over WebSocket and joins "/".
    /// Returns once the server's CONNECT reply arrived.
    /// `source` is the local address to connect from (127.0.0.x), so more clients than one
    /// address has ephemeral ports can reach one server port.
    pub(crate) async fn connect(port: u16, source: Ipv4Addr) -> Result<Self, ClientError> {
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from((source, 0)))?;
        let tcp = socket
            .connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await?;
        // Small request/response frames: never wait for Nagle.
        tcp.set_nodelay(true)?;
        let url = format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
        // Small buffers: 10 000 idle clients in one process should not cost 1 GiB.
        let config = WebSocketConfig::default()
            .read_buffer_size(4 * 1024)
            .write_buffer_size(0);
        let (ws, _response) =
            tokio_tungstenite::client_async_with_config(url, tcp, Some(config)).await?;
        let mut client = Self { ws, next_id: 0 };
        client.open().await?;
        Ok(client)
    }

    async fn open(&mut self) -> Result<(), ClientError> {
        // 1. Engine.IO open packet.
        match self.read_eio().await? {
            eio::Packet::Open(json) => {
                eio::Handshake::parse(&json).map_err(protocol)?;
            }
            other => return Err(protocol(format_args!("expected open, got {other:?}"))),
        }
        // 2. Socket.IO CONNECT to "/" and its reply (the "welcome" event may follow; it is
        // skipped by `next` like any event the scenario does not look at).
        let text = frame_text(&sio::Packet::connect(NSP, None))?;
        self.ws.send(Message::Text(text)).await?;
        loop {
            let Some(packet) = self.read_sio().await? else {
                continue;
            };
            match packet.body {
                PacketBody::Connect { .. } => return Ok(()),
                PacketBody::ConnectError(p) | PacketBody::Error(p) => {
                    return Err(ClientError::Refused(p.as_str().to_owned()));
                }
                _ => return Err(protocol("packet before the CONNECT reply")),
            }
        }
    }

    /// Reads frames until an Engine.IO packet other than ping arrives; pings get their pong.
    async fn read_eio(&mut self) -> Result<eio::Packet, ClientError> {
        loop {
            let msg = self.ws.next().await.ok_or(ClientError::Closed)??;
            let text = match msg {
                Message::Text(t) => t,
                Message::Close(_) => return Err(ClientError::Closed),
                // Binary attachments are not used by the load scenarios; WebSocket pings are
                // answered by tungstenite itself.
                _ => continue,
            };
            let text = Str::from_utf8(Bytes::from(text)).map_err(protocol)?;
            match eio::Packet::decode_text(EIO, text).map_err(protocol)? {
                eio::Packet::Ping(data) => {
                    let eio::Frame::Text(pong) = eio::Packet::Pong(data).encode(EIO) else {
                        return Err(protocol("pong encoded as binary"));
                    };
                    let pong = Utf8Bytes::try_from(pong.into_bytes()).map_err(protocol)?;
                    self.ws.send(Message::Text(pong)).await?;
                }
                eio::Packet::Close => return Err(ClientError::Closed),
                eio::Packet::Noop => {}
                other => return Ok(other),
            }
        }
    }

    /// Reads the next Socket.IO packet; `None` for an Engine.IO packet that carries none.
    async fn read_sio(&mut self) -> Result<Option<sio::Packet>, ClientError> {
        match self.read_eio().await? {
            eio::Packet::Message(eio::Message::Text(text)) => {
                match sio::Packet::decode(SIO, text).map_err(protocol)? {
                    Decoded::Complete(p) => Ok(Some(p)),
                    Decoded::NeedsAttachments { .. } => Err(protocol(
                        "binary packets are not used by the load scenarios",
                    )),
                }
            }
            _ => Ok(None),
        }
    }

    /// Waits for the next event or ack on "/", answering pings meanwhile.
    pub(crate) async fn next(&mut self) -> Result<Incoming, ClientError> {
        loop {
            let Some(packet) = self.read_sio().await? else {
                continue;
            };
            match packet.body {
                PacketBody::Event { data, .. } => return Ok(Incoming::Event(data.into())),
                PacketBody::Ack { id, data, .. } => {
                    return Ok(Incoming::Ack {
                        id,
                        data: data.into(),
                    });
                }
                PacketBody::Disconnect => return Err(ClientError::Closed),
                _ => {}
            }
        }
    }

    /// Sends a pre-encoded packet frame (see [`frame_text`]).
    pub(crate) async fn send_frame(&mut self, text: Utf8Bytes) -> Result<(), ClientError> {
        self.ws.send(Message::Text(text)).await?;
        Ok(())
    }

    /// Emits `name` with `args` (a JSON array of arguments) asking for an ack; returns the
    /// ack id to wait for.
    pub(crate) async fn emit_with_ack(
        &mut self,
        name: &str,
        args: &sio::Args,
    ) -> Result<u64, ClientError> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1) % sio::MAX_ACK_ID;
        let packet = sio::Packet::event(NSP, name, args, Vec::new(), Some(id))
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.send_frame(frame_text(&packet)?).await?;
        Ok(id)
    }

    /// Closes the WebSocket politely (close frame), without waiting long for the reply.
    pub(crate) async fn close(mut self) {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), self.ws.close(None)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_frame_is_engine_io_message_of_socket_io_event() {
        let args = sio::Args::new(&("hi", 1)).unwrap();
        let packet = sio::Packet::event(NSP, "echo-ack", &args, Vec::new(), Some(7)).unwrap();
        assert_eq!(
            frame_text(&packet).unwrap().as_str(),
            r#"427["echo-ack","hi",1]"#
        );
        assert_eq!(
            frame_text(&sio::Packet::connect(NSP, None))
                .unwrap()
                .as_str(),
            "40"
        );
    }
}
