//! Single-pass, allocation-free validation of a packet's JSON payload.
//!
//! The payload text is run once through serde_json's streaming deserializer with visitors
//! that build nothing: they check the top-level shape the packet type requires (array, object,
//! string-or-object), the event name, and every `{"_placeholder":true,"num":N}` object at any
//! depth, counting placeholders so the caller can compare with the announced attachments.
//! A visitor that finds a protocol violation stores the typed [`DecodeError`] in the shared
//! [`Scan`] and aborts the parse with a dummy serde error; the caller prefers the stored error.
//!
//! In a plain (non-binary) packet nothing below the event name can matter, so those values
//! are skipped with serde_json's `IgnoredAny` fast path, which checks the JSON grammar
//! iteratively (any depth, no stack risk; lone surrogate escapes pass, as with `JSON.parse`).
//! In a binary packet every value is visited; nesting is then bounded by serde_json's
//! recursion limit (128), so deep input cannot overflow the stack either.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::error::DecodeError;
use super::packet::PacketType;

/// Event names the reference implementation refuses to dispatch because they have a meaning
/// of their own on one side or the other.
pub const RESERVED_EVENTS: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// Which top-level JSON value a packet type requires.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    /// A non-empty array led by a non-reserved string or a number.
    Event,
    /// Any array.
    Array,
    /// Any object.
    Object,
    /// A string or an object.
    StringOrObject,
}

/// Validates `text` against `shape`. `attachments` is the count announced by a binary header
/// (0 for a plain packet, in which case placeholder-looking objects are ordinary data).
pub(crate) fn validate(
    text: &str,
    shape: Shape,
    ty: PacketType,
    attachments: usize,
) -> Result<(), DecodeError> {
    // The hot path: a plain event or ack that the quick scan proves valid needs no serde
    // pass; anything else (and every error) goes through the full validator below.
    if attachments == 0 {
        let quick = match shape {
            Shape::Event => super::quick_check::certainly_valid(text, true),
            Shape::Array => super::quick_check::certainly_valid(text, false),
            Shape::Object | Shape::StringOrObject => false,
        };
        if quick {
            return Ok(());
        }
    }
    let mut scan = Scan {
        attachments,
        placeholders: 0,
        err: None,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = ShapeSeed {
        shape,
        ty,
        scan: &mut scan,
    };
    if let Err(e) = seed.deserialize(&mut de) {
        return Err(scan.err.take().unwrap_or(DecodeError::InvalidJson(e)));
    }
    if de.end().is_err() {
        return Err(DecodeError::TrailingData);
    }
    if attachments > 0 && scan.placeholders != attachments {
        return Err(DecodeError::PlaceholderCountMismatch {
            found: scan.placeholders,
            attachments,
        });
    }
    Ok(())
}

/// State shared by all visitors of one payload.
struct Scan {
    attachments: usize,
    placeholders: usize,
    err: Option<DecodeError>,
}

impl Scan {
    /// Records `err` and returns the serde error that unwinds the parse.
    fn fail<E: de::Error>(&mut self, err: DecodeError) -> E {
        self.err = Some(err);
        E::custom("socket.io validation failed")
    }
}

/// What a scanned value was, as far as placeholder detection cares.
#[derive(Clone, Copy)]
enum Seen {
    True,
    Index(u64),
    Other,
}

/// JavaScript's largest exactly representable integer; a float placeholder index above it
/// cannot have been produced by an encoder.
const MAX_SAFE_F64: f64 = 9_007_199_254_740_991.0;

struct AnySeed<'a> {
    scan: &'a mut Scan,
}

