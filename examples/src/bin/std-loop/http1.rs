//! Just enough HTTP/1.1 for Socket.IO clients: parse one request (head with `httparse`,
//! body by `Content-Length`) and write one response. Every response closes the connection
//! (`Connection: close`), which keeps the loop free of keep-alive bookkeeping; clients open
//! a new connection per long-polling request, which they handle fine.

use std::net::SocketAddr;

use bytes::Bytes;
use http::{Response, StatusCode, header};
use socketio_engine::{HttpBody, RequestMeta};

/// Largest request head (request line and headers) accepted.
pub(crate) const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most headers in one request.
const MAX_HEADERS: usize = 64;

/// A complete request.
pub(crate) struct Request {
    pub(crate) meta: RequestMeta,
    pub(crate) body: HttpBody,
    /// `Sec-WebSocket-Accept` for the 101 answer, when this is an upgrade.
    pub(crate) ws_accept: Option<String>,
    /// How many bytes of the buffer the request took.
    pub(crate) used: usize,
}

/// Parses a request from `buf`: `Ok(None)` until it is complete, `Err(())` if malformed.
/// A body over `max_body` is reported as [`HttpBody::TooLarge`] without waiting for it.
pub(crate) fn parse(buf: &[u8], peer: SocketAddr, max_body: usize) -> Result<Option<Request>, ()> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(buf).map_err(drop)? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial if buf.len() <= MAX_HEAD_BYTES => return Ok(None),
        httparse::Status::Partial => return Err(()),
    };
    let method = http::Method::from_bytes(req.method.unwrap_or("").as_bytes()).map_err(drop)?;
    let uri = req.path.unwrap_or("").parse::<http::Uri>().map_err(drop)?;
    let mut meta = RequestMeta::new(method, uri);
    meta.peer = Some(peer);
    for h in req.headers.iter() {
        let name = http::HeaderName::from_bytes(h.name.as_bytes()).map_err(drop)?;
        meta.headers
            .append(name, http::HeaderValue::from_bytes(h.value).map_err(drop)?);
    }
    if meta.headers.contains_key(header::TRANSFER_ENCODING) {
        return Err(()); // chunked uploads: Socket.IO clients never send them
    }
    let len = match meta.header_str(header::CONTENT_LENGTH) {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(drop)?,
    };
    let (body, used) = if len > max_body {
        (HttpBody::TooLarge, head_len) // never buffered: the engine answers 413
    } else {
        let end = head_len.saturating_add(len);
        let Some(bytes) = buf.get(head_len..end) else {
            return Ok(None);
        };
        (HttpBody::Complete(Bytes::copy_from_slice(bytes)), end)
    };
    let ws_accept = meta
        .header_str(header::SEC_WEBSOCKET_KEY)
        .map(|k| tungstenite::handshake::derive_accept_key(k.as_bytes()));
    Ok(Some(Request {
        meta,
        body,
        ws_accept,
        used,
    }))
}

/// A short plain-text response.
pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::from_static(text.as_bytes()));
    *r.status_mut() = status;
    r
}

/// Serializes `r` into `out`, with `Connection: close`.
pub(crate) fn write(out: &mut Vec<u8>, r: &Response<Bytes>) {
    let s = r.status();
    let reason = s.canonical_reason().unwrap_or("");
    out.extend_from_slice(format!("HTTP/1.1 {} {reason}\r\n", s.as_str()).as_bytes());
    for (name, value) in r.headers() {
        if name != header::CONTENT_LENGTH && name != header::CONNECTION {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    let len = r.body().len();
    out.extend_from_slice(format!("content-length: {len}\r\nconnection: close\r\n\r\n").as_bytes());
    out.extend_from_slice(r.body());
}

/// The 101 answer to an accepted WebSocket upgrade.
pub(crate) fn switching_protocols(accept: &str) -> String {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\
         sec-websocket-accept: {accept}\r\n\r\n"
    )
}
