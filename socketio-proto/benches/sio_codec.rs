//! Socket.IO codec throughput: a small event, a 1 KiB event and a 64 KiB binary event,
//! encoded into an Engine.IO-prefixed buffer and decoded (with full JSON validation).
#![allow(missing_docs)]

use bytes::{Bytes, BytesMut};
use divan::{Bencher, black_box};
use socketio_proto::sio::{
    Packet, Payload, Placeholder, ProtocolVersion, Reassembler, ReassemblerLimits,
};

const V: ProtocolVersion = ProtocolVersion::V5;

fn small() -> Packet {
    let args = Payload::from_serialize(&("hello", 42)).unwrap();
    Packet::event("/", "message", &args, Vec::new(), Some(12))
}

fn kib() -> Packet {
    let items: Vec<serde_json::Value> = (0..30)
        .map(|i| serde_json::json!({"id": i, "name": format!("user-{i}"), "ok": i % 2 == 0}))
        .collect();
    let args = Payload::from_serialize(&[items]).unwrap();
    let p = Packet::event("/chat", "batch", &args, Vec::new(), None);
    assert!((900..1300).contains(&p.encode(V).0.len()), "about 1 KiB");
    p
}

fn binary() -> Packet {
    let args = Payload::from_serialize(&("upload", Placeholder(0))).unwrap();
    let data = Bytes::from(vec![7u8; 64 * 1024]);
    Packet::event("/", "file", &args, vec![data], Some(3))
}

fn main() {
    divan::main();
}

fn bench_encode(b: Bencher<'_, '_>, p: Packet) {
    b.bench(|| {
        let mut buf = BytesMut::new();
        buf.extend_from_slice(b"4");
        let atts = black_box(&p).encode_into(V, &mut buf).len();
        (buf.freeze(), atts)
    });
}

fn bench_decode(b: Bencher<'_, '_>, p: Packet) {
    let (text, atts) = p.encode(V);
    let mut r = Reassembler::new(V, ReassemblerLimits::default());
    b.bench_local(|| {
        let mut out = r.push_text(black_box(text.clone())).unwrap();
        for a in &atts {
            out = r.push_binary(a.clone()).unwrap();
        }
        out.unwrap()
    });
}

#[divan::bench]
fn encode_small(b: Bencher<'_, '_>) {
    bench_encode(b, small());
}
#[divan::bench]
fn encode_1kib(b: Bencher<'_, '_>) {
    bench_encode(b, kib());
}
#[divan::bench]
fn encode_64kib_binary(b: Bencher<'_, '_>) {
    bench_encode(b, binary());
}
#[divan::bench]
fn decode_small(b: Bencher<'_, '_>) {
    bench_decode(b, small());
}
#[divan::bench]
fn decode_1kib(b: Bencher<'_, '_>) {
    bench_decode(b, kib());
}
#[divan::bench]
fn decode_64kib_binary(b: Bencher<'_, '_>) {
    bench_decode(b, binary());
}

/// Typed access after decode: the event name and typed args of the small event.
#[divan::bench]
fn decode_small_then_typed_args(b: Bencher<'_, '_>) {
    let (text, _) = small().encode(V);
    b.bench(|| {
        let p = Packet::decode(V, black_box(text.clone())).unwrap();
        let socketio_proto::sio::Decoded::Complete(Packet {
            body: socketio_proto::sio::PacketBody::Event { data, .. },
            ..
        }) = p
        else {
            unreachable!()
        };
        let args: (String, u32) = data.event_args().unwrap();
        (data.event_name().unwrap().len(), args)
    });
}

/// Baseline: serde_json alone skipping the 1 KiB event's JSON (the floor for validation).
#[divan::bench]
fn baseline_serde_json_ignore_1kib(b: Bencher<'_, '_>) {
    let (text, _) = kib().encode(V);
    let json = text.as_str().split_once(',').unwrap().1.to_owned();
    b.bench(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(&json)).unwrap());
}

/// Baseline: a socketioxide-style header slice without validating the JSON.
#[divan::bench]
fn baseline_utf8_check_1kib(b: Bencher<'_, '_>) {
    let (text, _) = kib().encode(V);
    let bytes = text.as_bytes().clone();
    b.bench(|| std::str::from_utf8(black_box(&bytes)).is_ok());
}
