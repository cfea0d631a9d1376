//! Long-polling clients for the [`SioHarness`]: a handshake over polling, GETs that may park,
//! POSTs of Socket.IO packets, and the decoded packets of each response. With them, scenarios
//! that depend on the polling transport (volatile sends to a client whose GET is not parked)
//! run through the full Engine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use http::Method;
use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
use socketio_proto::eio::{Message, Packet};

use super::sio_client::SioHarness;
use crate::http::{HttpBody, RequestMeta};
use crate::ids::{RequestId, Sid};

/// A polling client: one Engine.IO v4 session without a WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollClient {
    /// The Engine.IO session.
    pub sid: Sid,
}

impl PollClient {
    fn uri(self) -> String {
        format!("/socket.io/?EIO=4&transport=polling&sid={}", self.sid)
    }
}

impl SioHarness {
    fn request(&mut self, method: Method, uri: &str, body: Bytes) -> RequestId {
        let meta = RequestMeta::new(method, uri.parse().unwrap());
        let req = self
            .engine
            .handle_http(self.now, meta, HttpBody::Complete(body));
        self.drive();
        req
    }

    /// Opens an Engine.IO session over polling at `/socket.io/`.
    pub fn open_polling(&mut self) -> PollClient {
        let req = self.request(
            Method::GET,
            "/socket.io/?EIO=4&transport=polling",
            Bytes::new(),
        );
        let packets = self.polled(req).expect("handshake answered at once");
        let Some(Packet::Open(json)) = packets.first() else {
            panic!("no open packet: {packets:?}")
        };
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        PollClient {
            sid: v["sid"].as_str().unwrap().parse().unwrap(),
        }
    }

    /// Sends a GET for `c`; it is answered at once or parked (see [`polled`](Self::polled)).
    pub fn get(&mut self, c: PollClient) -> RequestId {
        self.request(Method::GET, &c.uri(), Bytes::new())
    }

    /// POSTs Socket.IO packet texts (without Engine.IO's `4`) as one payload; panics unless
    /// the answer is `ok`.
    pub fn post(&mut self, c: PollClient, sio_texts: &[&str]) {
        let body: Vec<String> = sio_texts.iter().map(|t| format!("4{t}")).collect();
        let req = self.request(Method::POST, &c.uri(), Bytes::from(body.join("\u{1e}")));
        let res = self.responses.remove(&req).expect("POST answered");
        assert_eq!(res.body().as_ref(), b"ok");
    }

    /// The packets answering request `req`, or `None` while it is parked.
    pub fn polled(&mut self, req: RequestId) -> Option<Vec<Packet>> {
        let res = self.responses.remove(&req)?;
        assert_eq!(res.status(), 200, "body {:?}", res.body());
        let packets = payload::decode(
            PayloadFormat::V4,
            res.body().clone(),
            &PayloadLimits::default(),
        );
        Some(packets.unwrap())
    }

    /// The Socket.IO texts (without `4`) answering GET `req`; `None` while parked.
    pub fn polled_texts(&mut self, req: RequestId) -> Option<Vec<String>> {
        let packets = self.polled(req)?;
        Some(
            packets
                .into_iter()
                .map(|p| match p {
                    Packet::Message(Message::Text(t)) => t.as_str().to_owned(),
                    other => format!("eio:{other:?}"),
                })
                .collect(),
        )
    }

    /// Connects polling client `c` to "/" and accepts; returns the socket.
    pub fn join_polling(&mut self, c: PollClient) -> crate::sio::ids::SocketId {
        self.post(c, &["0"]);
        let Some(crate::event::Event::Connect(p)) = self.event() else {
            panic!("expected a connect event")
        };
        let id = self.engine.accept_connect(self.now, p).unwrap();
        self.drive();
        let req = self.get(c);
        let texts = self.polled_texts(req).expect("CONNECT reply queued");
        assert!(
            texts.len() == 1 && texts[0].starts_with("0{\"sid\""),
            "{texts:?}"
        );
        id
    }
}
