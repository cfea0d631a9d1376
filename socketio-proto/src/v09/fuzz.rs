//! Fuzz body for every legacy decoder: Socket.IO 0.9 packets, payloads and handshakes, and
//! the Engine.IO v3 JSONP helpers (used by the fuzz target and the proptests).
//!
//! Panicking is deliberate here: it is how a fuzzer reports a bug. The decoders themselves
//! never panic; this harness panics only when a decoded value does not survive
//! encode-then-decode unchanged, or its encoding is not stable.
#![allow(clippy::panic)]

use bytes::Bytes;

use super::{Handshake, Packet, PayloadLimits, decode_payload, encode_payload};
use crate::Str;
use crate::eio::jsonp;

/// Runs every legacy decoder over `data` and checks the round trip of whatever decodes.
#[doc(hidden)]
pub fn fuzz_decode_all(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let index = jsonp::JsonpIndex::parse(&String::from_utf8_lossy(data));
    if let Ok(decoded) = jsonp::decode_form_body(&bytes) {
        let index = index.ok().or(jsonp::JsonpIndex::new(0));
        if let Some(index) = index {
            check_jsonp(index, &decoded);
        }
    }
    if let Ok(decoded) = super::jsonp::decode_post_body(&bytes)
        && let Ok(index) = jsonp::JsonpIndex::parse("1")
    {
        let wrapped = super::jsonp::wrap_response(index, &decoded);
        if !wrapped.starts_with(b"io.j[1](\"") {
            panic!("0.9 jsonp response {wrapped:?} is not wrapped");
        }
    }
    let Ok(text) = Str::from_utf8(bytes) else {
        return;
    };
    if let Ok(packet) = Packet::decode(text.clone()) {
        check_packet(&packet);
    }
    let limits = PayloadLimits::default();
    if let Ok(packets) = decode_payload(&text, &limits) {
        let encoded: Vec<Str> = packets.iter().map(check_packet).collect();
        let body = encode_payload(&encoded);
        match decode_payload(&body, &limits) {
            Ok(again) if again == packets => {}
            other => panic!("payload round trip changed {packets:?} into {other:?}"),
        }
    }
    if let Ok(handshake) = Handshake::parse(&text) {
        let Ok(body) = handshake.encode() else {
            panic!("parsed handshake {handshake:?} does not encode");
        };
        let again = Handshake::parse(&body);
        if again.as_ref() != Ok(&handshake) {
            panic!("handshake round trip changed {handshake:?} into {again:?}");
        }
    }
}

/// Encodes `packet`, decodes it again and checks both agree; returns the encoding.
fn check_packet(packet: &Packet) -> Str {
    let encoded = match packet.encode() {
        Ok(encoded) => encoded,
        Err(e) => panic!("decoded packet {packet:?} does not encode: {e}"),
    };
    match Packet::decode(encoded.clone()) {
        Ok(again) if again == *packet => {
            if again.encode().as_ref() != Ok(&encoded) {
                panic!("encoding of {packet:?} is not stable");
            }
        }
        other => panic!("round trip of {encoded:?} changed {packet:?} into {other:?}"),
    }
    encoded
}

/// The JSONP response for `payload` must be `___eio[<index>](<literal>);` where the literal
/// parses back (as JSON) to `payload` and holds no raw U+2028 / U+2029.
fn check_jsonp(index: jsonp::JsonpIndex, payload: &str) {
    let body = jsonp::wrap_response(index, payload);
    let Ok(body) = std::str::from_utf8(&body) else {
        panic!("jsonp response is not utf-8");
    };
    let prefix = format!("___eio[{index}](");
    let literal = body
        .strip_prefix(prefix.as_str())
        .and_then(|rest| rest.strip_suffix(");"));
    let Some(literal) = literal else {
        panic!("jsonp response {body:?} is not wrapped");
    };
    if literal.contains(['\u{2028}', '\u{2029}']) {
        panic!("jsonp literal {literal:?} holds a raw line separator");
    }
    if serde_json::from_str::<String>(literal).ok().as_deref() != Some(payload) {
        panic!("jsonp literal {literal:?} does not decode to {payload:?}");
    }
}
