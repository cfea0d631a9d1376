//! Socket.IO codec throughput, ours (`socketio_proto`) against the parser of socketioxide, the
//! leading Rust Socket.IO server (`socketioxide-parser-common` 0.17.3 with `socketioxide-core`
//! 0.20), on the same inputs in the same run.
//!
//! Run: `cargo bench -p socketio-proto --bench codec`. Every group has an `ours` and a `theirs`
//! function; the rows under them are the cases:
//!
//! - `Small`: `12["message",{"user":"alice","text":"hello, world"}]` on `/` (one argument, ack id);
//! - `Kib`: `/chat,["batch",[ 30 objects ]]`, about 1 KiB;
//! - `Binary64K`: `51-3["file","upload",{"_placeholder":true,"num":0}]` plus one 64 KiB attachment;
//! - `msgpack_*`: the same three cases under the msgpack parser, against
//!   `socketioxide-parser-msgpack` 0.17.4 (see that section);
//! - `polling_100`: a v4 long-polling body of 100 `42["chat",{..}]` packets (~50 bytes each).
//!
//! # Fairness rules
//!
//! - Same inputs, byte for byte: every fixture asserts that both encoders produce the same wire
//!   text (ours carries the Engine.IO `4` prefix, theirs does not: it is stripped for the check)
//!   and the same attachments, and both decoders are fed that text. Inputs and outputs go
//!   through `black_box`, and outputs are dropped inside the timed region, as a server frees a
//!   message once handled (this also keeps the allocator in its steady state for both sides).
//! - socketioxide's `decode_str` only slices the header: it does NOT parse or validate the JSON,
//!   while ours validates the whole payload (syntax, shape, event name, placeholders). Decoding
//!   is therefore measured at two levels:
//!   - `decode_dispatch` (level a, what an application receives): wire frame(s) to namespace,
//!     event name and arguments as `serde_json::Value`. Theirs: `decode_str` (+ `decode_bin` per
//!     attachment, with one long-lived `ParserState` that each complete packet resets), then
//!     `read_event` and `decode_value::<serde_json::Value>(.., true)`. Ours: `Reassembler`
//!     `push_text` (+ `push_binary`), then `event_name` and `event_args_value`. All cases use a
//!     single JSON argument, because theirs with `serde_json::Value` yields only the first
//!     argument; for the binary case, whose arguments are `("upload", <bytes>)` and where a
//!     `serde_json::Value` cannot hold bytes, theirs decodes `(serde_json::Value, Bytes)` and ours
//!     gives the arguments as a JSON array (placeholder object included) plus the attachment.
//!     Theirs copies each attachment (`Bytes::copy_from_slice` in `decode_bin`, by design); ours
//!     shares the received buffer.
//!   - `decode_packet` (level b, for information only): their header-only slicing against our
//!     fully validating decode; not a like-for-like comparison.
//!   - `decode_typed` (level c): event name plus arguments deserialized into typed structs on
//!     both sides (`Data<T>`-style for theirs, `event_args::<(T,)>` for ours).
//! - Encoding:
//!   - `encode_app` (level a): application data (event name and a `Serialize` value) to the
//!     wire. Theirs: `encode_value(&args, Some(event))` + `Packet::event` (+ `set_ack_id`) +
//!     `encode`. Ours: `Args::new` + `Packet::event` +
//!     `encode_message_frame`, the Engine.IO message frame (`4` and the header, one exactly
//!     sized buffer) that the engine sends. Ours therefore
//!     produces the complete Engine.IO frame, theirs the Socket.IO text only (engineioxide adds
//!     the `4` later). For bytes, theirs copies the attachment into the packet; ours takes a
//!     shared `Bytes`.
//!   - `encode_packet` (level b): an already built packet (JSON already serialized) to the wire.
//!     Theirs' `encode` consumes the packet, so it is cloned outside the timed region.
//! - Polling body (100 packets): ours decodes with `eio::payload::decode` and then decodes each
//!   Socket.IO packet as above. engineioxide's payload decoder is not public API, so theirs is
//!   emulated generously: the body is UTF-8-checked and copied once into a `Str` (its packets
//!   must be valid UTF-8 strings), split on `0x1e` with `memchr`, the `4` stripped by slicing,
//!   then `decode_str` (+ `read_event` + `decode_value`) per packet. Encoding joins 100 already
//!   encoded packets into one body: ours with `eio::payload::encode` over 100 frames; theirs by
//!   joining its 100 encoded strings with `0x1e` and the `4` prefix into one pre-sized `String`
//!   (what its polling transport does).
//! - Both sides use the same `serde_json` build (one version in the lock file).
//! - `floor` (neither side): the shared work no codec can skip, on the same inputs. Per case,
//!   `json_value` / `json_typed` parse the arguments array with `serde_json` alone (into
//!   `serde_json::Value`, into the typed arguments) and drop the result; `json_serialize`
//!   serializes the application data; `alloc_copy` allocates a `String` of the encoded
//!   frame's length and copies the frame into it. A side's time can approach its floor but
//!   not go under it, so `theirs / floor` bounds the speedup any codec can show on that case.
//! - The numbers are medians of divan samples on a shared machine: compare ratios from one run,
//!   and repeat runs to see the noise.
#![allow(missing_docs)]

