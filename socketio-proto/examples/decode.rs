//! The codec demo: decodes sample packets of every protocol the codec speaks, prints what it
//! found, and shows the typed error for some hostile input.
//!
//! Run it with `cargo run -p socketio-proto --example decode`.

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::eio::{self, payload};
use socketio_proto::sio::{self, Decoded, PacketBody, Reassembler, ReassemblerLimits};

fn main() {
    println!("== Engine.IO v4 frames");
    for text in [
        "0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
        "2probe",
        "3probe",
        "4hello",
        "5",
        "6",
        "9bad",
    ] {
        show_eio(eio::ProtocolVersion::V4, text);
    }

    println!("\n== Engine.IO v4 polling payload (record separator 0x1e, binary as b + base64)");
    let body = Bytes::from_static(b"4hello\x1ebAQIDBA==\x1e2");
    match payload::decode(
        payload::PayloadFormat::V4,
        body,
        &payload::PayloadLimits::default(),
    ) {
        Ok(packets) => packets.iter().for_each(|p| println!("  {p:?}")),
        Err(e) => println!("  error: {e}"),
    }

    println!("\n== Engine.IO v3 text payload (lengths in UTF-16 code units, as JavaScript counts)");
    let body = Bytes::from("7:4h\u{1F600}llo2:4€".to_owned());
    match payload::decode(
        payload::PayloadFormat::V3Text,
        body,
        &payload::PayloadLimits::default(),
    ) {
        Ok(packets) => packets.iter().for_each(|p| println!("  {p:?}")),
        Err(e) => println!("  error: {e}"),
    }
    let lying = Bytes::from_static(b"99:4hello");
    if let Err(e) = payload::decode(
        payload::PayloadFormat::V3Text,
        lying,
        &payload::PayloadLimits::default(),
    ) {
        println!("  a length that lies -> error: {e}");
    }

    println!("\n== Socket.IO v5 packets");
    for text in [
        "0{\"token\":\"123\"}",
        "0/admin,",
        "2[\"hello\",1]",
        "2/admin,456[\"project:delete\",123]",
        "3/admin,456[]",
        "4{\"message\":\"Not authorized\"}",
        "1/admin,",
        "2[\"connect\"]",
        "2/admin,[\"x\"]junk",
        "2\"not an array\"",
    ] {
        show_sio(sio::ProtocolVersion::V5, text);
    }

    println!("\n== Socket.IO v4 (socket.io-client 2.x): query on CONNECT, string errors");
    for text in ["0/admin?token=abc,", "4\"Not authorized\""] {
        show_sio(sio::ProtocolVersion::V4, text);
    }

    println!("\n== A binary event: the header, then its attachment as a separate frame");
    let mut reassembler = Reassembler::new(sio::ProtocolVersion::V5, ReassemblerLimits::default());
    let header = Str::from("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]");
    println!("  header -> {:?}", reassembler.push_text(header));
    match reassembler.push_binary(Bytes::from_static(&[1, 2, 3])) {
        Ok(Some(packet)) => println!("  attachment -> complete: {packet:?}"),
        other => println!("  attachment -> {other:?}"),
    }
}

fn show_eio(version: eio::ProtocolVersion, text: &str) {
    match eio::Packet::decode_text(version, Str::from(text)) {
        Ok(packet) => println!("  {text:<24.24} -> {packet:?}"),
        Err(e) => println!("  {text:<24.24} -> error: {e}"),
    }
}

fn show_sio(version: sio::ProtocolVersion, text: &str) {
    match sio::Packet::decode(version, Str::from(text)) {
        Ok(Decoded::Complete(packet)) => {
            let what = match &packet.body {
                PacketBody::Event { data, id, .. } => format!(
                    "event {:?} args {} ack {:?}",
                    data.event_name().unwrap_or_default(),
                    data.event_args_value()
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    id
                ),
                other => format!("{other:?}"),
            };
            println!("  {text:<36} -> nsp {} {what}", packet.nsp);
        }
        Ok(Decoded::NeedsAttachments { count, .. }) => {
            println!("  {text:<36} -> waits for {count} attachment(s)");
        }
        Err(e) => println!("  {text:<36} -> error: {e}"),
    }
}
