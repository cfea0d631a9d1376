//! How a polling session's payloads are framed, fixed by its handshake request.
//!
//! - `Binary`: the default; v3 sends binary frames in a binary payload, v4 as `b<base64>`.
//! - `Base64` (`b64=1`, v3 clients without XHR2): binary frames as `b4<base64>` inside a text
//!   payload.
//! - `Jsonp(j)` (`j=<index>`, browsers without CORS-capable XHR): text payloads, each GET
//!   answered as the script `___eio[j]("<payload>");`, each POST a form whose `d` field holds
//!   the payload. Node's `engine.io` keeps the index of the handshake for the whole session;
//!   so does this. Node strips non-digits from `j`; here a `j` that is not a canonical number is
//!   refused at the handshake (code 3, "Bad request"), because the index is written into
//!   JavaScript that the page runs.

use bytes::Bytes;
use http::HeaderValue;
use socketio_proto::eio::jsonp::{self, JsonpIndex};
use socketio_proto::eio::payload::{self, PayloadFormat};
use socketio_proto::eio::{Frame, ProtocolVersion};

use crate::eio::reject::Refusal;
use crate::http::RequestMeta;

/// The framing of one session's polling payloads; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PollEncoding {
    Binary,
    Base64,
    Jsonp(JsonpIndex),
}

impl PollEncoding {
    /// The framing a handshake request asks for.
    pub(crate) fn from_handshake(meta: &RequestMeta) -> Result<Self, Refusal> {
        if let Some(j) = meta.query_param("j") {
            return JsonpIndex::parse(&j)
                .map(Self::Jsonp)
                .map_err(|_| Refusal::BadRequest);
        }
        Ok(if meta.query_param("b64").is_some() {
            Self::Base64
        } else {
            Self::Binary
        })
    }

    /// A GET response body carrying `frames`, and its `Content-Type`.
    pub(crate) fn encode(self, version: ProtocolVersion, frames: &[Frame]) -> (Bytes, HeaderValue) {
        let format = PayloadFormat::for_sending(version, self == Self::Binary, frames);
        let body = payload::encode(format, frames);
        match self {
            Self::Jsonp(index) => {
                // Text formats are UTF-8 by construction; the fallback is never taken.
                let text = std::str::from_utf8(&body).unwrap_or_default();
                (
                    jsonp::wrap_response(index, text),
                    HeaderValue::from_static(jsonp::CONTENT_TYPE),
                )
            }
            Self::Binary | Self::Base64 => (
                body,
                HeaderValue::from_static(payload::content_type(format)),
            ),
        }
    }

    /// The payload of a POST body, in the format it is decoded with; `None` when the body is
    /// not a valid JSONP form.
    pub(crate) fn decode_body(
        self,
        version: ProtocolVersion,
        binary_content_type: bool,
        body: Bytes,
    ) -> Option<(PayloadFormat, Bytes)> {
        let text_format = match version {
            ProtocolVersion::V4 => PayloadFormat::V4,
            ProtocolVersion::V3 => PayloadFormat::V3Text,
        };
        match self {
            Self::Jsonp(_) => jsonp::decode_form_body(&body)
                .ok()
                .map(|s| (text_format, s.into_bytes())),
            Self::Binary | Self::Base64 if binary_content_type => {
                Some((PayloadFormat::V3Binary, body))
            }
            Self::Binary | Self::Base64 => Some((text_format, body)),
        }
    }
}
