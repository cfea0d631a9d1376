//! The parser seam on the virtual clock: a server with [`Parser::Msgpack`] talks
//! socket.io-msgpack-parser's packets (one binary frame each, binaries inline), and the
//! application sees exactly what it sees with the default parser for the same scenario.
#![cfg(feature = "testing")]

use std::time::Duration;

use bytes::Bytes;
use socketio_engine::WsMessage;
use socketio_engine::sio::Parser;
use socketio_engine::testing::sio_client::{SioClient, SioHarness, args, json};
use socketio_engine::{BroadcastTarget, Event, RecoveryConfig};
use socketio_proto::Str;
use socketio_proto::eio::Frame;
use socketio_proto::msgpack::{MsgpackLimits, Value, decode_value, encode_value};
use socketio_proto::sio::{
    Packet, PacketBody, Payload, ProtocolVersion, Reassembler, ReassemblerLimits,
};

const V5: ProtocolVersion = ProtocolVersion::V5;

fn harness(parser: Parser) -> SioHarness {
    let mut cfg = SioHarness::config();
    cfg.sio
        .namespaces(["/", "/chat"].map(Str::from))
        .parser(parser);
    SioHarness::new(cfg)
}

/// Sends `p` as a client using `parser` would: msgpack events carry socket.io-client's
/// extra `options` key, and a CONNECT without auth has `data: undefined`.
fn send(h: &mut SioHarness, parser: Parser, c: SioClient, p: &Packet) {
    let msgs = match parser {
        Parser::Msgpack => {
            let bytes = p.encode_msgpack(V5).unwrap();
            let Value::Map(mut entries) = decode_value(&bytes, &MsgpackLimits::default()).unwrap()
            else {
                panic!()
            };
            match &p.body {
                PacketBody::Event { .. } => entries.push((
                    Value::from("options"),
                    Value::Map(vec![(Value::from("compress"), Value::Bool(true))]),
                )),
                PacketBody::Connect { auth: None, .. } => {
                    entries.push((Value::from("data"), Value::Ext(0, Bytes::from_static(&[0]))))
                }
                _ => {}
            }
            vec![WsMessage::Binary(encode_value(&Value::Map(entries)))]
        }
        _ => {
            let (text, atts) = p.encode(V5);
            std::iter::once(WsMessage::Text(Str::from(format!("4{text}"))))
                .chain(atts.into_iter().map(WsMessage::Binary))
                .collect()
        }
    };
    for m in msgs {
        h.engine.handle_ws_message(h.now, c.conn, m);
    }
    h.drive();
}

/// The packets `c` received, decoded as a client using `parser` would.
fn recv(h: &mut SioHarness, parser: Parser, c: SioClient) -> Vec<Packet> {
    let mut r = Reassembler::new(V5, ReassemblerLimits::default());
    let mut out = Vec::new();
    for f in h.take_frames(c.conn) {
        let p = match (parser, f) {
            (Parser::Msgpack, Frame::Binary(b)) => {
                Some(Packet::decode_msgpack(V5, &b, &MsgpackLimits::default()).unwrap())
            }
            (Parser::Msgpack, Frame::Text(t)) => panic!("text frame {t:?} under msgpack"),
            (_, Frame::Text(t)) => r.push_text(Str::from(&t[1..])).unwrap(),
            (_, Frame::Binary(b)) => r.push_binary(b).unwrap(),
        };
        out.extend(p);
    }
    out
}