use std::collections::VecDeque;

use bytes::Bytes;
use divan::{Bencher, black_box};
use serde::{Deserialize, Serialize};
use socketio_proto::Str;
use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
use socketio_proto::eio::{self, Frame, Message};
use socketio_proto::msgpack::MsgpackLimits;
use socketio_proto::sio::{
    Args, Packet, PacketBody, Payload, Placeholder, ProtocolVersion, Reassembler, ReassemblerLimits,
};
use socketioxide_core::packet::{Packet as XPacket, PacketData};
use socketioxide_core::parser::{Parse, ParseConfig, ParseError, ParserState};
use socketioxide_core::{Str as XStr, Value as XValue};
use socketioxide_parser_common::CommonParser;
use socketioxide_parser_msgpack::MsgPackParser;

const V: ProtocolVersion = ProtocolVersion::V5;
const SAMPLES: u32 = 300;

fn main() {
    // `MSGPACK_COUNT=<op>:<ours|theirs>:<Small|Kib|Binary64K>:<n>` runs one msgpack case `n`
    // times and exits, for instruction counts under callgrind where wall time is too noisy
    // (see the msgpack section).
    if let Ok(spec) = std::env::var("MSGPACK_COUNT") {
        return mp_count(&spec);
    }
    divan::main();
}

