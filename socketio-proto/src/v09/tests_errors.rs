//! Every way a 0.9 packet, payload or outgoing packet is rejected, each with its own error.

use bytes::Bytes;

use super::*;
use crate::Str;
use crate::sio::Payload;

fn err(s: &str) -> DecodeError {
    match Packet::decode(Str::from(s)) {
        Ok(p) => panic!("{s:?} decoded to {p:?}"),
        Err(e) => e,
    }
}

macro_rules! rejects {
    ($wire:expr, $pat:pat) => {
        let e = err($wire);
        assert!(matches!(e, $pat), "{:?} gave {e:?}", $wire);
    };
}

#[test]
fn packet_errors() {
    rejects!("", DecodeError::Empty);
    rejects!("9::", DecodeError::UnknownType('9'));
    rejects!("x::", DecodeError::UnknownType('x'));
    rejects!("é::", DecodeError::UnknownType('é'));
    rejects!("0", DecodeError::MissingSeparator("type"));
    rejects!("12::", DecodeError::MissingSeparator("type"));
    rejects!("0:", DecodeError::MissingSeparator("id"));
    rejects!("3:1", DecodeError::MissingSeparator("id"));
    rejects!("3:x::", DecodeError::InvalidId);
    rejects!("3:+::", DecodeError::InvalidId);
    rejects!("3:01::", DecodeError::InvalidId);
    rejects!("3:1++::", DecodeError::InvalidId);
    rejects!("3:-1::", DecodeError::InvalidId);
    rejects!("3:9007199254740992::", DecodeError::InvalidId);
    rejects!("3:99999999999999999999999::", DecodeError::InvalidId);
    rejects!("0:1::", DecodeError::IdNotAllowed(PacketType::Disconnect));
    rejects!("6:1:::4", DecodeError::IdNotAllowed(PacketType::Ack));
    rejects!("2:1+::", DecodeError::IdNotAllowed(PacketType::Heartbeat));
    rejects!("0:::x", DecodeError::UnexpectedData(PacketType::Disconnect));
    rejects!("2:::x", DecodeError::UnexpectedData(PacketType::Heartbeat));
    rejects!("8:::x", DecodeError::UnexpectedData(PacketType::Noop));
    rejects!("4::", DecodeError::MissingData(PacketType::Json));
    rejects!("4:::", DecodeError::MissingData(PacketType::Json));
    rejects!("5::", DecodeError::MissingData(PacketType::Event));
    rejects!("6::", DecodeError::MissingData(PacketType::Ack));
    rejects!("4:::{", DecodeError::InvalidJson(_));
    rejects!("4:::{}x", DecodeError::InvalidJson(_));
    rejects!("4:::undefined", DecodeError::InvalidJson(_));
    rejects!("5:::{\"name\":", DecodeError::InvalidJson(_));
    rejects!("5:::[\"x\"]", DecodeError::EventNotObject);
    rejects!("5:::\"x\"", DecodeError::EventNotObject);
    rejects!("5:::null", DecodeError::EventNotObject);
    rejects!("5:::{}", DecodeError::EventWithoutName);
    rejects!("5:::{\"args\":[1]}", DecodeError::EventWithoutName);
    rejects!("5:::{\"name\":1}", DecodeError::EventNameNotString);
    rejects!("5:::{\"name\":null}", DecodeError::EventNameNotString);
    rejects!("5:::{\"name\":[\"x\"]}", DecodeError::EventNameNotString);
    rejects!(
        "5:::{\"name\":\"x\",\"name\":{}}",
        DecodeError::EventNameNotString
    );
    rejects!(
        "5:::{\"name\":\"x\",\"args\":{}}",
        DecodeError::EventArgsNotArray
    );
    rejects!(
        "5:::{\"name\":\"x\",\"args\":null}",
        DecodeError::EventArgsNotArray
    );
    rejects!(
        "5:::{\"name\":\"x\",\"args\":\"a\"}",
        DecodeError::EventArgsNotArray
    );
    rejects!("5:::{\"name\":\"x\"} {}", DecodeError::InvalidJson(_));
    rejects!("6:::x", DecodeError::InvalidAckData);
    rejects!("6:::+[]", DecodeError::InvalidAckData);
    rejects!("6:::4+", DecodeError::InvalidAckData);
    rejects!("6:::04", DecodeError::InvalidAckData);
    rejects!("6:::9007199254740992", DecodeError::InvalidAckData);
    rejects!("6:::4+[", DecodeError::InvalidJson(_));
    rejects!("6:::4+{\"a\":1}", DecodeError::AckArgsNotArray);
    rejects!("6:::4+\"x\"", DecodeError::AckArgsNotArray);
    rejects!("7:::3", DecodeError::InvalidErrorReason);
    rejects!("7:::x", DecodeError::InvalidErrorReason);
    rejects!("7:::00", DecodeError::InvalidErrorReason);
    rejects!("7:::1+", DecodeError::InvalidErrorAdvice);
    rejects!("7:::1+1", DecodeError::InvalidErrorAdvice);
    rejects!("7:::1+0+0", DecodeError::InvalidErrorAdvice);
    rejects!("1::/chat?a=b:c=d", DecodeError::ConflictingQuery);
    assert!(matches!(
        Packet::decode_bytes(Bytes::from_static(b"3:::\xff")),
        Err(DecodeError::InvalidUtf8)
    ));
    assert!(Packet::decode_bytes(Bytes::from_static(b"3:::ok")).is_ok());
}

