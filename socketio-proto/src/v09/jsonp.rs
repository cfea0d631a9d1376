//! JSONP polling for Socket.IO 0.9 clients (`jsonp-polling` transport, and the handshake of a
//! client that asks for it with `?jsonp=<i>`).
//!
//! Responses are `io.j[<i>]("<body>");`, the body (a handshake or a payload) as a JavaScript
//! string literal; the reference server writes plain `JSON.stringify`, this also escapes
//! U+2028 and U+2029, which parse to the same string. POST bodies are form-encoded with the
//! payload in `d`, JSON-encoded by the client as a string literal (unlike Engine.IO 3's
//! newline escaping). The index is validated as for Engine.IO: [`JsonpIndex::parse`].

use bytes::{Bytes, BytesMut};

use crate::Str;
use crate::eio::jsonp::{JsonpError, JsonpIndex, decode_form_data, write_js_string};

/// The JSONP response body `io.j[<index>]("<body>");`.
#[must_use]
pub fn wrap_response(index: JsonpIndex, body: &str) -> Bytes {
    let mut out = BytesMut::with_capacity(body.len().saturating_add(32));
    out.extend_from_slice(b"io.j[");
    out.extend_from_slice(index.to_string().as_bytes());
    out.extend_from_slice(b"](");
    write_js_string(body, &mut out);
    out.extend_from_slice(b");");
    out.freeze()
}

/// The payload of a 0.9 JSONP POST body: the form-decoded `d` field, parsed as a JSON string.
///
/// # Errors
/// What [`decode_form_data`] finds, or [`JsonpError::DataNotJsonString`].
pub fn decode_post_body(body: &Bytes) -> Result<Str, JsonpError> {
    let data = decode_form_data(body)?;
    serde_json::from_str::<String>(&data)
        .map(Str::from)
        .map_err(|_| JsonpError::DataNotJsonString)
}
