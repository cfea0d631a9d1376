//! One Engine.IO packet: its decoded form and the single-frame wire encoding.
//!
//! Text frames are `<type digit><data>`. Binary frames carry only messages: in v4 the frame
//! is the message bytes as they are; in v3 it starts with the raw type byte `0x04`. A text
//! packet starting with `b` is a binary message in base64 (`b<base64>` in v4,
//! `b4<base64>` in v3), the form binary takes inside text polling bodies; the reference parser
//! accepts it in any text packet, and so does this one.

use bytes::{BufMut, Bytes, BytesMut};

use super::decode::{decode_binary_in, decode_text_in};
use super::{DecodeError, Frame, PacketType, ProtocolVersion};
use crate::Str;

/// One decoded Engine.IO packet. Text and binary data are slices of the received buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// The server's handshake: JSON text, see [`Handshake`](super::Handshake).
    Open(Str),
    /// The transport can be closed.
    Close,
    /// Heartbeat or upgrade probe; the data is usually empty, or `probe`.
    Ping(Str),
    /// Answer to a ping, echoing its data.
    Pong(Str),
    /// Application data.
    Message(Message),
    /// The client completes a transport upgrade.
    Upgrade,
    /// Nothing; ends a pending poll during an upgrade.
    Noop,
}

/// The data of a message packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message.
    Text(Str),
    /// A binary message.
    Binary(Bytes),
}

impl Packet {
    /// The packet's type.
    #[must_use]
    pub const fn packet_type(&self) -> PacketType {
        match self {
            Self::Open(_) => PacketType::Open,
            Self::Close => PacketType::Close,
            Self::Ping(_) => PacketType::Ping,
            Self::Pong(_) => PacketType::Pong,
            Self::Message(_) => PacketType::Message,
            Self::Upgrade => PacketType::Upgrade,
            Self::Noop => PacketType::Noop,
        }
    }

    /// Encodes the packet as the WebSocket frame for protocol `v`.
    ///
    /// A v4 binary message is the frame itself (no copy); a v3 one is copied once behind its
    /// `0x04` type byte. Everything else is one text frame built in a single allocation.
    #[must_use]
    pub fn encode(&self, v: ProtocolVersion) -> Frame {
        let text = |data: &str| {
            let mut s = String::with_capacity(data.len().saturating_add(1));
            s.push(char::from(self.packet_type().digit()));
            s.push_str(data);
            Frame::Text(Str::from(s))
        };
        match self {
            Self::Open(data) | Self::Ping(data) | Self::Pong(data) => text(data),
            Self::Message(Message::Text(data)) => text(data),
            Self::Close | Self::Upgrade | Self::Noop => text(""),
            Self::Message(Message::Binary(data)) => super::binary_message_frame(v, data.clone()),
        }
    }

    /// Decodes a text frame (or one text packet of a payload).
    ///
    /// # Errors
    /// [`DecodeError::Empty`] for no bytes, [`DecodeError::UnknownPacketType`] when the first
    /// character is not a type digit (nor `b`), [`DecodeError::TrailingData`] when close,
    /// upgrade or noop carry data, and the base64 errors for a `b` packet.
    pub fn decode_text(v: ProtocolVersion, text: Str) -> Result<Self, DecodeError> {
        let bytes = text.into_bytes();
        decode_text_in(v, &bytes, 0, bytes.len())
    }

    /// Decodes a binary frame. In v4 any bytes (even none) are a binary message; in v3 the
    /// first byte is the packet type and must be `0x04` (message).
    ///
    /// # Errors
    /// v3 only: [`DecodeError::Empty`], [`DecodeError::UnknownPacketType`], or
    /// [`DecodeError::BinaryNotAllowed`] for a known type other than message.
    pub fn decode_binary(v: ProtocolVersion, data: Bytes) -> Result<Self, DecodeError> {
        match v {
            ProtocolVersion::V4 => Ok(Self::Message(Message::Binary(data))),
            ProtocolVersion::V3 => decode_binary_in(&data, 0, data.len()),
        }
    }

    /// Decodes a frame of either kind.
    ///
    /// # Errors
    /// As [`Packet::decode_text`] or [`Packet::decode_binary`].
    pub fn decode_frame(v: ProtocolVersion, frame: Frame) -> Result<Self, DecodeError> {
        match frame {
            Frame::Text(text) => Self::decode_text(v, text),
            Frame::Binary(data) => Self::decode_binary(v, data),
        }
    }
}

