//! Every packet the engine encodes for the application decodes again under the protocol's
//! rules (socket.io-parser's: an EVENT is a non-empty array led by a non-reserved name, an
//! ACK an array), with the arguments the application meant, whatever value it passed: the
//! application API cannot be misused into a packet a client refuses.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};
use socketio_engine::Event;
use socketio_engine::testing::sio_client::{SioClient, SioHarness};
use socketio_proto::Str;
use socketio_proto::sio::{
    Args, Decoded, Packet, PacketBody, ProtocolVersion, RESERVED_EVENTS, ToArgs,
};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        // Integers only: serde_json's default float parsing may be one ULP off, which
        // would test serde_json rather than the engine.
        any::<i64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// What the application passes, and the argument list it means by the argument rule.
#[derive(Debug, Clone)]
enum Given {
    /// A single value of any shape (a `Value` array included): one argument, except
    /// `Value::Null`, which serde serializes as `()`: no arguments.
    One(Value),
    /// A `Vec`: one argument, the array.
    Vec(Vec<Value>),
    /// A pair: two arguments.
    Pair(Value, Value),
    /// `()`: none.
    Unit,
    /// A number: one argument (the `ack.send(&5)` case).
    Number(u32),
    /// A string: one argument (the `ack.send(&"ok")` case).
    Text(String),
}

impl Given {
    fn args(&self) -> Args {
        match self {
            Self::One(v) => v.to_args(),
            Self::Vec(v) => v.to_args(),
            Self::Pair(a, b) => (a, b).to_args(),
            Self::Unit => ().to_args(),
            Self::Number(n) => n.to_args(),
            Self::Text(s) => s.to_args(),
        }
        .unwrap()
    }

    fn meant(&self) -> Vec<Value> {
        match self {
            Self::One(Value::Null) | Self::Unit => vec![],
            Self::One(v) => vec![v.clone()],
            Self::Vec(v) => vec![Value::Array(v.clone())],
            Self::Pair(a, b) => vec![a.clone(), b.clone()],
            Self::Number(n) => vec![json!(n)],
            Self::Text(s) => vec![json!(s)],
        }
    }
}

fn given() -> impl Strategy<Value = Given> {
    prop_oneof![
        json_value().prop_map(Given::One),
        prop::collection::vec(json_value(), 0..4).prop_map(Given::Vec),
        (json_value(), json_value()).prop_map(|(a, b)| Given::Pair(a, b)),
        Just(Given::Unit),
        any::<u32>().prop_map(Given::Number),
        any::<String>().prop_map(Given::Text),
    ]
}

fn event_name() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::sample::select(RESERVED_EVENTS.to_vec()).prop_map(str::to_owned),
    ]
}

/// The one packet `c` received, decoded as its client's parser would.
fn received(h: &mut SioHarness, c: SioClient, v: ProtocolVersion) -> Packet {
    let frames = h.take(c);
    assert_eq!(frames.len(), 1, "{frames:?}");
    match Packet::decode(v, Str::from(frames[0].as_str())) {
        Ok(Decoded::Complete(p)) => p,
        other => panic!("the client refuses {:?}: {other:?}", frames[0]),
    }
}

/// A client of Engine.IO `eio` connected to `/`, and its socket. An Engine.IO 3 client
/// (Socket.IO v4) is connected to `/` by the open itself, without a CONNECT.
fn connected(h: &mut SioHarness, eio: u8) -> (SioClient, socketio_engine::SocketId) {
    let c = h.open_eio(eio);
    if eio == 4 {
        let s = h.join_ns(c, "/", "");
        return (c, s);
    }
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let _ = h.take(c);
    (c, s)
}

fn argument_list(args: &Args) -> Vec<Value> {
    args.deserialize::<Vec<Value>>().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn emits_decode_with_the_arguments_meant(
        name in event_name(),
        g in given(),
        eio in prop::sample::select(vec![3u8, 4]),
        with_ack in any::<bool>(),
    ) {
        let mut cfg = SioHarness::config();
        cfg.eio.allow_eio3 = true;
        let mut h = SioHarness::new(cfg);
        let (c, s) = connected(&mut h, eio);
        let v = if eio == 3 { ProtocolVersion::V4 } else { ProtocolVersion::V5 };
        let args = g.args();
        let sent = if with_ack {
            h.engine
                .emit_with_ack(h.now, s, &name, &args, vec![], Duration::from_secs(5))
                .map(drop)
        } else {
            h.engine.emit(h.now, s, &name, &args, vec![])
        };
        h.drive();
        if RESERVED_EVENTS.contains(&name.as_str()) {
            // Refused before anything is sent: a client would drop such an event.
            prop_assert!(sent.is_err());
            prop_assert!(h.take(c).is_empty());
            return Ok(());
        }
        prop_assert!(sent.is_ok());
        let p = received(&mut h, c, v);
        let PacketBody::Event { data, id, .. } = p.body else {
            panic!("an event: {p:?}")
        };
        prop_assert_eq!(id.is_some(), with_ack);
        prop_assert_eq!(data.event_name().unwrap(), name.as_str());
        prop_assert_eq!(argument_list(&data.to_args()), g.meant());
    }

    #[test]
    fn acks_decode_with_the_arguments_meant(
        g in given(),
        eio in prop::sample::select(vec![3u8, 4]),
        id in 0u64..100_000,
    ) {
        let mut cfg = SioHarness::config();
        cfg.eio.allow_eio3 = true;
        let mut h = SioHarness::new(cfg);
        let (c, _) = connected(&mut h, eio);
        let v = if eio == 3 { ProtocolVersion::V4 } else { ProtocolVersion::V5 };
        h.send(c, &format!("2{id}[\"q\"]"));
        let Some(Event::Message { ack: Some(token), .. }) = h.event() else {
            panic!("an event asking for an ack")
        };
        h.engine.ack(h.now, token, &g.args(), vec![]).unwrap();
        h.drive();
        let p = received(&mut h, c, v);
        let PacketBody::Ack { data, id: got, .. } = p.body else {
            panic!("an ack: {p:?}")
        };
        prop_assert_eq!(got, id);
        prop_assert_eq!(argument_list(&data), g.meant());
    }
}

/// The two cases of the bug report, exactly: `ack.send(&5)` put `43<id>5` on the wire
/// (read as ack id `<id>5`), `ack.send(&"ok")` an ACK whose payload is no array.
#[test]
fn a_number_or_a_string_ack_is_one_argument() {
    let mut h = SioHarness::new(SioHarness::config());
    let c = h.open();
    let _ = h.join_ns(c, "/", "");
    for (answer, wire) in [(json!(5), "31[5]"), (json!("ok"), r#"31["ok"]"#)] {
        h.send(c, r#"21["q"]"#);
        let Some(Event::Message {
            ack: Some(token), ..
        }) = h.event()
        else {
            panic!("an event asking for an ack")
        };
        let args = match &answer {
            Value::Number(n) => n.as_u64().unwrap().to_args(),
            other => other.as_str().unwrap().to_args(),
        };
        h.engine.ack(h.now, token, &args.unwrap(), vec![]).unwrap();
        h.drive();
        assert_eq!(h.take(c), [wire]);
    }
}
