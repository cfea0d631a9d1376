//! Refused requests, answered exactly as node's `engine.io` answers them.
//!
//! Polling (plain HTTP) requests get `abortRequest`'s shape: status 400 (403 for
//! `Forbidden`), `Content-Type: application/json`, body `{"code":N,"message":"..."}`, plus
//! CORS headers when configured. WebSocket upgrade requests get `abortUpgrade`'s shape:
//! always 400, `Content-Type: text/html`, the bare message as body.

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};

/// Why a request was refused before reaching a session (node's `Server.errors`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Code 0: the `transport` query parameter is missing, unknown or disabled.
    UnknownTransport,
    /// Code 1: the `sid` names no open session.
    UnknownSid,
    /// Code 2: a handshake that is not a GET.
    BadHandshakeMethod,
    /// Code 3: anything else wrong with the request.
    BadRequest,
    /// Code 4: refused by the `allow_request` hook, with its status and message.
    Forbidden { status: u16, message: String },
    /// Code 5: an `EIO` version this server does not speak.
    UnsupportedProtocolVersion,
    /// Code 3 with status 503: `max_sessions` reached (our limit, node has none).
    TooManySessions,
}

impl Refusal {
    /// Node's numeric error code.
    pub(crate) const fn code(&self) -> u8 {
        match self {
            Self::UnknownTransport => 0,
            Self::UnknownSid => 1,
            Self::BadHandshakeMethod => 2,
            Self::BadRequest | Self::TooManySessions => 3,
            Self::Forbidden { .. } => 4,
            Self::UnsupportedProtocolVersion => 5,
        }
    }

    /// Node's message for the code (or the hook's message).
    pub(crate) fn message(&self) -> &str {
        match self {
            Self::UnknownTransport => "Transport unknown",
            Self::UnknownSid => "Session ID unknown",
            Self::BadHandshakeMethod => "Bad handshake method",
            Self::BadRequest => "Bad request",
            Self::Forbidden { message, .. } if !message.is_empty() => message,
            Self::Forbidden { .. } => "Forbidden",
            Self::UnsupportedProtocolVersion => "Unsupported protocol version",
            Self::TooManySessions => "Too many sessions",
        }
    }

    fn status(&self) -> http::StatusCode {
        match self {
            Self::Forbidden { status, .. } => {
                http::StatusCode::from_u16(*status).unwrap_or(http::StatusCode::FORBIDDEN)
            }
            Self::TooManySessions => http::StatusCode::SERVICE_UNAVAILABLE,
            _ => http::StatusCode::BAD_REQUEST,
        }
    }

    /// The response for a polling request; `extra` holds CORS headers.
    pub(crate) fn to_http_response(&self, extra: HeaderMap) -> http::Response<Bytes> {
        let body = serde_json::json!({ "code": self.code(), "message": self.message() });
        let mut res = response(self.status(), Bytes::from(body.to_string()), extra);
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    }

    /// The response for a WebSocket upgrade request.
    pub(crate) fn to_upgrade_response(&self) -> http::Response<Bytes> {
        let mut res = response(
            http::StatusCode::BAD_REQUEST,
            Bytes::copy_from_slice(self.message().as_bytes()),
            HeaderMap::new(),
        );
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        res
    }
}

/// A response with `status`, `body` and the headers in `headers`.
pub(crate) fn response(
    status: http::StatusCode,
    body: Bytes,
    headers: HeaderMap,
) -> http::Response<Bytes> {
    let mut res = http::Response::new(body);
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_match_node() {
        let r = Refusal::UnknownSid.to_http_response(HeaderMap::new());
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(r.body(), r#"{"code":1,"message":"Session ID unknown"}"#);
        let f = Refusal::Forbidden {
            status: 403,
            message: String::new(),
        };
        let r = f.to_http_response(HeaderMap::new());
        assert_eq!(r.status(), 403);
        assert_eq!(r.body(), r#"{"code":4,"message":"Forbidden"}"#);
    }

    #[test]
    fn upgrade_refusals_are_plain_400() {
        let f = Refusal::Forbidden {
            status: 403,
            message: "nope".into(),
        };
        let r = f.to_upgrade_response();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/html");
        assert_eq!(r.body(), "nope");
    }
}