// ---------------------------------------------------------------------------------------------
// Cases

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Chat {
    user: String,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
    name: String,
    ok: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Msg {
    from: String,
    text: String,
}

/// How a placeholder reads back on our side; the application maps `num` to an attachment.
#[derive(Debug, Deserialize)]
struct PlaceholderRef {
    num: usize,
}

/// One benchmarked event: its wire shape and, per side, how an application handles it.
trait Scenario {
    const NSP: &'static str;
    const EVENT: &'static str;
    const ID: Option<u64>;
    /// The application's data, as theirs `encode_value` takes it.
    type Args: Serialize;
    type TheirsArgs;
    type OursTyped;
    type TheirsTyped;
    fn args() -> Self::Args;
    /// Ours: the arguments array (binaries as placeholders).
    fn ours_payload(args: &Self::Args) -> Args;
    /// Ours: the attachments, shared.
    fn attachments(args: &Self::Args) -> Vec<Bytes>;
    fn theirs_args(v: &mut XValue) -> Self::TheirsArgs;
    fn ours_typed(p: &Packet) -> Self::OursTyped;
    fn theirs_typed(v: &mut XValue) -> Self::TheirsTyped;
}

struct Small;
struct Kib;
struct Binary64K;

impl Scenario for Small {
    const NSP: &'static str = "/";
    const EVENT: &'static str = "message";
    const ID: Option<u64> = Some(12);
    type Args = Chat;
    type TheirsArgs = serde_json::Value;
    type OursTyped = Chat;
    type TheirsTyped = Chat;
    fn args() -> Chat {
        Chat {
            user: "alice".into(),
            text: "hello, world".into(),
        }
    }
    fn ours_payload(args: &Chat) -> Args {
        Args::new(&(args,)).unwrap()
    }
    fn attachments(_: &Chat) -> Vec<Bytes> {
        Vec::new()
    }
    fn theirs_args(v: &mut XValue) -> serde_json::Value {
        CommonParser.decode_value(v, true).unwrap()
    }
    fn ours_typed(p: &Packet) -> Chat {
        data(p).event_args::<(Chat,)>().unwrap().0
    }
    fn theirs_typed(v: &mut XValue) -> Chat {
        CommonParser.decode_value(v, true).unwrap()
    }
}

impl Scenario for Kib {
    const NSP: &'static str = "/chat";
    const EVENT: &'static str = "batch";
    const ID: Option<u64> = None;
    type Args = Vec<Item>;
    type TheirsArgs = serde_json::Value;
    type OursTyped = Vec<Item>;
    type TheirsTyped = Vec<Item>;
    fn args() -> Vec<Item> {
        (0..30)
            .map(|i| Item {
                id: i,
                name: format!("user-{i}"),
                ok: i % 2 == 0,
            })
            .collect()
    }
    fn ours_payload(args: &Vec<Item>) -> Args {
        Args::new(&(args,)).unwrap()
    }
    fn attachments(_: &Vec<Item>) -> Vec<Bytes> {
        Vec::new()
    }
    fn theirs_args(v: &mut XValue) -> serde_json::Value {
        CommonParser.decode_value(v, true).unwrap()
    }
    fn ours_typed(p: &Packet) -> Vec<Item> {
        data(p).event_args::<(Vec<Item>,)>().unwrap().0
    }
    fn theirs_typed(v: &mut XValue) -> Vec<Item> {
        CommonParser.decode_value(v, true).unwrap()
    }
}

impl Scenario for Binary64K {
    const NSP: &'static str = "/";
    const EVENT: &'static str = "file";
    const ID: Option<u64> = Some(3);
    type Args = (&'static str, Bytes);
    type TheirsArgs = (serde_json::Value, Bytes);
    type OursTyped = (String, Bytes);
    type TheirsTyped = (String, Bytes);
    fn args() -> Self::Args {
        ("upload", Bytes::from(vec![7u8; 64 * 1024]))
    }
    fn ours_payload(args: &Self::Args) -> Args {
        Args::new(&(args.0, Placeholder(0))).unwrap()
    }
    fn attachments(args: &Self::Args) -> Vec<Bytes> {
        vec![args.1.clone()]
    }
    fn theirs_args(v: &mut XValue) -> Self::TheirsArgs {
        CommonParser.decode_value(v, true).unwrap()
    }
    fn ours_typed(p: &Packet) -> (String, Bytes) {
        let (name, ph) = data(p).event_args::<(String, PlaceholderRef)>().unwrap();
        (name, p.attachments().get(ph.num).unwrap().clone())
    }
    fn theirs_typed(v: &mut XValue) -> (String, Bytes) {
        CommonParser.decode_value(v, true).unwrap()
    }
}

/// Drops a result inside the timed region, after hiding it from the optimizer.
fn consume<T>(t: T) {
    drop(black_box(t));
}

fn data(p: &Packet) -> &Payload {
    match &p.body {
        PacketBody::Event { data, .. } => data,
        _ => unreachable!("an event"),
    }
}

fn their_data(p: &mut XPacket) -> &mut XValue {
    match &mut p.inner {
        PacketData::Event(v, _) | PacketData::BinaryEvent(v, _) => v,
        _ => unreachable!("an event"),
    }
}

// ---------------------------------------------------------------------------------------------
// The two pipelines, as an application server runs them.

fn ours_encode_app<S: Scenario>(args: &S::Args) -> (Frame, Packet) {
    let payload = S::ours_payload(args);
    let p = Packet::event(
        Str::from_static(S::NSP),
        S::EVENT,
        &payload,
        S::attachments(args),
        S::ID,
    )
    .unwrap();
    let frame = ours_frame(&p);
    (frame, p)
}

/// The Engine.IO message frame: `4` and the header, written once into an exactly sized
/// buffer (what the engine sends).
fn ours_frame(p: &Packet) -> Frame {
    p.encode_message_frame(V)
}

fn theirs_encode_app<S: Scenario>(args: &S::Args) -> XValue {
    CommonParser.encode(theirs_packet::<S>(args))
}

fn theirs_packet<S: Scenario>(args: &S::Args) -> XPacket {
    let value = CommonParser.encode_value(args, Some(S::EVENT)).unwrap();
    let mut p = XPacket::event(S::NSP, value);
    if let Some(id) = S::ID {
        p.inner.set_ack_id(i64::try_from(id).unwrap());
    }
    p
}

fn ours_decode(r: &mut Reassembler, text: Str, atts: &[Bytes]) -> Packet {
    let mut out = r.push_text(text).unwrap();
    for a in atts {
        out = r.push_binary(a.clone()).unwrap();
    }
    out.unwrap()
}

fn theirs_decode(cfg: &ParseConfig, state: &ParserState, text: XStr, atts: &[Bytes]) -> XPacket {
    match CommonParser.decode_str(cfg, state, text) {
        Ok(p) => p,
        Err(ParseError::NeedsMoreBinaryData) => {
            let mut last = Err(ParseError::NeedsMoreBinaryData);
            for a in atts {
                last = CommonParser.decode_bin(cfg, state, a.clone());
            }
            last.unwrap()
        }
        Err(e) => panic!("{e}"),
    }
}

fn ours_dispatch(p: &Packet) -> serde_json::Value {
    let d = data(p);
    black_box(d.event_name().unwrap());
    d.event_args_value().unwrap()
}

fn theirs_dispatch<S: Scenario>(p: &mut XPacket) -> S::TheirsArgs {
    let v = their_data(p);
    black_box(CommonParser.read_event(v).unwrap());
    S::theirs_args(v)
}

/// Both sides' encodings of one case, checked to be the same wire bytes.
struct Fixture<S: Scenario> {
    args: S::Args,
    ours: Packet,
    ours_text: Str,
    atts: Vec<Bytes>,
    theirs: XPacket,
    theirs_text: XStr,
}

fn fixture<S: Scenario>() -> Fixture<S> {
    let args = S::args();
    let (frame, ours) = ours_encode_app::<S>(&args);
    let Frame::Text(frame) = frame else {
        unreachable!()
    };
    let (ours_text, atts) = ours.encode(V);
    assert_eq!(frame.as_str().strip_prefix('4'), Some(ours_text.as_str()));
    let theirs = theirs_packet::<S>(&args);
    let XValue::Str(theirs_text, bins) = theirs_encode_app::<S>(&args) else {
        unreachable!()
    };
    assert_eq!(ours_text.as_str(), theirs_text.as_str(), "same wire text");
    assert_eq!(VecDeque::from(atts.clone()), bins.unwrap_or_default());

    // Both decoders accept it and agree on what the application receives.
    let mut r = Reassembler::new(V, ReassemblerLimits::default());
    let p = ours_decode(&mut r, ours_text.clone(), &atts);
    assert_eq!(p, ours);
    let mut tp = theirs_decode(
        &ParseConfig::default(),
        &ParserState::default(),
        theirs_text.clone(),
        &atts,
    );
    assert_eq!(tp.ns.as_str(), S::NSP);
    assert_eq!(
        data(&p).event_name().unwrap(),
        CommonParser.read_event(their_data(&mut tp)).unwrap()
    );
    Fixture {
        args,
        ours,
        ours_text,
        atts,
        theirs,
        theirs_text,
    }
}

// ---------------------------------------------------------------------------------------------
// Single events

/// Level a: application data to the wire.
#[divan::bench_group(sample_count = SAMPLES)]
mod encode_app {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        b.bench_local(|| consume(ours_encode_app::<S>(black_box(&f.args))));
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        b.bench_local(|| consume(theirs_encode_app::<S>(black_box(&f.args))));
    }
}

/// Level b: a built packet (JSON already serialized) to the wire.
#[divan::bench_group(sample_count = SAMPLES)]
mod encode_packet {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        b.bench_local(|| {
            let p = black_box(&f.ours);
            consume((ours_frame(p), p.attachments().len()));
        });
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        b.with_inputs(|| f.theirs.clone())
            .bench_local_values(|p| consume(CommonParser.encode(black_box(p))));
    }
}

