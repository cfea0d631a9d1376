//! [`Generation`]: which protocol generation a session speaks, and the wire form of the
//! control packets (heartbeats, noop, close) in each.
//!
//! Socket.IO 0.9 has no Engine.IO layer: its transports carry Socket.IO 0.9 packets
//! directly. It still shares this server's transport machinery (sessions, parked GETs, the
//! outbox, WebSockets, timers) because what differs is small and local: the handshake, the
//! framing of polling bodies (`encoding`), and the spelling of four control packets, all
//! translated here. Heartbeats follow the Engine.IO 4 model (the server sends one every
//! `ping_interval`, the client must answer within `ping_timeout`), which is how a 0.9 server
//! keeps the client's heartbeat timeout alive. Every other 0.9 packet goes up as a message
//! whose text the Socket.IO layer decodes.

use socketio_proto::Str;
use socketio_proto::eio::{Frame, Message, Packet, ProtocolVersion};

/// The protocol generation of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Generation {
    /// Engine.IO 4, carrying Socket.IO 5 (socket.io-client 3.x and 4.x).
    Eio4,
    /// Engine.IO 3, carrying Socket.IO 4 (socket.io-client 2.x).
    Eio3,
    /// Socket.IO 0.9 ("protocol 1"), with no Engine.IO layer (socket.io-client 0.9,
    /// gevent-socketio's clients).
    V09,
}

impl Generation {
    /// The Engine.IO version, or `None` for 0.9.
    #[must_use]
    pub const fn engine_io(self) -> Option<ProtocolVersion> {
        match self {
            Self::Eio4 => Some(ProtocolVersion::V4),
            Self::Eio3 => Some(ProtocolVersion::V3),
            Self::V09 => None,
        }
    }

    /// The Socket.IO protocol version carried, or `None` for 0.9 (its own protocol).
    #[must_use]
    pub const fn socket_io(self) -> Option<socketio_proto::sio::ProtocolVersion> {
        match self {
            Self::Eio4 => Some(socketio_proto::sio::ProtocolVersion::V5),
            Self::Eio3 => Some(socketio_proto::sio::ProtocolVersion::V4),
            Self::V09 => None,
        }
    }

    /// The version whose codec and heartbeat rules apply: 0.9 heartbeats run as Engine.IO 4's.
    pub(crate) const fn codec(self) -> ProtocolVersion {
        match self {
            Self::Eio3 => ProtocolVersion::V3,
            Self::Eio4 | Self::V09 => ProtocolVersion::V4,
        }
    }

    /// `packet` as a frame of this generation. In 0.9, a ping or pong is the heartbeat `2::`,
    /// a noop `8::`, a close `0::` (disconnect), and a text message is the 0.9 packet it
    /// holds; nothing else is ever sent to a 0.9 client.
    pub(crate) fn encode(self, packet: Packet) -> Frame {
        if self != Self::V09 {
            return packet.encode(self.codec());
        }
        Frame::Text(match packet {
            Packet::Ping(_) | Packet::Pong(_) => Str::from_static("2::"),
            Packet::Close => Str::from_static("0::"),
            Packet::Message(Message::Text(text)) => text,
            _ => Str::from_static("8::"),
        })
    }

    /// One received 0.9 packet's text as the Engine.IO packet the shared rules act on: the
    /// heartbeat as a pong, a disconnect of the whole session as close, a noop as noop, and
    /// anything else as a message for the Socket.IO layer.
    pub(crate) fn v09_inbound(text: Str) -> Packet {
        match text.as_str() {
            "2::" | "2:::" => Packet::Pong(Str::new()),
            "0::" | "0:::" => Packet::Close,
            t if t.starts_with("8:") => Packet::Noop,
            _ => Packet::Message(Message::Text(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_packets_in_0_9() {
        let g = Generation::V09;
        let text = |f: Frame| match f {
            Frame::Text(t) => t.to_string(),
            Frame::Binary(_) => panic!("0.9 is text only"),
        };
        assert_eq!(text(g.encode(Packet::Ping(Str::new()))), "2::");
        assert_eq!(text(g.encode(Packet::Noop)), "8::");
        assert_eq!(text(g.encode(Packet::Close)), "0::");
        let msg = Packet::Message(Message::Text(Str::from("5:::{\"name\":\"x\"}")));
        assert_eq!(text(g.encode(msg)), "5:::{\"name\":\"x\"}");
        assert_eq!(text(Generation::Eio4.encode(Packet::Noop)), "6");
    }

    #[test]
    fn inbound_0_9_control_packets() {
        let p = |s: &'static str| Generation::v09_inbound(Str::from_static(s));
        assert_eq!(p("2::"), Packet::Pong(Str::new()));
        assert_eq!(p("0::"), Packet::Close);
        assert_eq!(p("8::"), Packet::Noop);
        // A namespace disconnect is the Socket.IO layer's business.
        assert_eq!(
            p("0::/chat"),
            Packet::Message(Message::Text(Str::from_static("0::/chat")))
        );
    }
}
