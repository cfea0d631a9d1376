//! One HTTP request, from hyper to a hub and back.
//!
//! The request is routed to the mount whose path prefix it has, its body read up to the
//! engine's `max_http_buffer_size + 1` bytes (more is reported as `HttpBody::TooLarge`
//! without buffering it), and handed to the hub with a oneshot for the answer. A body that
//! does not arrive with its headers is read under a deadline (`body_read_timeout`: 408 and
//! the connection closed) and only while its session lasts (the hub cuts it when the engine
//! reports `SessionEnded`, and the request is answered at once). If hyper drops
//! this future first (the client went away), a guard tells the hub so the engine can put
//! undelivered frames back. A WebSocket upgrade the engine accepts is answered with 101 and
//! continued in its own task (see `ws`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;

use async_tungstenite::tungstenite::handshake::derive_accept_key;
use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use bytes::{Bytes, BytesMut};
use futures_channel::oneshot;
use futures_util::future::{Either, select};
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Body;
use socketio_engine::{HttpBody, RequestMeta, Sid};

use crate::msg::{HttpIn, HttpReply, Life, NetMsg};
use crate::runtime::Runtime;
use crate::ws::{self, UpgradeIo};

pub use crate::body::ResponseBody;

/// A hub as the connection tasks see it: where to send requests for one path prefix.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    pub(crate) path: Arc<str>,
    pub(crate) max_body: usize,
    pub(crate) ws_config: WebSocketConfig,
    pub(crate) header_read_timeout: std::time::Duration,
    /// How long a WebSocket may take to finish after the hub closed it
    /// (`DriverConfig::ws_close_timeout`).
    pub(crate) ws_close_timeout: std::time::Duration,
    /// How long a request's body may take (`DriverConfig::body_read_limit`).
    pub(crate) body_read_timeout: std::time::Duration,
    pub(crate) net: async_channel::Sender<NetMsg>,
    pub(crate) life: async_channel::Sender<Life>,
    pub(crate) keys: Arc<AtomicU64>,
    /// Held by every connection and WebSocket task (through their `Mount`); a graceful
    /// shutdown waits until all clones are gone, so responses in flight are written.
    pub(crate) _alive: async_channel::Sender<()>,
}

/// Tells the hub a request was dropped before its answer, unless disarmed.
struct AbortGuard<'a> {
    key: u64,
    life: &'a async_channel::Sender<Life>,
    armed: bool,
}