/// Level a: wire to namespace, event name and `serde_json::Value` arguments.
#[divan::bench_group(sample_count = SAMPLES)]
mod decode_dispatch {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        let mut r = Reassembler::new(V, ReassemblerLimits::default());
        b.bench_local(|| {
            let p = ours_decode(&mut r, black_box(f.ours_text.clone()), &f.atts);
            let args = ours_dispatch(&p);
            consume((p, args));
        });
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        let (cfg, state) = (ParseConfig::default(), ParserState::default());
        b.bench_local(|| {
            let mut p = theirs_decode(&cfg, &state, black_box(f.theirs_text.clone()), &f.atts);
            let args = theirs_dispatch::<S>(&mut p);
            consume((p, args));
        });
    }
}

/// Level b, for information: wire to packet. Theirs does not look at the JSON; ours validates it.
#[divan::bench_group(sample_count = SAMPLES)]
mod decode_packet {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        let mut r = Reassembler::new(V, ReassemblerLimits::default());
        b.bench_local(|| consume(ours_decode(&mut r, black_box(f.ours_text.clone()), &f.atts)));
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        let (cfg, state) = (ParseConfig::default(), ParserState::default());
        b.bench_local(|| {
            consume(theirs_decode(
                &cfg,
                &state,
                black_box(f.theirs_text.clone()),
                &f.atts,
            ))
        });
    }
}

