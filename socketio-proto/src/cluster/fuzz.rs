//! Fuzz body for the cluster codec (used by the fuzz target and the proptests).
//!
//! Panicking is deliberate here: it is how a fuzzer reports a bug. The decoders never
//! panic; this harness panics only when something that decoded does not re-encode to bytes
//! that decode to the same thing (compared by their encoding, so NaN compares equal).
#![allow(clippy::panic)]

use bytes::Bytes;

use super::{
    BroadcastMessage, ClusterLimits, Request, Response, ShardedMessage, decode_value, encode_value,
};

/// Runs every cluster decoder over `data` (as it is, and with small limits) and checks the
/// round trip of whatever decodes.
#[doc(hidden)]
pub fn fuzz_decode_all(data: &[u8]) {
    let bytes = Bytes::copy_from_slice(data);
    let small = ClusterLimits {
        max_message_bytes: 64,
        max_depth: 3,
        max_values: 16,
    };
    for limits in [ClusterLimits::default(), small] {
        if let Ok(v) = decode_value(&bytes, &limits) {
            let once = encode_value(&v);
            let again = decode_value(&once, &ClusterLimits::default()).map(|v| encode_value(&v));
            if again.as_ref().ok() != Some(&once) {
                panic!("value round trip changed {once:?} into {again:?}");
            }
            // Conversions towards clients never panic either.
            let _ = v.to_json();
            let mut plain = String::new();
            let _ = v.write_plain_json(&mut plain);
        }
        if let Ok(m) = BroadcastMessage::decode(&bytes, &limits) {
            let once = m.encode();
            match BroadcastMessage::decode(&once, &ClusterLimits::default()) {
                Ok(again) if again.encode() == once => {}
                other => panic!("broadcast round trip of {m:?} gave {other:?}"),
            }
            let _ = m.packet.to_packet();
        }
        if let Ok(r) = Request::decode(&bytes, &limits) {
            check(&r, Request::encode, Request::decode);
        }
        if let Ok(r) = Response::decode(&bytes, &limits) {
            check(&r, Response::encode, Response::decode);
        }
        if let Ok(m) = ShardedMessage::decode(&bytes, &limits) {
            check(&m, ShardedMessage::encode, ShardedMessage::decode);
        }
        fuzz_streams(&bytes, &limits);
    }
}

/// The streams backend's decoders: the bytes as a pub/sub message, a session key's value,
/// an offset, and split at their first zero bytes into the fields of a stream entry.
fn fuzz_streams(bytes: &Bytes, limits: &ClusterLimits) {
    use super::streams::{StoredSession, StreamMessage, StreamOffset};
    if let Ok(m) = StreamMessage::decode_pubsub(bytes, limits) {
        let once = m.encode_pubsub();
        match StreamMessage::decode_pubsub(&once, &ClusterLimits::default()) {
            Ok(again) if again.encode_pubsub() == once => {}
            other => panic!("pub/sub round trip of {m:?} gave {other:?}"),
        }
    }
    if let Ok(s) = StoredSession::decode(bytes, limits) {
        let once = s.encode();
        match StoredSession::decode(once.as_bytes(), &ClusterLimits::default()) {
            Ok(again) if again.encode() == once => {}
            other => panic!("session round trip of {s:?} gave {other:?}"),
        }
    }
    if let Some(o) = std::str::from_utf8(bytes)
        .ok()
        .and_then(StreamOffset::parse)
    {
        assert_eq!(StreamOffset::parse(&o.to_string()), Some(o));
        assert!(o.next().is_none_or(|n| n > o));
    }
    let parts: Vec<Bytes> = bytes
        .split(|b| *b == 0)
        .map(Bytes::copy_from_slice)
        .collect();
    let fields: Vec<(Bytes, Bytes)> = parts
        .chunks(2)
        .filter_map(|c| Some((c.first()?.clone(), c.get(1)?.clone())))
        .collect();
    if let Ok(m) = StreamMessage::decode_entry(&fields, limits) {
        let once: Vec<(Bytes, Bytes)> = m
            .encode_entry()
            .into_iter()
            .map(|(k, v)| (Bytes::from_static(k.as_bytes()), Bytes::from(v)))
            .collect();
        match StreamMessage::decode_entry(&once, &ClusterLimits::default()) {
            Ok(again) if again.encode_entry() == m.encode_entry() => {}
            other => panic!("entry round trip of {m:?} gave {other:?}"),
        }
    }
}

/// An encodable message must decode back to bytes that encode the same.
fn check<T: std::fmt::Debug>(
    m: &T,
    encode: impl Fn(&T) -> Result<Bytes, super::DecodeError>,
    decode: impl Fn(&Bytes, &ClusterLimits) -> Result<T, super::DecodeError>,
) {
    // A map key JSON cannot hold is refused on encoding; that is the one allowed failure.
    let Ok(once) = encode(m) else {
        return;
    };
    let again = decode(&once, &ClusterLimits::default()).map(|v| encode(&v).ok());
    match again {
        Ok(Some(b)) if b == once => {}
        other => panic!("round trip of {m:?} ({once:?}) gave {other:?}"),
    }
}