impl Drop for AbortGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.life.try_send(Life::HttpAborted { key: self.key });
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<ResponseBody> {
    let mut r = Response::new(ResponseBody::full(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// How reading a request's body ended.
enum BodyRead {
    /// Read (`None`: reading failed, the client went away).
    Done(Option<HttpBody>),
    /// Longer than `max_http_buffer_size`, and the rest did not end within the deadline or
    /// the session: 413, and the connection closes.
    TooLargeUnread,
    /// Not complete within the mount's `body_read_timeout`.
    TimedOut,
    /// The request's session ended while its body was still coming.
    SessionEnded,
}

/// The session a request names (its `sid` query parameter), as its body read sees it.
#[derive(Debug, Clone, Copy)]
enum Owner {
    /// No `sid`: a handshake or not the engine's request; only the deadline applies.
    None,
    /// A `sid` no session can have: the engine refuses the request whatever its body.
    Invalid,
    /// Session `Sid`: the body is read while it lasts.
    Session(Sid),
}

impl Owner {
    fn of(meta: &RequestMeta) -> Self {
        match meta.query_param("sid").map(|s| s.parse::<Sid>()) {
            None => Self::None,
            Some(Ok(sid)) => Self::Session(sid),
            Some(Err(_)) => Self::Invalid,
        }
    }
}

/// Reads `body` (see [`read_capped`]) within `mount.body_read_timeout`, and only while the
/// session it belongs to lasts. A body that arrived with its headers (almost every
/// one) costs no timer and no message to the hub.
async fn read_body<R, B>(rt: &R, mount: &Mount, body: B, owner: Owner) -> BodyRead
where
    R: Runtime,
    B: Body<Data = Bytes>,
{
    let mut body = pin!(body);
    let mut too_large = false;
    let outcome = {
        let mut read = pin!(async {
            let done = read_capped(body.as_mut(), mount.max_body).await;
            if done == Some(HttpBody::TooLarge) {
                too_large = true;
                // Discard the rest before answering: answering and closing while the client
                // still sends resets the connection, and the client never sees its 413.
                discard(body.as_mut()).await;
            }
            done
        });
        if let Poll::Ready(done) = futures_util::poll!(read.as_mut()) {
            return BodyRead::Done(done);
        }
        read_or_cut(rt, mount, read, owner).await
    };
    match outcome {
        BodyRead::TimedOut | BodyRead::SessionEnded if too_large => BodyRead::TooLargeUnread,
        other => other,
    }
}

/// `read` under the mount's body deadline, and while the session of `owner` lasts.
async fn read_or_cut<R, F>(rt: &R, mount: &Mount, read: F, owner: Owner) -> BodyRead
where
    R: Runtime,
    F: Future<Output = Option<HttpBody>> + Unpin,
{
    let deadline = rt
        .now()
        .checked_add(mount.body_read_timeout)
        .unwrap_or_else(|| rt.now());
    let ended = async {
        let sid = match owner {
            Owner::None => return std::future::pending().await,
            Owner::Invalid => return,
            Owner::Session(sid) => sid,
        };
        let (cut, cut_rx) = oneshot::channel();
        if mount.life.try_send(Life::BodyPending { sid, cut }).is_err() {
            return std::future::pending().await; // hub gone: the deadline still holds
        }
        // Sent or dropped: either way the hub says the session is gone.
        let _ = cut_rx.await;
    };
    match select(read, select(rt.timer_at(deadline), pin!(ended))).await {
        Either::Left((done, _)) => BodyRead::Done(done),
        Either::Right((Either::Left(_), _)) => BodyRead::TimedOut,
        Either::Right((Either::Right(_), _)) => BodyRead::SessionEnded,
    }
}

/// Marks `r` as the last response on its connection (the request's body was not read to
/// its end, so the connection cannot carry another request).
fn closing(mut r: Response<ResponseBody>) -> Response<ResponseBody> {
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// Reads and drops what is left of `body` (errors end it too).
async fn discard<B: Body<Data = Bytes>>(mut body: Pin<&mut B>) {
    while let Some(Ok(_)) = body.frame().await {}
}

/// Reads at most `max + 1` bytes of `body`; `None` when reading fails (client gone).
async fn read_capped<B>(mut body: Pin<&mut B>, max: usize) -> Option<HttpBody>
where
    B: Body<Data = Bytes>,
{
    let cap = u64::try_from(max).unwrap_or(u64::MAX);
    if body.size_hint().lower() > cap {
        return Some(HttpBody::TooLarge);
    }
    let mut buf = BytesMut::new();
    let mut single: Option<Bytes> = None;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return None };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let held = single.as_ref().map_or(buf.len(), Bytes::len);
        if held.saturating_add(data.len()) > max {
            return Some(HttpBody::TooLarge);
        }
        // Keep a body that arrives in one chunk as it is (no copy).
        match single.take() {
            None if buf.is_empty() => single = Some(data),
            Some(first) => {
                buf.extend_from_slice(&first);
                buf.extend_from_slice(&data);
            }
            None => buf.extend_from_slice(&data),
        }
    }
    Some(HttpBody::Complete(single.unwrap_or_else(|| buf.freeze())))
}

/// Answers one request. `peer` is the client's address when known; `upgrade_io` turns a
/// hyper upgrade into a futures-io stream.
pub(crate) async fn handle<R, B>(
    rt: &R,
    mounts: &[Mount],
    peer: Option<SocketAddr>,
    req: Request<B>,
    upgrade_io: UpgradeIo,
) -> Response<ResponseBody>
where
    R: Runtime,
    B: Body<Data = Bytes>,
{
    if req.version() == http::Version::HTTP_11 && !req.headers().contains_key(header::HOST) {
        // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host (node
        // does, and closes the connection).
        return closing(plain(StatusCode::BAD_REQUEST, "Missing Host header"));
    }
    let path = req.uri().path();
    let Some(mount) = mounts.iter().find(|m| path.starts_with(&*m.path)) else {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    };
    let (mut parts, body) = req.into_parts();
    let meta = RequestMeta {
        method: parts.method.clone(),
        uri: parts.uri.clone(),
        headers: std::mem::take(&mut parts.headers),
        peer,
    };
    let mut upgrade = None;
    if meta.is_websocket_upgrade() {
        let version_ok = meta.header_str(header::SEC_WEBSOCKET_VERSION) == Some("13");
        match meta.headers.get(header::SEC_WEBSOCKET_KEY) {
            Some(key) if version_ok && is_websocket_key(key.as_bytes()) => {
                let accept = derive_accept_key(key.as_bytes());
                upgrade = Some((
                    accept,
                    parts.extensions.remove::<hyper::upgrade::OnUpgrade>(),
                ));
            }
            // node's `ws` answers 400 and closes the connection.
            _ => return closing(plain(StatusCode::BAD_REQUEST, "Bad WebSocket handshake")),
        }
    }
    let owner = Owner::of(&meta);
    let (body, cut) = match read_body(rt, mount, body, owner).await {
        BodyRead::Done(Some(body)) => (body, false),
        BodyRead::Done(None) => return plain(StatusCode::BAD_REQUEST, "Bad request body"),
        BodyRead::TooLargeUnread => (HttpBody::TooLarge, true),
        BodyRead::TimedOut => {
            return closing(plain(StatusCode::REQUEST_TIMEOUT, "Request body timeout"));
        }
        // The engine refuses a request of a session it forgot before looking at the body,
        // so the part read is not handed over; its answer ends the connection.
        BodyRead::SessionEnded => (HttpBody::empty(), true),
    };
    let key = mount.keys.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = oneshot::channel();
    let mut guard = AbortGuard {
        key,
        life: &mount.life,
        armed: true,
    };
    let msg = NetMsg::Http(Box::new(HttpIn {
        key,
        meta,
        body,
        reply: tx,
    }));
    if mount.net.send(msg).await.is_err() {
        guard.armed = false;
        return plain(StatusCode::SERVICE_UNAVAILABLE, "Server stopped");
    }
    let reply = rx.await;
    guard.armed = false;
    match reply {
        Ok(HttpReply::Response(r)) if cut => closing(r.map(ResponseBody::full)),
        Ok(HttpReply::Response(r)) => r.map(ResponseBody::full),
        Ok(HttpReply::Stream {
            response,
            conn,
            writer,
        }) => {
            let (head, first) = response.into_parts();
            let body = ResponseBody::stream(
                first,
                writer,
                conn,
                mount.life.clone(),
                mount._alive.clone(),
            );
            Response::from_parts(head, body)
        }
        Ok(HttpReply::Upgrade { conn, writer }) => {
            let Some((accept, Some(on_upgrade))) = upgrade else {
                // The engine accepted a WebSocket that is not one, or hyper cannot upgrade
                // it (mounted without upgrade support): report it closed at once.
                let _ = mount.life.try_send(Life::WsClosed { conn });
                return plain(StatusCode::BAD_REQUEST, "Cannot upgrade");
            };
            rt.spawn(Box::pin(ws::run(
                rt.clone(),
                on_upgrade,
                upgrade_io,
                conn,
                writer,
                mount.clone(),
            )));
            switching_protocols(&accept)
        }
        Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, "Server stopped"),
    }
}

/// Whether `key` is a `Sec-WebSocket-Key`: the base64 of 16 bytes (RFC 6455 §4.2.1), i.e. 22
/// base64 characters and `==`, the test node's `ws` applies.
fn is_websocket_key(key: &[u8]) -> bool {
    key.len() == 24
        && key.ends_with(b"==")
        && key
            .iter()
            .take(22)
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn switching_protocols(accept: &str) -> Response<ResponseBody> {
    let mut r = Response::new(ResponseBody::full(Bytes::new()));
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(accept) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    r
}

/// `handle` as hyper's service function wants it.
pub(crate) async fn service<R, B>(
    rt: R,
    mounts: Arc<[Mount]>,
    peer: Option<SocketAddr>,
    req: Request<B>,
    upgrade_io: UpgradeIo,
) -> Result<Response<ResponseBody>, Infallible>
where
    R: Runtime,
    B: Body<Data = Bytes>,
{
    Ok(handle(&rt, &mounts, peer, req, upgrade_io).await)
}

#[cfg(test)]
mod tests {
    use http_body_util::Full;

    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn websocket_keys_are_base64_of_16_bytes() {
        assert!(is_websocket_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(is_websocket_key(b"+/+/+/+/+/+/+/+/+/+/+w=="));
        for bad in [
            &b""[..],
            b"short",
            b"dGhlIHNhbXBsZSBub25jZQ",
            b"dGhlIHNhbXBsZSBub25jZQ==x",
            b"dGhlIHNhbXBsZSBub25jZ===",
            b"!!!!!!!!!!!!!!!!!!!!!!==",
            b"dGhlIHNhbXBsZSBub25jZQ=a",
        ] {
            assert!(!is_websocket_key(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn body_cap_is_exact() {
        let body = |n: usize| Full::new(Bytes::from(vec![b'x'; n]));
        assert_eq!(
            block_on(read_capped(pin!(body(10)), 10)),
            Some(HttpBody::Complete(Bytes::from(vec![b'x'; 10])))
        );
        assert_eq!(
            block_on(read_capped(pin!(body(11)), 10)),
            Some(HttpBody::TooLarge)
        );
        assert_eq!(
            block_on(read_capped(pin!(body(0)), 0)),
            Some(HttpBody::Complete(Bytes::new()))
        );
    }

    #[test]
    fn streamed_body_is_capped_while_reading() {
        use http_body_util::StreamBody;
        let chunks = |sizes: Vec<usize>| {
            StreamBody::new(futures_util::stream::iter(sizes.into_iter().map(|n| {
                Ok::<_, Infallible>(hyper::body::Frame::data(Bytes::from(vec![b'y'; n])))
            })))
        };
        assert_eq!(
            block_on(read_capped(pin!(chunks(vec![4, 4, 2])), 10)),
            Some(HttpBody::Complete(Bytes::from(vec![b'y'; 10])))
        );
        assert_eq!(
            block_on(read_capped(pin!(chunks(vec![4, 4, 3])), 10)),
            Some(HttpBody::TooLarge)
        );
    }
}