/// Level c: wire to event name and typed arguments.
#[divan::bench_group(sample_count = SAMPLES)]
mod decode_typed {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        let mut r = Reassembler::new(V, ReassemblerLimits::default());
        b.bench_local(|| {
            let p = ours_decode(&mut r, black_box(f.ours_text.clone()), &f.atts);
            black_box(data(&p).event_name().unwrap());
            consume(S::ours_typed(&p));
        });
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: Scenario>(b: Bencher<'_, '_>) {
        let f = fixture::<S>();
        let (cfg, state) = (ParseConfig::default(), ParserState::default());
        b.bench_local(|| {
            let mut p = theirs_decode(&cfg, &state, black_box(f.theirs_text.clone()), &f.atts);
            let v = their_data(&mut p);
            black_box(CommonParser.read_event(v).unwrap());
            consume(S::theirs_typed(v));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// The msgpack parser (socket.io-msgpack-parser's wire form), ours against socketioxide's
// `socketioxide-parser-msgpack` 0.17.4, on the same three cases. Both decoders are fed the same
// bytes (ours, which are notepack.io's: the fixture checks theirs decodes them to the same
// event); `msgpack_decode_dispatch` ends, as `decode_dispatch`, at the event name and the
// arguments as `serde_json::Value` (ours: the placeholder JSON plus the shared attachment for
// the binary case), `msgpack_decode_typed` at the typed arguments, `msgpack_encode_app` at
// the wire bytes from the application's data. Instruction counts of one case (setup
// subtracted by also running n = 0):
// `MSGPACK_COUNT=decode_dispatch:ours:Kib:200 valgrind --tool=callgrind target/release/deps/codec-*`.

/// The msgpack side of a case: how theirs reads the arguments.
trait MpScenario: Scenario {
    fn theirs_mp_args(v: &mut XValue) -> Self::TheirsArgs;
    fn theirs_mp_typed(v: &mut XValue) -> Self::TheirsTyped;
}

impl MpScenario for Small {
    fn theirs_mp_args(v: &mut XValue) -> serde_json::Value {
        MsgPackParser.decode_value(v, true).unwrap()
    }
    fn theirs_mp_typed(v: &mut XValue) -> Chat {
        MsgPackParser.decode_value(v, true).unwrap()
    }
}

impl MpScenario for Kib {
    fn theirs_mp_args(v: &mut XValue) -> serde_json::Value {
        MsgPackParser.decode_value(v, true).unwrap()
    }
    fn theirs_mp_typed(v: &mut XValue) -> Vec<Item> {
        MsgPackParser.decode_value(v, true).unwrap()
    }
}

impl MpScenario for Binary64K {
    fn theirs_mp_args(v: &mut XValue) -> (serde_json::Value, Bytes) {
        MsgPackParser.decode_value(v, true).unwrap()
    }
    fn theirs_mp_typed(v: &mut XValue) -> (String, Bytes) {
        MsgPackParser.decode_value(v, true).unwrap()
    }
}

fn ours_mp_encode_app<S: Scenario>(args: &S::Args) -> Bytes {
    let payload = S::ours_payload(args);
    let p = Packet::event(
        Str::from_static(S::NSP),
        S::EVENT,
        &payload,
        S::attachments(args),
        S::ID,
    )
    .unwrap();
    p.encode_msgpack(V).unwrap()
}

fn theirs_mp_encode_app<S: Scenario>(args: &S::Args) -> XValue {
    let value = MsgPackParser.encode_value(args, Some(S::EVENT)).unwrap();
    let mut p = XPacket::event(S::NSP, value);
    if let Some(id) = S::ID {
        p.inner.set_ack_id(i64::try_from(id).unwrap());
    }
    MsgPackParser.encode(p)
}

fn ours_mp_decode(bytes: &Bytes) -> Packet {
    Packet::decode_msgpack(V, bytes, &MsgpackLimits::default()).unwrap()
}

fn theirs_mp_decode(bytes: &Bytes) -> XPacket {
    MsgPackParser
        .decode_bin(
            &ParseConfig::default(),
            &ParserState::default(),
            bytes.clone(),
        )
        .unwrap()
}

/// Our encoding of the case, checked to decode on both sides to the same event, and theirs
/// to decode on ours.
fn mp_fixture<S: MpScenario>() -> (S::Args, Bytes) {
    let args = S::args();
    let ours = ours_mp_encode_app::<S>(&args);
    let mut tp = theirs_mp_decode(&ours);
    assert_eq!(tp.ns.as_str(), S::NSP);
    let p = ours_mp_decode(&ours);
    assert_eq!(
        data(&p).event_name().unwrap(),
        MsgPackParser.read_event(their_data(&mut tp)).unwrap()
    );
    let XValue::Bytes(theirs) = theirs_mp_encode_app::<S>(&args) else {
        unreachable!("msgpack is bytes")
    };
    let back = ours_mp_decode(&theirs);
    assert_eq!(back.nsp, S::NSP);
    assert_eq!(data(&back).event_name().unwrap(), S::EVENT);
    assert_eq!(back.attachments(), p.attachments());
    (args, ours)
}

/// One msgpack case `n` times (see `main`).
fn mp_count(spec: &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    let [op, side, case, n] = parts[..] else {
        panic!("MSGPACK_COUNT=<op>:<side>:<case>:<n>, got {spec:?}")
    };
    let n: usize = n.parse().unwrap();
    match case {
        "Small" => mp_count_case::<Small>(op, side, n),
        "Kib" => mp_count_case::<Kib>(op, side, n),
        "Binary64K" => mp_count_case::<Binary64K>(op, side, n),
        other => panic!("unknown case {other}"),
    }
}

fn mp_count_case<S: MpScenario>(op: &str, side: &str, n: usize) {
    let (args, bytes) = mp_fixture::<S>();
    for _ in 0..n {
        match (op, side) {
            ("encode_app", "ours") => consume(ours_mp_encode_app::<S>(black_box(&args))),
            ("encode_app", "theirs") => consume(theirs_mp_encode_app::<S>(black_box(&args))),
            ("decode_dispatch", "ours") => {
                let p = ours_mp_decode(black_box(&bytes));
                consume((ours_dispatch(&p), p));
            }
            ("decode_dispatch", "theirs") => {
                let mut p = theirs_mp_decode(black_box(&bytes));
                let v = their_data(&mut p);
                black_box(MsgPackParser.read_event(v).unwrap());
                consume((S::theirs_mp_args(v), p));
            }
            ("decode_typed", "ours") => {
                let p = ours_mp_decode(black_box(&bytes));
                black_box(data(&p).event_name().unwrap());
                consume((S::ours_typed(&p), p));
            }
            ("decode_typed", "theirs") => {
                let mut p = theirs_mp_decode(black_box(&bytes));
                let v = their_data(&mut p);
                black_box(MsgPackParser.read_event(v).unwrap());
                consume((S::theirs_mp_typed(v), p));
            }
            other => panic!("unknown op {other:?}"),
        }
    }
}

/// Level a, msgpack: application data to the wire bytes.
#[divan::bench_group(sample_count = SAMPLES)]
mod msgpack_encode_app {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: MpScenario>(b: Bencher<'_, '_>) {
        let (args, _) = mp_fixture::<S>();
        b.bench_local(|| consume(ours_mp_encode_app::<S>(black_box(&args))));
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: MpScenario>(b: Bencher<'_, '_>) {
        let (args, _) = mp_fixture::<S>();
        b.bench_local(|| consume(theirs_mp_encode_app::<S>(black_box(&args))));
    }
}

/// Level a, msgpack: wire bytes to namespace, event name and `serde_json::Value` arguments.
#[divan::bench_group(sample_count = SAMPLES)]
mod msgpack_decode_dispatch {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: MpScenario>(b: Bencher<'_, '_>) {
        let (_, bytes) = mp_fixture::<S>();
        b.bench_local(|| {
            let p = ours_mp_decode(black_box(&bytes));
            let args = ours_dispatch(&p);
            consume((args, p));
        });
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: MpScenario>(b: Bencher<'_, '_>) {
        let (_, bytes) = mp_fixture::<S>();
        b.bench_local(|| {
            let mut p = theirs_mp_decode(black_box(&bytes));
            let v = their_data(&mut p);
            black_box(MsgPackParser.read_event(v).unwrap());
            let args = S::theirs_mp_args(v);
            consume((args, p));
        });
    }
}

/// Level c, msgpack: wire bytes to typed arguments.
#[divan::bench_group(sample_count = SAMPLES)]
mod msgpack_decode_typed {
    use super::*;

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn ours<S: MpScenario>(b: Bencher<'_, '_>) {
        let (_, bytes) = mp_fixture::<S>();
        b.bench_local(|| {
            let p = ours_mp_decode(black_box(&bytes));
            black_box(data(&p).event_name().unwrap());
            consume((S::ours_typed(&p), p));
        });
    }

    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn theirs<S: MpScenario>(b: Bencher<'_, '_>) {
        let (_, bytes) = mp_fixture::<S>();
        b.bench_local(|| {
            let mut p = theirs_mp_decode(black_box(&bytes));
            let v = their_data(&mut p);
            black_box(MsgPackParser.read_event(v).unwrap());
            consume((S::theirs_mp_typed(v), p));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Long-polling body of 100 packets

const POLLING_PACKETS: u32 = 100;
const SEPARATOR: u8 = 0x1e;

struct Polling {
    /// Ours: one Engine.IO frame per packet (`42[..]`).
    frames: Vec<Frame>,
    /// Theirs: one encoded Socket.IO string per packet (`2[..]`).
    strings: Vec<XStr>,
    /// The v4 body, identical for both.
    body: Bytes,
}

fn polling() -> Polling {
    let mut frames = Vec::new();
    let mut strings = Vec::new();
    for i in 0..POLLING_PACKETS {
        let msg = Msg {
            from: format!("user-{i}"),
            text: format!("message number {i}"),
        };
        let p = Packet::event(
            Str::from_static("/"),
            "chat",
            &Args::new(&(&msg,)).unwrap(),
            Vec::new(),
            None,
        )
        .unwrap();
        let frame = ours_frame(&p);
        assert!((40..=60).contains(&frame.len()), "{}", frame.len());
        frames.push(frame);
        let value = CommonParser.encode_value(&msg, Some("chat")).unwrap();
        let XValue::Str(s, _) = CommonParser.encode(XPacket::event("/", value)) else {
            unreachable!()
        };
        strings.push(s);
    }
    let body = payload::encode(PayloadFormat::V4, &frames);
    assert_eq!(&body[..], theirs_join(&strings).as_bytes(), "same body");
    Polling {
        frames,
        strings,
        body,
    }
}

/// What their polling transport does: `4` + packet, joined by the record separator.
fn theirs_join(strings: &[XStr]) -> String {
    let len = strings.iter().map(|s| s.len() + 2).sum();
    let mut out = String::with_capacity(len);
    for (i, s) in strings.iter().enumerate() {
        if i > 0 {
            out.push(char::from(SEPARATOR));
        }
        out.push('4');
        out.push_str(s);
    }
    out
}

/// Theirs: the body's Socket.IO packets, each a slice of one UTF-8-checked copy of the body.
fn theirs_split(body: &Bytes, mut each: impl FnMut(XStr)) {
    let whole = XStr::from(String::from_utf8(body.to_vec()).unwrap());
    let bytes = whole.as_bytes();
    let mut start = 0;
    loop {
        let end = memchr::memchr(SEPARATOR, &bytes[start..]).map_or(bytes.len(), |i| start + i);
        assert_eq!(bytes[start], b'4', "a message packet");
        each(whole.slice(start + 1..end));
        if end == bytes.len() {
            return;
        }
        start = end + 1;
    }
}

fn ours_split(body: &Bytes, mut each: impl FnMut(Str)) {
    let packets = payload::decode(PayloadFormat::V4, body.clone(), &PayloadLimits::default());
    for p in packets.unwrap() {
        let eio::Packet::Message(Message::Text(text)) = p else {
            unreachable!("a text message")
        };
        each(text);
    }
}

#[divan::bench_group(sample_count = SAMPLES)]
mod polling_100 {
    use super::*;

    #[divan::bench]
    fn encode_join_ours(b: Bencher<'_, '_>) {
        let f = polling();
        b.bench_local(|| consume(payload::encode(PayloadFormat::V4, black_box(&f.frames))));
    }

    #[divan::bench]
    fn encode_join_theirs(b: Bencher<'_, '_>) {
        let f = polling();
        b.bench_local(|| consume(theirs_join(black_box(&f.strings))));
    }

    #[divan::bench]
    fn decode_dispatch_ours(b: Bencher<'_, '_>) {
        let f = polling();
        let mut r = Reassembler::new(V, ReassemblerLimits::default());
        b.bench_local(|| {
            ours_split(black_box(&f.body), |text| {
                let p = ours_decode(&mut r, text, &[]);
                black_box(ours_dispatch(&p));
            });
        });
    }

    #[divan::bench]
    fn decode_dispatch_theirs(b: Bencher<'_, '_>) {
        let f = polling();
        let (cfg, state) = (ParseConfig::default(), ParserState::default());
        b.bench_local(|| {
            theirs_split(black_box(&f.body), |text| {
                let mut p = theirs_decode(&cfg, &state, text, &[]);
                black_box(theirs_dispatch::<Small>(&mut p));
            });
        });
    }

    #[divan::bench]
    fn decode_packet_ours(b: Bencher<'_, '_>) {
        let f = polling();
        let mut r = Reassembler::new(V, ReassemblerLimits::default());
        b.bench_local(|| {
            ours_split(black_box(&f.body), |text| {
                black_box(ours_decode(&mut r, text, &[]));
            });
        });
    }

    #[divan::bench]
    fn decode_packet_theirs(b: Bencher<'_, '_>) {
        let f = polling();
        let (cfg, state) = (ParseConfig::default(), ParserState::default());
        b.bench_local(|| {
            theirs_split(black_box(&f.body), |text| {
                black_box(theirs_decode(&cfg, &state, text, &[]));
            });
        });
    }

    #[divan::bench]
    fn decode_typed_ours(b: Bencher<'_, '_>) {
        let f = polling();
        let mut r = Reassembler::new(V, ReassemblerLimits::default());
        b.bench_local(|| {
            ours_split(black_box(&f.body), |text| {
                let p = ours_decode(&mut r, text, &[]);
                let d = data(&p);
                black_box(d.event_name().unwrap());
                black_box(d.event_args::<(Msg,)>().unwrap());
            });
        });
    }

    #[divan::bench]
    fn decode_typed_theirs(b: Bencher<'_, '_>) {
        let f = polling();
        let (cfg, state) = (ParseConfig::default(), ParserState::default());
        b.bench_local(|| {
            theirs_split(black_box(&f.body), |text| {
                let mut p = theirs_decode(&cfg, &state, text, &[]);
                let v = their_data(&mut p);
                black_box(CommonParser.read_event(v).unwrap());
                black_box(CommonParser.decode_value::<Msg>(v, true).unwrap());
            });
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Floors: the work both sides share, measured alone.

/// The arguments array (without the event name) as JSON text, as both decoders see it.
fn args_json<S: Scenario>(f: &Fixture<S>) -> String {
    let value = data(&f.ours).event_args_value().unwrap();
    serde_json::to_string(&value).unwrap()
}

#[divan::bench_group(sample_count = SAMPLES)]
mod floor {
    use super::*;

    /// `serde_json::from_str::<Value>` of the arguments: what `decode_dispatch` must build.
    #[divan::bench(types = [Small, Kib])]
    fn json_value<S: Scenario>(b: Bencher<'_, '_>) {
        let json = args_json(&fixture::<S>());
        b.bench_local(|| {
            consume(serde_json::from_str::<serde_json::Value>(black_box(&json)).unwrap())
        });
    }

    /// `serde_json::from_str` of the arguments into the typed tuple: what `decode_typed`
    /// must build.
    #[divan::bench(types = [Small, Kib])]
    fn json_typed<S: Scenario>(b: Bencher<'_, '_>)
    where
        S::OursTyped: serde::de::DeserializeOwned,
    {
        let json = args_json(&fixture::<S>());
        b.bench_local(|| {
            consume(serde_json::from_str::<(S::OursTyped,)>(black_box(&json)).unwrap())
        });
    }

    /// `serde_json::to_string` of the application data: what `encode_app` must write.
    #[divan::bench(types = [Small, Kib])]
    fn json_serialize<S: Scenario>(b: Bencher<'_, '_>) {
        let args = S::args();
        b.bench_local(|| consume(serde_json::to_string(black_box(&args)).unwrap()));
    }

    /// One allocation of the frame's size and one copy into it: what `encode_packet` must do.
    #[divan::bench(types = [Small, Kib, Binary64K])]
    fn alloc_copy<S: Scenario>(b: Bencher<'_, '_>) {
        let text = fixture::<S>().ours_text;
        b.bench_local(|| {
            let src = black_box(&text).as_str();
            let mut out = String::with_capacity(src.len() + 1);
            out.push('4');
            out.push_str(src);
            consume(out)
        });
    }

    /// 100 polling packets' arguments through `serde_json` alone, typed and as `Value`.
    #[divan::bench]
    fn polling_json_typed(b: Bencher<'_, '_>) {
        let texts = polling_args();
        b.bench_local(|| {
            for t in black_box(&texts) {
                consume(serde_json::from_str::<(Msg,)>(t).unwrap());
            }
        });
    }

    #[divan::bench]
    fn polling_json_value(b: Bencher<'_, '_>) {
        let texts = polling_args();
        b.bench_local(|| {
            for t in black_box(&texts) {
                consume(serde_json::from_str::<serde_json::Value>(t).unwrap());
            }
        });
    }

    fn polling_args() -> Vec<String> {
        let mut out = Vec::new();
        ours_split(&polling().body, |text| {
            let p = ours_decode(
                &mut Reassembler::new(V, ReassemblerLimits::default()),
                text,
                &[],
            );
            out.push(serde_json::to_string(&data(&p).event_args_value().unwrap()).unwrap());
        });
        out
    }
}
