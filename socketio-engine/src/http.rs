//! HTTP types shared by the engine and its drivers.
//!
//! The driver parses HTTP; the engine only sees a [`RequestMeta`] (method, URI, headers, peer)
//! and a body that the driver has already read up to a bound ([`HttpBody`]). Responses go back
//! as plain `http::Response<Bytes>` inside [`Action::Respond`](crate::Action::Respond).

use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::Bytes;

/// What the engine needs to know about an HTTP request.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The request method.
    pub method: http::Method,
    /// The request target: path and query (scheme and authority are ignored).
    pub uri: http::Uri,
    /// The request headers (origin, content-type, upgrade, cookies ...).
    pub headers: http::HeaderMap,
    /// The client's address, when the driver knows it.
    pub peer: Option<SocketAddr>,
}

impl RequestMeta {
    /// A request with no headers and no peer; handy in tests and examples.
    #[must_use]
    pub fn new(method: http::Method, uri: http::Uri) -> Self {
        Self {
            method,
            uri,
            headers: http::HeaderMap::new(),
            peer: None,
        }
    }

    /// The first value of the query parameter `key`, percent-decoded, if present.
    #[must_use]
    pub fn query_param(&self, key: &str) -> Option<Cow<'_, str>> {
        query_pairs(self.uri.query().unwrap_or("")).find_map(|(k, v)| (k == key).then_some(v))
    }

    /// Whether this is a WebSocket upgrade request (`Upgrade: websocket`, any case).
    #[must_use]
    pub fn is_websocket_upgrade(&self) -> bool {
        self.method == http::Method::GET
            && self
                .headers
                .get_all(http::header::UPGRADE)
                .iter()
                .any(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"))
    }

    /// A header's value as text, when present and visible ASCII.
    #[must_use]
    pub fn header_str(&self, name: http::header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The body of a request, read by the driver up to `max_http_buffer_size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpBody {
    /// The whole body (empty for a GET).
    Complete(Bytes),
    /// The body was longer than `max_http_buffer_size`; the driver stopped reading at
    /// `max_http_buffer_size + 1` bytes so the engine never buffers without bound.
    TooLarge,
}

impl HttpBody {
    /// An empty body (GET, OPTIONS).
    #[must_use]
    pub const fn empty() -> Self {
        Self::Complete(Bytes::new())
    }
}

/// Splits a query string into percent-decoded `(key, value)` pairs, `+` meaning space, as
/// `URLSearchParams` does. Malformed escapes are kept literally instead of failing, which is
/// what browsers do too.
pub(crate) fn query_pairs(query: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k), percent_decode(v))
    })
}

/// Decodes `%XX` escapes and `+`; borrows when there is nothing to decode.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| b == b'%' || b == b'+') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i.saturating_add(1)..i.saturating_add(3));
                if let Some(v) = hex.and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                }) {
                    out.push(v);
                    i = i.saturating_add(3);
                    continue;
                }
                out.push(b'%');
            }
            _ => out.push(b),
        }
        i = i.saturating_add(1);
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(uri: &str) -> RequestMeta {
        RequestMeta::new(http::Method::GET, uri.parse().unwrap())
    }

    #[test]
    fn query_params_are_decoded() {
        let m = meta("/engine.io/?EIO=4&transport=polling&t=a%20b+c&bad=%zz&flag");
        assert_eq!(m.query_param("EIO").as_deref(), Some("4"));
        assert_eq!(m.query_param("t").as_deref(), Some("a b c"));
        assert_eq!(m.query_param("bad").as_deref(), Some("%zz"));
        assert_eq!(m.query_param("flag").as_deref(), Some(""));
        assert_eq!(m.query_param("sid"), None);
    }

    #[test]
    fn upgrade_header_is_case_insensitive() {
        let mut m = meta("/");
        assert!(!m.is_websocket_upgrade());
        m.headers
            .insert(http::header::UPGRADE, "WebSocket".parse().unwrap());
        assert!(m.is_websocket_upgrade());
        m.method = http::Method::POST;
        assert!(!m.is_websocket_upgrade());
    }
}
