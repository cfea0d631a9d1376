//! [`Frame`]: one encoded packet, and builders that write message frames in one buffer.

use bytes::{BufMut, Bytes, BytesMut};

use super::{EncodeError, PacketType, ProtocolVersion, packet::put_v3_binary};
use crate::Str;

/// One encoded packet exactly as it goes in one WebSocket frame. Cheap to clone (a reference
/// count): a broadcast encodes once and clones the frame to every recipient. A polling
/// payload is built from frames by [`payload::encode`](super::payload::encode).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Frame {
    /// A text frame: `<type digit><data>`.
    Text(Str),
    /// A binary frame: the message bytes (v4) or `0x04` then the bytes (v3).
    Binary(Bytes),
}

impl Frame {
    /// The encoded size in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Text(s) => s.as_bytes().len(),
            Self::Binary(b) => b.len(),
        }
    }

    /// Whether the frame has no bytes (never true for a frame made by this crate, except a
    /// v4 binary message with no data).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is a text frame.
    #[must_use]
    pub const fn is_text(&self) -> bool {
        matches!(self, Self::Text(_))
    }
}

/// Builds a text message frame (`4` + body) by letting `write_body` append the body to the
/// buffer that already holds the `4`: the body is written once, straight into the frame.
///
/// The UTF-8 guarantee: `write_body` may write any bytes, so the finished frame is checked
/// with one validation pass (no copy) before it becomes a [`Str`]. Serializers such as
/// `serde_json` only ever write UTF-8, so for them the check always passes.
///
/// # Errors
/// [`EncodeError::InvalidUtf8`] when the written body is not valid UTF-8.
pub fn text_message_frame(write_body: impl FnOnce(&mut BytesMut)) -> Result<Frame, EncodeError> {
    text_message_frame_with_capacity(64, write_body)
}

/// As [`text_message_frame`], with room for `capacity` body bytes reserved up front.
///
/// # Errors
/// [`EncodeError::InvalidUtf8`] when the written body is not valid UTF-8.
pub fn text_message_frame_with_capacity(
    capacity: usize,
    write_body: impl FnOnce(&mut BytesMut),
) -> Result<Frame, EncodeError> {
    let mut buf = BytesMut::with_capacity(capacity.saturating_add(1));
    buf.put_u8(PacketType::Message.digit());
    write_body(&mut buf);
    Str::from_utf8(buf.freeze())
        .map(Frame::Text)
        .map_err(|e| EncodeError::InvalidUtf8 {
            valid_up_to: e.valid_up_to(),
        })
}

/// Builds a binary message frame: `data` itself in v4 (no copy), `0x04` + `data` in v3.
#[must_use]
pub fn binary_message_frame(v: ProtocolVersion, data: Bytes) -> Frame {
    match v {
        ProtocolVersion::V4 => Frame::Binary(data),
        ProtocolVersion::V3 => {
            let mut buf = BytesMut::with_capacity(data.len().saturating_add(1));
            put_v3_binary(&mut buf, &data);
            Frame::Binary(buf.freeze())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eio::{Message, Packet};

    #[test]
    fn text_message_frame_writes_into_one_buffer() {
        let frame = text_message_frame(|buf| buf.extend_from_slice(b"2[\"hi\"]")).unwrap();
        assert_eq!(frame, Frame::Text(Str::from("42[\"hi\"]")));
        assert_eq!(frame.len(), 8);
        assert!(frame.is_text());
        assert_eq!(
            Packet::decode_frame(ProtocolVersion::V4, frame).unwrap(),
            Packet::Message(Message::Text(Str::from("2[\"hi\"]")))
        );
        let frame = text_message_frame_with_capacity(0, |_| {}).unwrap();
        assert_eq!(frame, Frame::Text(Str::from("4")));
    }

    #[test]
    fn text_message_frame_rejects_invalid_utf8() {
        let err = text_message_frame(|buf| buf.extend_from_slice(&[b'a', 0xff])).unwrap_err();
        assert_eq!(err, EncodeError::InvalidUtf8 { valid_up_to: 2 });
    }

    #[test]
    fn binary_message_frames() {
        let data = Bytes::from_static(&[7, 8]);
        let v4 = binary_message_frame(ProtocolVersion::V4, data.clone());
        let Frame::Binary(ref bytes) = v4 else {
            panic!("not binary")
        };
        assert_eq!(
            bytes.as_ptr(),
            data.as_ptr(),
            "v4 shares the caller's bytes"
        );
        assert_eq!(
            binary_message_frame(ProtocolVersion::V3, data),
            Frame::Binary(Bytes::from_static(&[4, 7, 8]))
        );
        assert!(!v4.is_text());
        assert!(Frame::Binary(Bytes::new()).is_empty());
    }

    #[test]
    fn clones_share_storage() {
        let frame =
            Packet::Message(Message::Text(Str::from("x".repeat(100)))).encode(ProtocolVersion::V4);
        let copy = frame.clone();
        let (Frame::Text(a), Frame::Text(b)) = (&frame, &copy) else {
            panic!("not text")
        };
        assert_eq!(a.as_ptr(), b.as_ptr());
    }
}
