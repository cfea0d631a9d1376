//! Standard base64 (with padding) written straight into an output buffer.
//!
//! Engine.IO sends binary data inside text polling bodies as base64: `b<base64>` in v4,
//! `b4<base64>` in v3. Encoding writes into the payload buffer in place so no temporary
//! string is made per packet.

use ::base64::Engine as _;
use ::base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

/// Length of the base64 text for `len` bytes; saturates instead of overflowing (only reachable
/// for lengths no allocation could hold).
pub(super) fn encoded_len(len: usize) -> usize {
    ::base64::encoded_len(len, true).unwrap_or(usize::MAX)
}

/// Appends the base64 text of `data` to `out`.
pub(super) fn encode_into(data: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    let Some(end) = start.checked_add(encoded_len(data.len())) else {
        return;
    };
    out.resize(end, 0);
    if let Some(tail) = out.get_mut(start..) {
        // The tail is exactly the encoded length, so this cannot report a short buffer; if it
        // somehow did, drop the partial write rather than leave zero bytes in the text.
        if STANDARD.encode_slice(data, tail).is_err() {
            out.truncate(start);
        }
    }
}

/// Decodes canonical standard base64 with padding, or `None`.
pub(super) fn decode(text: &[u8]) -> Option<Bytes> {
    STANDARD.decode(text).ok().map(Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_in_place_and_decodes() {
        let mut out = b"b".to_vec();
        encode_into(&[1, 2, 3, 4], &mut out);
        assert_eq!(&out[..], b"bAQIDBA==");
        assert_eq!(encoded_len(4), 8);
        assert_eq!(
            decode(b"AQIDBA==").unwrap(),
            Bytes::from_static(&[1, 2, 3, 4])
        );
        assert_eq!(decode(b"").unwrap(), Bytes::new());
    }

    #[test]
    fn rejects_non_canonical_base64() {
        assert!(decode(b"AQIDBA").is_none(), "padding is required");
        assert!(decode(b"AQIDBA=").is_none());
        assert!(
            decode(b"AQ-_").is_none(),
            "url-safe alphabet is not standard"
        );
        assert!(decode(b"AR==").is_none(), "non-zero trailing bits");
        assert!(decode(b"AQID BA==").is_none());
    }
}