impl<'de> DeserializeSeed<'de> for AnySeed<'_> {
    type Value = Seen;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Seen, D::Error> {
        if self.scan.attachments == 0 {
            // Placeholders only matter in binary packets. Otherwise let serde_json skip the
            // value on its fast path: it checks the syntax without decoding strings or
            // converting numbers, several times faster than visiting each value.
            de::IgnoredAny::deserialize(d)?;
            return Ok(Seen::Other);
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnySeed<'_> {
    type Value = Seen;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Seen, E> {
        Ok(if v { Seen::True } else { Seen::Other })
    }
    fn visit_u64<E>(self, v: u64) -> Result<Seen, E> {
        Ok(Seen::Index(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Seen, E> {
        Ok(u64::try_from(v).map_or(Seen::Other, Seen::Index))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Seen, E> {
        // JSON numbers like `0.0` or `1e0` are integers to JavaScript, which the reference
        // parser accepts as placeholder indexes; the cast is exact within the checked range.
        if (0.0..=MAX_SAFE_F64).contains(&v) && v.fract() == 0.0 {
            Ok(Seen::Index(v as u64))
        } else {
            Ok(Seen::Other)
        }
    }
    fn visit_str<E>(self, _: &str) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_unit<E>(self) -> Result<Seen, E> {
        Ok(Seen::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Seen, A::Error> {
        while seq
            .next_element_seed(AnySeed {
                scan: &mut *self.scan,
            })?
            .is_some()
        {}
        Ok(Seen::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Seen, A::Error> {
        scan_map(self.scan, &mut map)?;
        Ok(Seen::Other)
    }
}

/// Scans an object's members, and checks it as a placeholder when it says it is one.
fn scan_map<'de, A: MapAccess<'de>>(scan: &mut Scan, map: &mut A) -> Result<(), A::Error> {
    let mut placeholder = false;
    let mut num: Option<Seen> = None;
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let seen = map.next_value_seed(AnySeed { scan: &mut *scan })?;
        // Duplicate keys: the last one wins, as with JSON.parse.
        match key {
            Key::Placeholder => placeholder = matches!(seen, Seen::True),
            Key::Num => num = Some(seen),
            Key::Other => {}
        }
    }
    if placeholder && scan.attachments > 0 {
        match num {
            Some(Seen::Index(n)) => {
                let in_range = usize::try_from(n).is_ok_and(|i| i < scan.attachments);
                if !in_range {
                    let attachments = scan.attachments;
                    return Err(scan.fail(DecodeError::PlaceholderOutOfRange {
                        num: n,
                        attachments,
                    }));
                }
                scan.placeholders = scan.placeholders.saturating_add(1);
            }
            _ => return Err(scan.fail(DecodeError::InvalidPlaceholder)),
        }
    }
    Ok(())
}

enum Key {
    Placeholder,
    Num,
    Other,
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Key, E> {
        Ok(match v {
            "_placeholder" => Key::Placeholder,
            "num" => Key::Num,
            _ => Key::Other,
        })
    }
}

struct ShapeSeed<'a> {
    shape: Shape,
    ty: PacketType,
    scan: &'a mut Scan,
}

impl ShapeSeed<'_> {
    fn mismatch<E: de::Error>(self) -> Result<(), E> {
        let err = match self.shape {
            Shape::Event | Shape::Array => DecodeError::PayloadNotArray(self.ty),
            Shape::Object => DecodeError::ConnectPayloadNotObject,
            Shape::StringOrObject => DecodeError::ConnectErrorPayloadInvalid,
        };
        Err(self.scan.fail(err))
    }
}

impl<'de> DeserializeSeed<'de> for ShapeSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a socket.io payload")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.mismatch()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.mismatch()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.mismatch()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.mismatch()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.mismatch()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        match self.shape {
            Shape::StringOrObject => Ok(()),
            _ => self.mismatch(),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match self.shape {
            Shape::Object | Shape::StringOrObject => scan_map(self.scan, &mut map),
            _ => self.mismatch(),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.shape {
            Shape::Event => {
                match seq.next_element_seed(NameSeed {
                    scan: &mut *self.scan,
                })? {
                    Some(()) => {}
                    None => return Err(self.scan.fail(DecodeError::EmptyEvent)),
                }
            }
            Shape::Array => {}
            _ => return self.mismatch(),
        }
        while seq
            .next_element_seed(AnySeed {
                scan: &mut *self.scan,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// The first element of an event array.
struct NameSeed<'a> {
    scan: &'a mut Scan,
}

impl NameSeed<'_> {
    fn invalid<E: de::Error>(self) -> Result<(), E> {
        Err(self.scan.fail(DecodeError::InvalidEventName))
    }
}

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NameSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match RESERVED_EVENTS.iter().find(|r| **r == v) {
            Some(r) => Err(self.scan.fail(DecodeError::ReservedEventName(r))),
            None => Ok(()),
        }
    }
    // The reference parser accepts a number as an event name (an EventEmitter key).
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.invalid()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.invalid()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.invalid()
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.invalid()
    }
}
