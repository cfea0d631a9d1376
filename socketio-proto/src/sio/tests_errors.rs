//! Unit tests: one per rejection, and the reassembler's state machine and limits.

use bytes::Bytes;

use super::*;
use crate::Str;

use DecodeError as E;
use PacketType as T;
use ProtocolVersion::{V4, V5};

fn err(v: ProtocolVersion, text: &str) -> DecodeError {
    match Packet::decode(v, Str::from(text)) {
        Ok(p) => panic!("{text:?} decoded as {p:?}"),
        Err(e) => e,
    }
}

macro_rules! rejects {
    ($v:expr, $text:expr, $pat:pat) => {
        let e = err($v, $text);
        assert!(matches!(e, $pat), "{:?} gave {e:?}", $text);
        assert!(!e.to_string().is_empty());
    };
}

#[test]
fn header_errors() {
    rejects!(V5, "", E::Empty);
    rejects!(V5, "7", E::UnknownPacketType('7'));
    rejects!(V5, "é", E::UnknownPacketType('é'));
    rejects!(V5, "5x-[\"a\"]", E::InvalidAttachmentCount);
    rejects!(V5, "5-[\"a\"]", E::InvalidAttachmentCount);
    rejects!(V5, "51[\"a\"]", E::MissingAttachmentSeparator);
    rejects!(V5, "50-[\"a\"]", E::ZeroAttachments);
    rejects!(V5, "599999999999999999999-[]", E::AttachmentCountOverflow);
    rejects!(V5, "2admin,[\"a\"]", E::InvalidNamespace);
    rejects!(V5, "29007199254740992[\"a\"]", E::AckIdOverflow);
    rejects!(V5, "299999999999999999999999[\"a\"]", E::AckIdOverflow);
    rejects!(V5, "11", E::AckIdNotAllowed(T::Disconnect));
    rejects!(V5, "0/a,1{}", E::AckIdNotAllowed(T::Connect));
    rejects!(V5, "41{}", E::AckIdNotAllowed(T::ConnectError));
    rejects!(V5, "3[]", E::MissingAckId);
    rejects!(V5, "2", E::MissingPayload(T::Event));
    rejects!(V5, "2/a,", E::MissingPayload(T::Event));
    rejects!(V5, "31", E::MissingPayload(T::Ack));
    rejects!(V5, "4", E::MissingPayload(T::ConnectError));
    rejects!(V5, "1{}", E::UnexpectedPayload(T::Disconnect));
    rejects!(V4, "0{}", E::UnexpectedPayload(T::Connect));
    // The largest id is accepted.
    assert!(Packet::decode(V5, Str::from("29007199254740991[\"a\"]")).is_ok());
}

#[test]
fn payload_errors() {
    rejects!(V5, "2[\"a\"", E::InvalidJson(_));
    rejects!(V5, "2[\"a\" ,]", E::InvalidJson(_));
    rejects!(V5, "2[\"\\ud800\"]", E::InvalidJson(_));
    rejects!(V5, "2[\"a\"]x", E::TrailingData);
    rejects!(V5, "2[\"a\"][]", E::TrailingData);
    rejects!(V5, "2{\"a\":1}", E::PayloadNotArray(T::Event));
    rejects!(V5, "2\"a\"", E::PayloadNotArray(T::Event));
    rejects!(V5, "21null", E::PayloadNotArray(T::Event));
    rejects!(V5, "31{}", E::PayloadNotArray(T::Ack));
    rejects!(V5, "2[]", E::EmptyEvent);
    rejects!(V5, "2[null]", E::InvalidEventName);
    rejects!(V5, "2[true]", E::InvalidEventName);
    rejects!(V5, "2[[\"a\"]]", E::InvalidEventName);
    rejects!(V5, "2[{}]", E::InvalidEventName);
    for r in RESERVED_EVENTS {
        rejects!(V5, &format!("2[\"{r}\",1]"), E::ReservedEventName(_));
    }
    rejects!(V5, "2[\"conn\\u0065ct\"]", E::ReservedEventName("connect"));
    rejects!(V5, "0[]", E::ConnectPayloadNotObject);
    rejects!(V5, "0\"x\"", E::ConnectPayloadNotObject);
    rejects!(V5, "4[]", E::ConnectErrorPayloadInvalid);
    rejects!(V4, "4/a,1", E::AckIdNotAllowed(T::ConnectError));
    rejects!(V4, "4/a,null", E::ConnectErrorPayloadInvalid);
    // Plain packets are checked at JSON.parse's level: the grammar, at any depth (serde_json
    // skips values iteratively) and with lone surrogate escapes (JSON.parse accepts both);
    // typed access reports what serde_json cannot represent.
    let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let Decoded::Complete(deep) =
        Packet::decode(V5, Str::from(format!("2[\"a\",{}]", nest(200)))).unwrap()
    else {
        panic!("plain packet")
    };
    let PacketBody::Event { data, .. } = deep.body else {
        panic!("event")
    };
    assert_eq!(data.event_name().unwrap(), "a");
    assert!(data.to_value().is_err(), "serde_json's nesting limit");
    assert!(Packet::decode(V5, Str::from("2[\"a\",\"\\ud800\"]")).is_ok());
    rejects!(V5, "2[\"a\",\"\\x\"]", E::InvalidJson(_));
    // Binary packets are visited value by value to find placeholders: serde_json's limits apply.
    let ph = r#"{"_placeholder":true,"num":0}"#;
    rejects!(
        V5,
        &format!("51-[\"a\",{ph},{}]", nest(200)),
        E::InvalidJson(_)
    );
    rejects!(
        V5,
        &format!("51-[\"a\",{ph},\"\\ud800\"]"),
        E::InvalidJson(_)
    );
    // Numbers are event names, as in the reference parser.
    assert!(Packet::decode(V5, Str::from("2[1,2]")).is_ok());
}

