//! Socket.IO 0.9 clients for the [`SioHarness`]: the `{path}1/` handshake, then
//! `xhr-polling`, `jsonp-polling` or `websocket` on `{path}1/<transport>/<sid>`, speaking
//! real 0.9 wire text, as socket.io-client 0.9 does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use http::Method;
use socketio_proto::v09::{self, PayloadLimits};
use socketio_proto::{Str, eio::Frame};

use super::sio_client::SioHarness;
use crate::action::WsMessage;
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{ConnId, RequestId, Sid};

/// A handshaken 0.9 client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V09Client {
    /// The session.
    pub sid: Sid,
    /// Its WebSocket, once opened with [`SioHarness::v09_websocket`].
    pub conn: Option<ConnId>,
}

impl SioHarness {
    /// Sends an HTTP request; returns its id (answered at once or parked).
    pub fn http_request(&mut self, method: Method, uri: &str, body: &str) -> RequestId {
        let meta = RequestMeta::new(method, uri.parse().unwrap());
        let body = HttpBody::Complete(Bytes::from(body.to_owned()));
        let req = self.engine.handle_http(self.now, meta, body);
        self.drive();
        req
    }

    /// The response to `req`, if answered.
    pub fn take_response(&mut self, req: RequestId) -> Option<http::Response<Bytes>> {
        self.responses.remove(&req)
    }

    /// The body of the response to `req` as text (panics while parked).
    pub fn response_text(&mut self, req: RequestId) -> String {
        let res = self.take_response(req).expect("answered");
        String::from_utf8(res.body().to_vec()).unwrap()
    }

    /// A 0.9 handshake (`GET /socket.io/1/?<query>`): the client, and the handshake body.
    pub fn v09_handshake(&mut self, query: &str) -> (V09Client, String) {
        let req = self.http_request(Method::GET, &format!("/socket.io/1/?{query}"), "");
        let body = self.response_text(req);
        let sid = body.split(':').next().unwrap().parse().unwrap();
        (V09Client { sid, conn: None }, body)
    }

    /// An `xhr-polling` GET for `c`.
    pub fn v09_get(&mut self, c: V09Client) -> RequestId {
        let uri = format!("/socket.io/1/xhr-polling/{}?t=1", c.sid);
        self.http_request(Method::GET, &uri, "")
    }

    /// The 0.9 packets of the (answered) polling response `req`.
    pub fn v09_packets(&mut self, req: RequestId) -> Vec<String> {
        let body = self.response_text(req);
        v09::split_payload(&Str::from(body), &PayloadLimits::default())
            .unwrap()
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// POSTs 0.9 packets over `xhr-polling` (framed when more than one); the response.
    pub fn v09_post(&mut self, c: V09Client, packets: &[&str]) -> http::Response<Bytes> {
        let texts: Vec<Str> = packets.iter().map(|p| Str::from(*p)).collect();
        let body = v09::encode_payload(&texts);
        let uri = format!("/socket.io/1/xhr-polling/{}?t=2", c.sid);
        let req = self.http_request(Method::POST, &uri, &body);
        self.take_response(req).expect("POST answered at once")
    }

    /// Opens the `websocket` transport of `c`.
    pub fn v09_websocket(&mut self, c: &mut V09Client) {
        let uri = format!("/socket.io/1/websocket/{}", c.sid);
        let mut meta = RequestMeta::new(Method::GET, uri.parse().unwrap());
        meta.headers
            .insert(http::header::UPGRADE, "websocket".parse().unwrap());
        self.engine
            .handle_http(self.now, meta, HttpBody::Complete(Bytes::new()));
        self.drive();
        c.conn = Some(self.take_accepted().expect("websocket accepted"));
    }

    /// Sends one 0.9 packet on `c`'s WebSocket.
    pub fn v09_ws_send(&mut self, c: V09Client, packet: &str) {
        let conn = c.conn.expect("websocket open");
        let msg = WsMessage::Text(Str::from(packet));
        self.engine.handle_ws_message(self.now, conn, msg);
        self.drive();
    }

    /// The 0.9 packets `c`'s WebSocket received since the last call.
    pub fn v09_ws_take(&mut self, c: V09Client) -> Vec<String> {
        self.take_frames(c.conn.expect("websocket open"))
            .into_iter()
            .map(|f| match f {
                Frame::Text(t) => t.to_string(),
                Frame::Binary(_) => panic!("binary frame to a 0.9 client"),
            })
            .collect()
    }
}
