//! How a polling session's payloads are framed, fixed by its handshake (or, in 0.9, by the
//! transport the client picked after it).
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
//! - `V09 { jsonp }`: Socket.IO 0.9 payloads (one packet as it is, several framed with
//!   U+FFFD and their lengths); over `jsonp-polling` each GET is answered `io.j[i]("...");`
//!   and each POST is a form whose `d` field is the payload as a JSON string.

use bytes::Bytes;
use http::HeaderValue;
use socketio_proto::eio::jsonp::{self, JsonpIndex};
use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
use socketio_proto::eio::{Frame, Packet, ProtocolVersion};
use socketio_proto::{Str, v09};

use crate::eio::generation::Generation;
use crate::eio::reject::Refusal;
use crate::http::RequestMeta;

/// The framing of one session's polling payloads; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PollEncoding {
    Binary,
    Base64,
    Jsonp(JsonpIndex),
    V09 {
        jsonp: Option<JsonpIndex>,
    },
    /// Socket.IO 0.9 `htmlfile`: frames go out as script tags on a streamed response; POSTs
    /// are 0.9 payloads as over `xhr-polling`.
    V09Htmlfile,
}

/// The `Content-Type` of a 0.9 polling response.
const V09_CONTENT_TYPE: &str = "text/plain; charset=UTF-8";

impl PollEncoding {
    /// The framing an Engine.IO handshake request asks for.
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
    pub(crate) fn encode(self, generation: Generation, frames: &[Frame]) -> (Bytes, HeaderValue) {
        let jsonp = match self {
            Self::V09 { jsonp } => Some(jsonp),
            Self::V09Htmlfile => Some(None),
            _ => None,
        };
        if let Some(jsonp) = jsonp {
            let texts: Vec<Str> = frames
                .iter()
                .filter_map(|f| match f {
                    Frame::Text(t) => Some(t.clone()),
                    // Nothing binary is ever queued for a 0.9 client.
                    Frame::Binary(_) => None,
                })
                .collect();
            let body = v09::encode_payload(&texts);
            return match jsonp {
                Some(index) => (
                    v09::jsonp::wrap_response(index, &body),
                    HeaderValue::from_static(jsonp::CONTENT_TYPE),
                ),
                None => (
                    body.into_bytes(),
                    HeaderValue::from_static(V09_CONTENT_TYPE),
                ),
            };
        }
        let version = generation.codec();
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
            _ => (
                body,
                HeaderValue::from_static(payload::content_type(format)),
            ),
        }
    }

    /// The packets of a POST body; `None` when the body (or its JSONP form) is malformed.
    pub(crate) fn decode_body(
        self,
        generation: Generation,
        binary_content_type: bool,
        body: Bytes,
        limits: &PayloadLimits,
    ) -> Option<Vec<Packet>> {
        let text_format = match generation.codec() {
            ProtocolVersion::V4 => PayloadFormat::V4,
            ProtocolVersion::V3 => PayloadFormat::V3Text,
        };
        let (format, body) = match self {
            Self::V09 { jsonp: None } | Self::V09Htmlfile => {
                return decode_v09(Str::from_utf8(body).ok()?, limits);
            }
            Self::V09 { jsonp: Some(_) } => {
                return decode_v09(v09::jsonp::decode_post_body(&body).ok()?, limits);
            }
            Self::Jsonp(_) => (
                text_format,
                jsonp::decode_form_body(&body).ok()?.into_bytes(),
            ),
            Self::Binary | Self::Base64 if binary_content_type => (PayloadFormat::V3Binary, body),
            Self::Binary | Self::Base64 => (text_format, body),
        };
        payload::decode(format, body, limits).ok()
    }
}

/// The packets of a 0.9 POST payload.
fn decode_v09(text: Str, limits: &PayloadLimits) -> Option<Vec<Packet>> {
    let limits = v09::PayloadLimits {
        max_packets: limits.max_packets,
    };
    let texts = v09::split_payload(&text, &limits).ok()?;
    Some(texts.into_iter().map(Generation::v09_inbound).collect())
}

/// The first bytes of an `htmlfile` page, as node 0.9 writes them: the function each later
/// script tag calls, and padding so browsers start running the page at once.
pub(crate) const HTMLFILE_PRELUDE: &str = concat!(
    "<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>",
    // 173 spaces (node writes `new Array(174).join(' ')`): 256 bytes in all.
    "                                                                                    ",
    "                                                                                    ",
    "     "
);

/// One frame as the `htmlfile` script tag that hands it to the page:
/// `<script>_("<packet>");</script>`, `/` escaped so no `</script>` can end the tag early.
pub(crate) fn htmlfile_chunk(frame: Frame) -> Frame {
    let text = match &frame {
        Frame::Text(t) => t.as_str(),
        // Nothing binary is ever queued for a 0.9 client.
        Frame::Binary(_) => return frame,
    };
    let mut out = bytes::BytesMut::with_capacity(text.len().saturating_add(32));
    out.extend_from_slice(b"<script>_(");
    let mut literal = bytes::BytesMut::new();
    jsonp::write_js_string(text, &mut literal);
    for &b in literal.iter() {
        if b == b'/' {
            out.extend_from_slice(b"\\/");
        } else {
            out.extend_from_slice(&[b]);
        }
    }
    out.extend_from_slice(b");</script>");
    // Built from a UTF-8 string with ASCII insertions only.
    Str::from_utf8(out.freeze()).map_or(frame, Frame::Text)
}
