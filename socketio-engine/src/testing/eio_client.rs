//! [`FakeClient`]: an Engine.IO v4 client that speaks real wire bytes through the codec.
//!
//! It builds request URIs and bodies the way `engine.io-client` does, and decodes the
//! server's payloads and frames back into packets, so every scenario exercises the same
//! bytes a browser would exchange with the engine.

use bytes::Bytes;
use http::Method;
use socketio_proto::Str;
use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
use socketio_proto::eio::{Frame, Handshake, Packet, ProtocolVersion};

use super::Harness;
use crate::action::WsMessage;
use crate::http::HttpBody;
use crate::ids::{ConnId, RequestId, Sid};

/// A v4 client session (polling, WebSocket, or both during an upgrade).
#[derive(Debug, Clone)]
pub struct FakeClient {
    /// The session id the server gave.
    pub sid: Sid,
    /// The decoded handshake.
    pub handshake: Handshake,
    /// The WebSocket, once opened (handshake over WebSocket, or an upgrade probe).
    pub conn: Option<ConnId>,
    path: String,
}

impl FakeClient {
    /// Handshakes over polling at `path` (e.g. `/engine.io/`).
    ///
    /// # Panics
    /// When the server does not answer with an open packet.
    pub fn connect_polling(h: &mut Harness, path: &str) -> Self {
        let req = h.http(
            Harness::meta(Method::GET, &format!("{path}?EIO=4&transport=polling"), &[]),
            HttpBody::empty(),
        );
        let res = h.take_response(req).expect("handshake answered at once");
        assert_eq!(res.status(), 200, "handshake status");
        let packets = decode_payload(res.body().clone());
        let Some(Packet::Open(json)) = packets.first() else {
            panic!("first packet is not open: {packets:?}");
        };
        let handshake = Handshake::parse(json).expect("handshake json");
        Self {
            sid: handshake.sid.parse().expect("sid"),
            handshake,
            conn: None,
            path: path.to_owned(),
        }
    }

    /// Handshakes straight over WebSocket at `path`.
    ///
    /// # Panics
    /// When the server does not accept the WebSocket and send an open packet first.
    pub fn connect_websocket(h: &mut Harness, path: &str) -> Self {
        let req = h.http(
            Harness::meta(
                Method::GET,
                &format!("{path}?EIO=4&transport=websocket"),
                &[("upgrade", "websocket"), ("connection", "Upgrade")],
            ),
            HttpBody::empty(),
        );
        let conn = h.accepted(req).expect("websocket accepted");
        let frames = h.take_ws(conn);
        let Some(Ok(Packet::Open(json))) = frames.first().map(|f| decode_frame(f.clone())) else {
            panic!("first frame is not open: {frames:?}");
        };
        let handshake = Handshake::parse(&json).expect("handshake json");
        Self {
            sid: handshake.sid.parse().expect("sid"),
            handshake,
            conn: Some(conn),
            path: path.to_owned(),
        }
    }

    /// The request URI for this session on `transport`.
    #[must_use]
    pub fn uri(&self, transport: &str) -> String {
        format!("{}?EIO=4&transport={transport}&sid={}", self.path, self.sid)
    }

    /// Sends a GET; it may be answered at once or parked.
    pub fn get(&self, h: &mut Harness) -> RequestId {
        h.http(
            Harness::meta(Method::GET, &self.uri("polling"), &[]),
            HttpBody::empty(),
        )
    }

    /// The packets of the answer to GET `req`, or `None` while it is parked. Panics on a
    /// non-200 answer.
    ///
    /// # Panics
    /// When the answer is not a 200 payload.
    pub fn packets_of(h: &mut Harness, req: RequestId) -> Option<Vec<Packet>> {
        let res = h.take_response(req)?;
        assert_eq!(res.status(), 200, "poll status, body {:?}", res.body());
        Some(decode_payload(res.body().clone()))
    }

    /// A GET that must be answered at once; its packets.
    ///
    /// # Panics
    /// When the GET is parked instead.
    pub fn poll_now(&self, h: &mut Harness) -> Vec<Packet> {
        let req = self.get(h);
        Self::packets_of(h, req).expect("GET answered at once")
    }

    /// POSTs `packets` as one v4 payload; the response.
    pub fn post(&self, h: &mut Harness, packets: &[Packet]) -> http::Response<Bytes> {
        let frames: Vec<Frame> = packets
            .iter()
            .map(|p| p.encode(ProtocolVersion::V4))
            .collect();
        self.post_raw(h, payload::encode(PayloadFormat::V4, &frames))
    }

    /// POSTs a raw body; the response.
    ///
    /// # Panics
    /// When the POST is not answered at once.
    pub fn post_raw(&self, h: &mut Harness, body: Bytes) -> http::Response<Bytes> {
        let req = h.http(
            Harness::meta(Method::POST, &self.uri("polling"), &[]),
            HttpBody::Complete(body),
        );
        h.take_response(req).expect("POST answered at once")
    }

    /// Opens the upgrade probe WebSocket; the request (accepted or refused).
    pub fn open_probe(&mut self, h: &mut Harness) -> RequestId {
        let req = h.http(
            Harness::meta(
                Method::GET,
                &self.uri("websocket"),
                &[("upgrade", "websocket"), ("connection", "Upgrade")],
            ),
            HttpBody::empty(),
        );
        if let Some(conn) = h.accepted(req) {
            self.conn = Some(conn);
        }
        req
    }

    /// Sends `packet` on the WebSocket.
    ///
    /// # Panics
    /// When no WebSocket is open.
    pub fn ws_send(&self, h: &mut Harness, packet: &Packet) {
        let conn = self.conn.expect("websocket open");
        let msg = match packet.encode(ProtocolVersion::V4) {
            Frame::Text(t) => WsMessage::Text(t),
            Frame::Binary(b) => WsMessage::Binary(b),
        };
        h.ws_message(conn, msg);
    }

    /// Every packet received on the WebSocket since the last call.
    ///
    /// # Panics
    /// When no WebSocket is open or a frame does not decode.
    pub fn ws_recv(&self, h: &mut Harness) -> Vec<Packet> {
        let conn = self.conn.expect("websocket open");
        h.take_ws(conn)
            .into_iter()
            .map(|f| decode_frame(f).expect("server frame decodes"))
            .collect()
    }
}

/// Decodes a v4 polling payload.
///
/// # Panics
/// When the payload does not decode.
#[must_use]
pub fn decode_payload(body: Bytes) -> Vec<Packet> {
    payload::decode(PayloadFormat::V4, body, &PayloadLimits::default()).expect("payload decodes")
}

/// Decodes one v4 frame.
///
/// # Errors
/// The codec's error for bytes that are not a packet.
pub fn decode_frame(frame: Frame) -> Result<Packet, socketio_proto::eio::DecodeError> {
    Packet::decode_frame(ProtocolVersion::V4, frame)
}

/// A text message packet.
#[must_use]
pub fn text(s: &str) -> Packet {
    Packet::Message(socketio_proto::eio::Message::Text(Str::from(s)))
}