/// Deep nesting is checked without recursion: no stack overflow, and the result is exact.
#[test]
fn deep_json_is_safe() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let ok = format!("5:::{{\"name\":\"x\",\"args\":[{deep}]}}");
    assert!(Packet::decode(Str::from(ok)).is_ok());
    let unclosed = format!("4:::{}", "[".repeat(100_000));
    rejects!(&unclosed, DecodeError::InvalidJson(_));
    let json = format!("4:::{deep}");
    assert!(Packet::decode(Str::from(json)).is_ok());
}

#[test]
fn encode_errors() {
    let bad_endpoint = Packet::with_endpoint("/a:b", PacketBody::Disconnect);
    assert_eq!(
        bad_endpoint.encode(),
        Err(EncodeError::EndpointContainsColon)
    );
    let connect = Packet::with_endpoint("/a?b", PacketBody::Connect { query: None });
    assert_eq!(
        connect.encode(),
        Err(EncodeError::ConnectEndpointContainsQuery)
    );
    // `?` is only special on connect.
    assert!(
        Packet::with_endpoint("/a?b", PacketBody::Disconnect)
            .encode()
            .is_ok()
    );
    let big_id = Packet::new(PacketBody::Message {
        id: Some(MessageId {
            id: MAX_ID + 1,
            ack: AckKind::Automatic,
        }),
        data: Str::new(),
    });
    assert_eq!(big_id.encode(), Err(EncodeError::IdTooLarge));
    let big_ack = Packet::new(PacketBody::Ack {
        ack_id: MAX_ID + 1,
        args: None,
    });
    assert_eq!(big_ack.encode(), Err(EncodeError::IdTooLarge));
    let object_args = Packet::new(PacketBody::Ack {
        ack_id: 1,
        args: Some(Payload::from_json(Str::from(" {}")).unwrap()),
    });
    assert_eq!(object_args.encode(), Err(EncodeError::AckArgsNotArray));
    let spaced_array = Packet::new(PacketBody::Ack {
        ack_id: 1,
        args: Some(Payload::from_json(Str::from(" [1] ")).unwrap()),
    });
    assert_eq!(spaced_array.encode().unwrap(), "6:::1+ [1] ");
}

fn payload_err(body: &str) -> PayloadError {
    match split_payload(&Str::from(body), &PayloadLimits::default()) {
        Ok(p) => panic!("{body:?} split into {p:?}"),
        Err(e) => e,
    }
}

macro_rules! payload_rejects {
    ($body:expr, $pat:pat) => {
        let e = payload_err($body);
        assert!(matches!(e, $pat), "{:?} gave {e:?}", $body);
    };
}

#[test]
fn payload_errors() {
    const M: &str = "\u{fffd}";
    payload_rejects!("", PayloadError::Empty);
    payload_rejects!(
        &format!("{M}{M}2::"),
        PayloadError::MissingLength { offset: 0 }
    );
    payload_rejects!(
        &format!("{M}3x{M}2::"),
        PayloadError::InvalidLengthDigit {
            offset: 4,
            found: 'x'
        }
    );
    payload_rejects!(
        &format!("{M}-3{M}2::"),
        PayloadError::InvalidLengthDigit {
            offset: 3,
            found: '-'
        }
    );
    payload_rejects!(
        &format!("{M}99999999999999999999999{M}2::"),
        PayloadError::LengthOverflow { offset: 0 }
    );
    // Lengths that lie: too long, too short (the rest is garbage), splitting a pair.
    payload_rejects!(
        &format!("{M}4{M}2::"),
        PayloadError::LengthExceedsBody {
            offset: 0,
            declared: 4,
            available: 3
        }
    );
    payload_rejects!(
        &format!("{M}2{M}2::"),
        PayloadError::TrailingGarbage { offset: 9 }
    );
    payload_rejects!(
        &format!("{M}5{M}3:::😀"),
        PayloadError::LengthSplitsCharacter { offset: 0 }
    );
    payload_rejects!(
        &format!("{M}3{M}2::x"),
        PayloadError::TrailingGarbage { offset: 10 }
    );
    payload_rejects!(
        &format!("{M}3{M}2::{M}12"),
        PayloadError::TrailingGarbage { offset: 10 }
    );
    payload_rejects!(
        &format!("{M}3"),
        PayloadError::TrailingGarbage { offset: 0 }
    );
    let e = decode_payload(
        &Str::from(format!("{M}3{M}2::{M}3{M}9::")),
        &PayloadLimits::default(),
    );
    assert!(
        matches!(
            e,
            Err(PayloadError::Packet {
                index: 1,
                source: DecodeError::UnknownType('9')
            })
        ),
        "{e:?}"
    );
    let e = decode_payload(&Str::from(format!("{M}0{M}")), &PayloadLimits::default());
    assert!(matches!(
        e,
        Err(PayloadError::Packet {
            index: 0,
            source: DecodeError::Empty
        })
    ));
}

#[test]
fn payload_packet_limit() {
    let frames = [Str::from("2::"), Str::from("8::"), Str::from("2::")];
    let body = encode_payload(&frames);
    let two = PayloadLimits { max_packets: 2 };
    assert!(matches!(
        split_payload(&body, &two),
        Err(PayloadError::TooManyPackets { limit: 2 })
    ));
    assert_eq!(
        split_payload(&body, &PayloadLimits { max_packets: 3 })
            .unwrap()
            .len(),
        3
    );
    let none = PayloadLimits { max_packets: 0 };
    assert!(matches!(
        split_payload(&Str::from("2::"), &none),
        Err(PayloadError::TooManyPackets { limit: 0 })
    ));
    assert_eq!(
        PayloadLimits::default().max_packets,
        PayloadLimits::DEFAULT_MAX_PACKETS
    );
    assert_eq!(PayloadLimits::DEFAULT_MAX_PACKETS, 4096);
}
