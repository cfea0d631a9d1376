//! Property tests: encode-then-decode is the identity for every packet kind and both
//! versions; the reassembler gives the same packets however the frame stream is cut.

mod sio_common;

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use sio_common::{packet, version, versioned_packet};
use socketio_proto::sio::{DecodeError, Packet, ProtocolVersion, Reassembler, ReassemblerLimits};
use socketio_proto::{Str, sio};

enum Frame {
    Text(Str),
    Binary(Bytes),
}

fn frames(v: ProtocolVersion, p: &Packet) -> Vec<Frame> {
    let (text, atts) = p.encode(v);
    std::iter::once(Frame::Text(text))
        .chain(atts.into_iter().map(Frame::Binary))
        .collect()
}

fn feed(r: &mut Reassembler, f: &Frame) -> Result<Option<Packet>, DecodeError> {
    match f {
        Frame::Text(t) => r.push_text(t.clone()),
        Frame::Binary(b) => r.push_binary(b.clone()),
    }
}

fn reassemble(v: ProtocolVersion, fs: &[Frame]) -> Vec<Packet> {
    let mut r = Reassembler::new(v, ReassemblerLimits::default());
    let out = fs.iter().filter_map(|f| feed(&mut r, f).unwrap()).collect();
    assert!(!r.is_waiting());
    out
}

proptest! {
    #[test]
    fn encode_then_decode_is_identity((v, p) in versioned_packet()) {
        let (text, atts) = p.encode(v);
        let mut r = Reassembler::new(v, ReassemblerLimits::default());
        let mut out = r.push_text(text.clone()).unwrap();
        prop_assert_eq!(out.is_none(), !atts.is_empty());
        for a in &atts {
            prop_assert!(out.is_none());
            out = r.push_binary(a.clone()).unwrap();
        }
        let decoded = out.unwrap();
        prop_assert_eq!(&decoded, &p);
        prop_assert_eq!(decoded.encode(v).0, text.clone());
        prop_assert_eq!(p.encoded_len(v), text.len());

        // encode_into after a prefix writes the same text.
        let mut buf = BytesMut::from(&b"4"[..]);
        let atts2 = p.encode_into(v, &mut buf);
        prop_assert_eq!(&buf[1..], text.as_bytes().as_ref());
        prop_assert_eq!(atts2, &atts[..]);

        // The fuzz body agrees (its frame layout: version byte, 0x1E-separated frames).
        let mut input = vec![u8::from(v == ProtocolVersion::V4)];
        input.extend_from_slice(text.as_bytes());
        for a in &atts {
            input.push(0x1E);
            input.push(0xFF);
            input.extend_from_slice(a);
        }
        if !text.as_bytes().contains(&0x1E) {
            sio::fuzz_decode_all(&input);
        }
    }

    #[test]
    fn reassembly_is_independent_of_how_the_stream_is_cut(
        v in version(),
        ps in version().prop_flat_map(|_| prop::collection::vec(
            prop_oneof![packet(ProtocolVersion::V4), packet(ProtocolVersion::V5)], 0..8)),
        cut in any::<prop::sample::Index>(),
    ) {
        // Packets generated for either version; keep those valid in `v`.
        let ps: Vec<Packet> = ps
            .into_iter()
            .filter(|p| reassemble(v, &frames(v, p)) == vec![p.clone()])
            .collect();
        let all: Vec<Frame> = ps.iter().flat_map(|p| frames(v, p)).collect();
        // One reassembler for the whole stream, one frame at a time.
        prop_assert_eq!(&reassemble(v, &all), &ps);
        // The same stream cut at a packet boundary and fed to two reassemblers.
        let at = if ps.is_empty() { 0 } else { cut.index(ps.len() + 1) };
        let first: Vec<Frame> = ps[..at].iter().flat_map(|p| frames(v, p)).collect();
        let second: Vec<Frame> = ps[at..].iter().flat_map(|p| frames(v, p)).collect();
        let mut joined = reassemble(v, &first);
        joined.extend(reassemble(v, &second));
        prop_assert_eq!(&joined, &ps);
        // Dropping one attachment frame is always detected, never a wrong packet.
        if let Some(i) = all.iter().position(|f| matches!(f, Frame::Binary(_))) {
            let mut r = Reassembler::new(v, ReassemblerLimits::default());
            let mut got = Vec::new();
            let mut failed = false;
            for (j, f) in all.iter().enumerate() {
                if j == i { continue; }
                match feed(&mut r, f) {
                    Ok(Some(p)) => got.push(p),
                    Ok(None) => {}
                    Err(_) => { failed = true; break; }
                }
            }
            prop_assert!(failed || r.is_waiting(), "a dropped frame went unnoticed");
            for p in &got {
                prop_assert!(ps.contains(p));
            }
        }
    }
}