#[test]
fn placeholder_errors() {
    rejects!(
        V5,
        r#"51-["a",{"_placeholder":true}]"#,
        E::InvalidPlaceholder
    );
    rejects!(
        V5,
        r#"51-["a",{"_placeholder":true,"num":"0"}]"#,
        E::InvalidPlaceholder
    );
    rejects!(
        V5,
        r#"51-["a",{"_placeholder":true,"num":-1}]"#,
        E::InvalidPlaceholder
    );
    rejects!(
        V5,
        r#"51-["a",{"_placeholder":true,"num":0.5}]"#,
        E::InvalidPlaceholder
    );
    rejects!(
        V5,
        r#"51-["a",{"_placeholder":true,"num":1}]"#,
        E::PlaceholderOutOfRange {
            num: 1,
            attachments: 1
        }
    );
    rejects!(
        V5,
        r#"52-["a",{"_placeholder":true,"num":1}]"#,
        E::PlaceholderCountMismatch {
            found: 1,
            attachments: 2
        }
    );
    rejects!(
        V5,
        r#"51-["a"]"#,
        E::PlaceholderCountMismatch {
            found: 0,
            attachments: 1
        }
    );
    // At any depth, in any key order, as an integral float.
    let deep = r#"61-3[{"x":[{"num":0e0,"_placeholder":true}]}]"#;
    assert!(Packet::decode(V5, Str::from(deep)).is_ok());
    // `_placeholder` not `true` is plain data; so is any placeholder in a non-binary packet.
    assert!(
        Packet::decode(
            V5,
            Str::from(r#"51-["a",{"_placeholder":1,"num":9},{"_placeholder":true,"num":0}]"#)
        )
        .is_ok()
    );
    assert!(Packet::decode(V5, Str::from(r#"2["a",{"_placeholder":true,"num":9}]"#)).is_ok());
}

fn limits(max_attachments: usize, max_bytes: usize) -> ReassemblerLimits {
    ReassemblerLimits {
        max_attachments,
        max_bytes,
    }
}

const TWO: &str = r#"52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#;

#[test]
fn reassembler_collects_attachments_in_order() {
    let mut r = Reassembler::new(V5, ReassemblerLimits::default());
    assert!(!r.is_waiting());
    assert_eq!(r.push_text(Str::from(TWO)).unwrap(), None);
    assert!(r.is_waiting());
    assert_eq!(r.bytes_held(), TWO.len());
    assert_eq!(r.push_binary(Bytes::from_static(b"xy")).unwrap(), None);
    assert_eq!(r.bytes_held(), TWO.len() + 2);
    let p = r.push_binary(Bytes::from_static(b"z")).unwrap().unwrap();
    assert_eq!(
        p.attachments(),
        &[Bytes::from_static(b"xy"), Bytes::from_static(b"z")]
    );
    assert!(!r.is_waiting());
    assert_eq!(r.bytes_held(), 0);
    // Plain packets pass straight through.
    assert!(r.push_text(Str::from("2[\"b\"]")).unwrap().is_some());
}

#[test]
fn reassembler_rejects_out_of_order_frames() {
    let mut r = Reassembler::new(V5, ReassemblerLimits::default());
    assert!(matches!(
        r.push_binary(Bytes::new()),
        Err(E::UnexpectedBinary)
    ));
    r.push_text(Str::from(TWO)).unwrap();
    assert!(matches!(
        r.push_text(Str::from("2[\"b\"]")),
        Err(E::UnexpectedText)
    ));
    // The error dropped the partial packet.
    assert!(!r.is_waiting());
    assert!(matches!(
        r.push_binary(Bytes::new()),
        Err(E::UnexpectedBinary)
    ));
}

#[test]
fn reassembler_limits() {
    let d = ReassemblerLimits::default();
    assert_eq!(
        d.max_attachments,
        ReassemblerLimits::DEFAULT_MAX_ATTACHMENTS
    );
    assert_eq!(d.max_attachments, 10);
    assert_eq!(d.max_bytes, ReassemblerLimits::DEFAULT_MAX_BYTES);

    let mut r = Reassembler::new(V5, limits(1, 1000));
    let e = r.push_text(Str::from(TWO)).unwrap_err();
    assert!(matches!(e, E::TooManyAttachments { count: 2, max: 1 }));
    assert!(!r.is_waiting());

    let mut r = Reassembler::new(V5, limits(2, TWO.len() - 1));
    assert!(matches!(
        r.push_text(Str::from(TWO)),
        Err(E::TooManyBytes { .. })
    ));

    let mut r = Reassembler::new(V5, limits(2, TWO.len() + 3));
    r.push_text(Str::from(TWO)).unwrap();
    r.push_binary(Bytes::from_static(b"ab")).unwrap();
    let e = r.push_binary(Bytes::from_static(b"cd")).unwrap_err();
    assert!(matches!(e, E::TooManyBytes { max } if max == TWO.len() + 3));
    assert!(!r.is_waiting());
    assert_eq!(r.bytes_held(), 0);

    // Exactly at the limit is fine.
    let mut r = Reassembler::new(V5, limits(2, TWO.len() + 4));
    r.push_text(Str::from(TWO)).unwrap();
    r.push_binary(Bytes::from_static(b"ab")).unwrap();
    assert!(r.push_binary(Bytes::from_static(b"cd")).unwrap().is_some());
}