fn event(nsp: &str, name: &str, a: &str, bins: &[&'static [u8]], id: Option<u64>) -> Packet {
    let bins = bins.iter().map(|b| Bytes::from_static(b)).collect();
    Packet::event(nsp, name, &args(a), bins, id).unwrap()
}

const PH0: &str = r#"{"_placeholder":true,"num":0}"#;

/// One scenario through every kind of packet; returns what the application saw and what
/// the client received, for comparison across parsers.
fn scenario(parser: Parser) -> (String, Vec<Packet>) {
    let mut h = harness(parser);
    let mut seen = Vec::new();
    let mut got = Vec::new();
    let c = h.open();

    // Connect to "/" without auth and to "/chat" with auth.
    send(&mut h, parser, c, &Packet::connect("/", None));
    let p = h.connect_request();
    seen.push(format!("{:?} {:?}", p.nsp(), p.auth()));
    let root = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    send(
        &mut h,
        parser,
        c,
        &Packet::connect("/chat", Some(json(r#"{"token":"abc"}"#))),
    );
    let p = h.connect_request();
    seen.push(format!("{:?} {:?}", p.nsp(), p.auth()));
    let chat = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    got.extend(recv(&mut h, parser, c));

    // A client event with a binary and an ack; the application acks with a binary.
    let up = format!(r#"[{{"file":{PH0}}},2,"x"]"#);
    send(
        &mut h,
        parser,
        c,
        &event("/chat", "up", &up, &[b"\x01\x02"], Some(4)),
    );
    let Some(Event::Message {
        socket,
        event: name,
        args: a,
        binary,
        ack,
    }) = h.event()
    else {
        panic!("no message")
    };
    assert_eq!(socket, chat);
    seen.push(format!(
        "{name} {} {binary:?}",
        a.as_event_payload().as_str()
    ));
    let reply = format!(r#"["ok",{PH0}]"#);
    h.engine
        .ack(
            h.now,
            ack.unwrap(),
            &args(&reply),
            vec![Bytes::from_static(b"\xff")],
        )
        .unwrap();
    h.drive();

    // The server asks with an ack; the client answers with a binary.
    let ack = h
        .engine
        .emit_with_ack(
            h.now,
            root,
            "ask",
            &args(&format!("[{PH0}]")),
            vec![Bytes::from_static(b"q")],
            Duration::from_secs(5),
        )
        .unwrap();
    h.drive();
    let asked = recv(&mut h, parser, c);
    let Some(id) = asked.iter().find_map(|p| match p.body {
        PacketBody::Event { id, .. } => id,
        _ => None,
    }) else {
        panic!("{asked:?}")
    };
    send(
        &mut h,
        parser,
        c,
        &Packet::ack(
            "/",
            id,
            args(&format!(r#"[{PH0},"a"]"#)),
            vec![Bytes::from_static(b"r")],
        ),
    );
    got.extend(asked);
    match h.event() {
        Some(Event::AckReply {
            ack: a,
            args,
            binary,
            ..
        }) => {
            assert_eq!(a, ack);
            seen.push(format!("reply {} {binary:?}", args.as_str()));
        }
        other => panic!("{other:?}"),
    }

    // A broadcast and a refused namespace.
    h.engine
        .broadcast(
            h.now,
            &BroadcastTarget::namespace("/"),
            "news",
            &args(r#"[{"n":1.5},null]"#),
            vec![],
        )
        .unwrap();
    h.drive();
    send(&mut h, parser, c, &Packet::connect("/nope", None));
    got.extend(recv(&mut h, parser, c));
    // The client leaves "/chat".
    send(&mut h, parser, c, &Packet::disconnect("/chat"));
    match h.event() {
        Some(Event::Disconnect { socket, reason, .. }) => {
            assert_eq!(socket, chat);
            seen.push(format!("{reason:?}"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!h.is_closed(c));
    (seen.join("\n"), got)
}

#[test]
fn the_application_sees_the_same_with_either_parser() {
    let (text_seen, text_got) = scenario(Parser::Default);
    let (mp_seen, mp_got) = scenario(Parser::Msgpack);
    assert_eq!(mp_seen, text_seen);
    assert_eq!(mp_got, text_got);
    // And the scenario did reach every step.
    assert_eq!(mp_seen.lines().count(), 5, "{mp_seen}");
    assert_eq!(mp_got.len(), 6, "{mp_got:#?}");
    assert!(matches!(
        mp_got.last().unwrap().body,
        PacketBody::ConnectError(_)
    ));
}

#[test]
fn msgpack_frames_are_one_binary_message_each_with_binaries_inline() {
    let mut h = harness(Parser::Msgpack);
    let c = h.open();
    send(&mut h, Parser::Msgpack, c, &Packet::connect("/", None));
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let name = h.engine.socket_name(s).unwrap();
    let frames = h.take_frames(c.conn);
    let [Frame::Binary(connect)] = &frames[..] else {
        panic!("{frames:?}")
    };
    // {type: 0, data: {sid}, nsp: "/"}, node's key order.
    let want = Value::Map(vec![
        (Value::from("type"), Value::UInt(0)),
        (
            Value::from("data"),
            Value::Map(vec![(Value::from("sid"), Value::from(name.as_str()))]),
        ),
        (Value::from("nsp"), Value::from("/")),
    ]);
    assert_eq!(*connect, encode_value(&want));

    let two = format!("[{PH0},{{\"_placeholder\":true,\"num\":1}}]");
    h.engine
        .emit(
            h.now,
            s,
            "files",
            &args(&two),
            vec![Bytes::from_static(b"ab"), Bytes::from_static(b"c")],
        )
        .unwrap();
    h.drive();
    let frames = h.take_frames(c.conn);
    let [Frame::Binary(ev)] = &frames[..] else {
        panic!("one frame for a packet with two binaries: {frames:?}")
    };
    let v = decode_value(ev, &MsgpackLimits::default()).unwrap();
    assert_eq!(
        v.get("data"),
        Some(&Value::Array(vec![
            Value::from("files"),
            Value::Bin(Bytes::from_static(b"ab")),
            Value::Bin(Bytes::from_static(b"c")),
        ]))
    );
}

#[test]
fn a_default_parser_client_is_closed_by_a_msgpack_server_and_back() {
    let mut h = harness(Parser::Msgpack);
    let c = h.open();
    h.send(c, "0");
    assert!(h.is_closed(c), "text CONNECT on a msgpack server");
    assert!(h.event().is_none());

    let mut h = harness(Parser::Default);
    let c = h.open();
    send(&mut h, Parser::Msgpack, c, &Packet::connect("/", None));
    assert!(h.is_closed(c), "msgpack CONNECT on a default server");
}

#[test]
fn a_packet_failing_node_checks_closes_the_session() {
    let mut h = harness(Parser::Msgpack);
    let (c, _) = {
        let c = h.open();
        send(&mut h, Parser::Msgpack, c, &Packet::connect("/", None));
        let p = h.connect_request();
        (c, h.engine.accept_connect(h.now, p).unwrap())
    };
    h.drive();
    // An EVENT whose data is not an array.
    let bad = encode_value(&Value::Map(vec![
        (Value::from("type"), Value::UInt(2)),
        (Value::from("data"), Value::from("x")),
        (Value::from("nsp"), Value::from("/")),
    ]));
    h.engine
        .handle_ws_message(h.now, c.conn, WsMessage::Binary(bad));
    h.drive();
    assert!(h.is_closed(c));
    assert!(matches!(
        h.event(),
        Some(Event::Disconnect { reason, .. }) if format!("{reason:?}") == "ParseError"
    ));
}

#[test]
fn the_msgpack_limits_are_the_configured_ones() {
    let mut cfg = SioHarness::config();
    cfg.sio
        .parser(Parser::Msgpack)
        .msgpack_limits(MsgpackLimits {
            max_depth: 3,
            ..MsgpackLimits::default()
        });
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    send(&mut h, Parser::Msgpack, c, &Packet::connect("/", None));
    let p = h.connect_request();
    h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    send(
        &mut h,
        Parser::Msgpack,
        c,
        &event("/", "flat", "[[1]]", &[], None),
    );
    assert!(matches!(h.event(), Some(Event::Message { .. })));
    send(
        &mut h,
        Parser::Msgpack,
        c,
        &event("/", "deep", "[[[1]]]", &[], None),
    );
    assert!(h.is_closed(c), "depth 4 over a limit of 3");
}

#[test]
fn recovery_offsets_and_pid_ride_in_msgpack_too() {
    let mut cfg = SioHarness::config();
    cfg.sio
        .parser(Parser::Msgpack)
        .connection_state_recovery(Some(RecoveryConfig::default()));
    let mut h = SioHarness::new(cfg);
    let c = h.open();
    send(&mut h, Parser::Msgpack, c, &Packet::connect("/", None));
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    h.engine
        .emit(h.now, s, "tick", &args("[1]"), vec![])
        .unwrap();
    h.drive();
    let got = recv(&mut h, Parser::Msgpack, c);
    let PacketBody::Connect { auth: Some(a), .. } = &got[0].body else {
        panic!("{got:?}")
    };
    assert!(a.as_str().contains(r#""pid":""#), "{}", a.as_str());
    let PacketBody::Event { data, .. } = &got[1].body else {
        panic!("{got:?}")
    };
    let v = data.to_value().unwrap();
    assert_eq!(v[0], "tick");
    assert_eq!(v[1], 1);
    assert!(v[2].is_string(), "offset as the last argument: {v}");
}

#[test]
fn a_payload_msgpack_cannot_write_is_not_sent() {
    let mut h = harness(Parser::Msgpack);
    let c = h.open();
    send(&mut h, Parser::Msgpack, c, &Packet::connect("/", None));
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let _ = h.take_frames(c.conn);
    let deep = "[".repeat(200) + &"]".repeat(200);
    let a =
        socketio_proto::sio::Args::try_from_payload(Payload::from_json(Str::from(deep)).unwrap())
            .unwrap();
    h.engine.emit(h.now, s, "deep", &a, vec![]).unwrap();
    h.drive();
    assert!(h.take_frames(c.conn).is_empty());
    assert!(!h.is_closed(c));
    h.engine
        .emit(h.now, s, "fine", &args("[]"), vec![])
        .unwrap();
    h.drive();
    assert_eq!(h.take_frames(c.conn).len(), 1);
}

/// Node's cluster broadcasts re-encoded for our clients: the packet a msgpack client decodes
/// is the one a default-parser client decodes (node's "shapes" message: every string and
/// container width, dates, `undefined`, five binaries).
#[test]
fn node_cluster_broadcasts_reach_msgpack_clients_the_same() {
    let fixture = Bytes::from(
        std::fs::read(format!(
            "{}/../socketio-proto/tests/fixtures/cluster/broadcast-shapes-0.bin",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    );
    let got = [Parser::Default, Parser::Msgpack].map(|parser| {
        let mut cfg = SioHarness::config();
        cfg.sio.parser(parser);
        cfg.cluster = Some(socketio_engine::ClusterConfig {
            uid: Some("OURS".to_owned()),
            ..socketio_engine::ClusterConfig::default()
        });
        let mut h = SioHarness::new(cfg);
        h.drive();
        let c = h.open();
        send(&mut h, parser, c, &Packet::connect("/", None));
        let p = h.connect_request();
        h.engine.accept_connect(h.now, p).unwrap();
        h.drive();
        let _ = recv(&mut h, parser, c);
        h.engine
            .handle_cluster_message(h.now, "socket.io#/#", fixture.clone());
        h.drive();
        recv(&mut h, parser, c)
    });
    let [text, mp] = got;
    assert_eq!(mp, text);
    assert_eq!(mp.len(), 1);
    assert_eq!(mp[0].attachments().len(), 5);
}