/// Appends the v3 binary frame for a message: the raw type byte, then the data.
pub(super) fn put_v3_binary(out: &mut BytesMut, data: &[u8]) {
    out.put_u8(PacketType::Message.id());
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProtocolVersion::{V3, V4};

    fn text(s: &str) -> Str {
        Str::from(s)
    }

    fn both(f: impl Fn(ProtocolVersion)) {
        f(V3);
        f(V4);
    }

    // Examples from the engine.io-protocol README (revisions 3 and 4), both directions.
    #[test]
    fn readme_text_examples() {
        both(|v| {
            let cases = [
                ("2probe", Packet::Ping(text("probe"))),
                ("3probe", Packet::Pong(text("probe"))),
                ("2", Packet::Ping(text(""))),
                ("3", Packet::Pong(text(""))),
                (
                    "4HelloWorld",
                    Packet::Message(Message::Text(text("HelloWorld"))),
                ),
                ("4hello", Packet::Message(Message::Text(text("hello")))),
                ("5", Packet::Upgrade),
                ("6", Packet::Noop),
                ("1", Packet::Close),
                (
                    "0{\"some\":\"json\"}",
                    Packet::Open(text("{\"some\":\"json\"}")),
                ),
                ("4", Packet::Message(Message::Text(text("")))),
            ];
            for (wire, packet) in cases {
                assert_eq!(
                    Packet::decode_text(v, text(wire)).unwrap(),
                    packet,
                    "{wire}"
                );
                assert_eq!(packet.encode(v), Frame::Text(text(wire)), "{wire}");
            }
        });
    }

    #[test]
    fn readme_binary_examples() {
        // v3: "4|0|1|2|3|4|5": type byte 4 then the data.
        let v3_wire = Bytes::from_static(&[4, 0, 1, 2, 3, 4, 5]);
        let packet = Packet::Message(Message::Binary(Bytes::from_static(&[0, 1, 2, 3, 4, 5])));
        assert_eq!(Packet::decode_binary(V3, v3_wire.clone()).unwrap(), packet);
        assert_eq!(packet.encode(V3), Frame::Binary(v3_wire));
        // v4: "Binary payloads are sent as is, without modification".
        let v4_wire = Bytes::from_static(&[0, 1, 2, 3, 4, 5]);
        assert_eq!(Packet::decode_binary(V4, v4_wire.clone()).unwrap(), packet);
        assert_eq!(packet.encode(V4), Frame::Binary(v4_wire));
    }

    #[test]
    fn decoding_slices_the_input() {
        let wire = Str::from("4some message text");
        let Packet::Message(Message::Text(data)) = Packet::decode_text(V4, wire.clone()).unwrap()
        else {
            panic!("not a text message")
        };
        assert_eq!(data.as_ptr(), wire.as_bytes()[1..].as_ptr());
        let bin = Bytes::from_static(&[4, 9, 9]);
        let Packet::Message(Message::Binary(data)) =
            Packet::decode_binary(V3, bin.clone()).unwrap()
        else {
            panic!("not a binary message")
        };
        assert_eq!(data.as_ptr(), bin[1..].as_ptr());
    }

    #[test]
    fn base64_text_packets() {
        let packet = Packet::Message(Message::Binary(Bytes::from_static(&[1, 2, 3, 4])));
        assert_eq!(Packet::decode_text(V4, text("bAQIDBA==")).unwrap(), packet);
        assert_eq!(Packet::decode_text(V3, text("b4AQIDBA==")).unwrap(), packet);
        assert_eq!(
            Packet::decode_text(V4, text("b4AQIDBA==")),
            Err(DecodeError::InvalidBase64)
        );
        assert_eq!(
            Packet::decode_text(V3, text("b2AQIDBA==")),
            Err(DecodeError::BinaryNotAllowed {
                packet_type: PacketType::Ping
            })
        );
        assert_eq!(
            Packet::decode_text(V3, text("b9AQIDBA==")),
            Err(DecodeError::UnknownPacketType(b'9'))
        );
        assert_eq!(Packet::decode_text(V3, text("b")), Err(DecodeError::Empty));
        assert_eq!(
            Packet::decode_text(V4, text("b")).unwrap(),
            Packet::Message(Message::Binary(Bytes::new()))
        );
        assert_eq!(
            Packet::decode_text(V4, text("b!!!!")),
            Err(DecodeError::InvalidBase64)
        );
    }

    #[test]
    fn text_errors() {
        both(|v| {
            assert_eq!(Packet::decode_text(v, text("")), Err(DecodeError::Empty));
            // From the reference parser tests: bad format and nonexistent types.
            assert_eq!(
                Packet::decode_text(v, text(":::")),
                Err(DecodeError::UnknownPacketType(b':'))
            );
            assert_eq!(
                Packet::decode_text(v, text("94103")),
                Err(DecodeError::UnknownPacketType(b'9'))
            );
            assert_eq!(
                Packet::decode_text(v, text("7")),
                Err(DecodeError::UnknownPacketType(b'7'))
            );
            assert_eq!(
                Packet::decode_text(v, text("é")),
                Err(DecodeError::UnknownPacketType(0xc3))
            );
            for (wire, packet_type) in [
                ("1x", PacketType::Close),
                ("5probe", PacketType::Upgrade),
                ("6 ", PacketType::Noop),
            ] {
                assert_eq!(
                    Packet::decode_text(v, text(wire)),
                    Err(DecodeError::TrailingData { packet_type })
                );
            }
        });
    }

    #[test]
    fn binary_errors() {
        assert_eq!(
            Packet::decode_binary(V3, Bytes::new()),
            Err(DecodeError::Empty)
        );
        assert_eq!(
            Packet::decode_binary(V3, Bytes::from_static(&[2, 1])),
            Err(DecodeError::BinaryNotAllowed {
                packet_type: PacketType::Ping
            })
        );
        assert_eq!(
            Packet::decode_binary(V3, Bytes::from_static(&[b'4', 1])),
            Err(DecodeError::UnknownPacketType(b'4'))
        );
        assert_eq!(
            Packet::decode_binary(V4, Bytes::new()).unwrap(),
            Packet::Message(Message::Binary(Bytes::new()))
        );
        assert_eq!(
            Packet::decode_binary(V3, Bytes::from_static(&[4])).unwrap(),
            Packet::Message(Message::Binary(Bytes::new()))
        );
    }

    #[test]
    fn decode_frame_dispatches() {
        assert_eq!(
            Packet::decode_frame(V4, Frame::Text(text("2"))).unwrap(),
            Packet::Ping(text(""))
        );
        assert_eq!(
            Packet::decode_frame(V4, Frame::Binary(Bytes::from_static(b"x"))).unwrap(),
            Packet::Message(Message::Binary(Bytes::from_static(b"x")))
        );
    }

    #[test]
    fn non_bmp_text_round_trips() {
        let packet = Packet::Message(Message::Text(text("😀€")));
        both(|v| assert_eq!(Packet::decode_frame(v, packet.encode(v)).unwrap(), packet));
    }
}
