//! [`Event`]: the JSON object `{"name":..,"args":[..]}` of an event packet, validated once.
//!
//! Validation runs serde_json's streaming deserializer over the text with visitors that build
//! nothing but the name: the top level must be an object, every `name` member a string and
//! every `args` member an array; other members and the arguments themselves are skipped with
//! serde_json's `IgnoredAny`, which checks the grammar without recursing, so deep input cannot
//! overflow the stack. As with `JSON.parse`, the last `name` wins.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{DecodeError, sub};
use crate::Str;
use crate::sio::Payload;

/// Event names the spec reserves: neither side may send them as event packets. The codec
/// does not refuse them (the reference server only ignores a configurable blacklist); the
/// session layer decides, with [`Event::is_reserved`].
pub const RESERVED_EVENTS: [&str; 8] = [
    "message",
    "connect",
    "disconnect",
    "open",
    "close",
    "error",
    "retry",
    "reconnect",
];

/// A validated event: the JSON text as received (or as built), and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    json: Payload,
    name: Str,
}

impl Event {
    /// Builds `{"name":<name>,"args":<args>}`; `args` must serialize as a JSON array (a
    /// slice, a `Vec`, a tuple, a `serde_json::Value::Array`).
    ///
    /// # Errors
    /// [`DecodeError::EventArgsNotArray`] when `args` is not an array, or
    /// [`DecodeError::InvalidJson`] when serializing it fails.
    pub fn new<A: Serialize + ?Sized>(name: &str, args: &A) -> Result<Self, DecodeError> {
        #[derive(Serialize)]
        struct Out<'a, A: ?Sized> {
            name: &'a str,
            args: &'a A,
        }
        let text = serde_json::to_string(&Out { name, args }).map_err(DecodeError::InvalidJson)?;
        Self::from_json(Str::from(text))
    }

    /// Validates the JSON of an event packet and keeps it without copying; the name is a
    /// slice of it unless it holds escapes.
    ///
    /// # Errors
    /// [`DecodeError::InvalidJson`], [`DecodeError::EventNotObject`],
    /// [`DecodeError::EventNameNotString`], [`DecodeError::EventArgsNotArray`] or
    /// [`DecodeError::EventWithoutName`].
    pub fn from_json(json: Str) -> Result<Self, DecodeError> {
        let name = match validate(json.as_str())? {
            Cow::Borrowed(name) => sub(&json, name),
            Cow::Owned(name) => Str::from(name),
        };
        Ok(Self {
            json: Payload::from_validated(json),
            name,
        })
    }

    /// The event name.
    #[must_use]
    pub const fn name(&self) -> &Str {
        &self.name
    }

    /// Whether the name is one of [`RESERVED_EVENTS`].
    #[must_use]
    pub fn is_reserved(&self) -> bool {
        RESERVED_EVENTS.contains(&self.name.as_str())
    }

    /// The whole event object as JSON text.
    #[must_use]
    pub const fn json(&self) -> &Payload {
        &self.json
    }

    /// Deserializes the arguments (an empty array when `args` is absent) into `T`.
    ///
    /// # Errors
    /// The serde_json error when the arguments do not fit `T` (or `args` appears twice).
    pub fn args<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        #[derive(Deserialize)]
        struct In<T> {
            args: Option<T>,
        }
        match serde_json::from_str::<In<T>>(self.json.as_str())?.args {
            Some(args) => Ok(args),
            None => serde_json::from_str("[]"),
        }
    }

    /// The arguments as JSON values.
    ///
    /// # Errors
    /// When the arguments nest deeper than serde_json's limit (128) or hold a lone surrogate.
    pub fn args_value(&self) -> Result<Vec<serde_json::Value>, serde_json::Error> {
        self.args()
    }
}

/// Checks the event object; returns its (last) name.
fn validate(text: &str) -> Result<Cow<'_, str>, DecodeError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top =
        de::Deserializer::deserialize_any(&mut de, TopVisitor).map_err(DecodeError::InvalidJson)?;
    de.end().map_err(DecodeError::InvalidJson)?;
    let Top::Object {
        name,
        bad_name,
        bad_args,
    } = top
    else {
        return Err(DecodeError::EventNotObject);
    };
    if bad_name {
        return Err(DecodeError::EventNameNotString);
    }
    if bad_args {
        return Err(DecodeError::EventArgsNotArray);
    }
    name.ok_or(DecodeError::EventWithoutName)
}

enum Top<'de> {
    NotObject,
    Object {
        name: Option<Cow<'de, str>>,
        bad_name: bool,
        bad_args: bool,
    },
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let (mut name, mut bad_name, mut bad_args) = (None, false, false);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Name => match map.next_value::<Found<'de>>()? {
                    Found::Str(s) => name = Some(s),
                    Found::Array | Found::Other => bad_name = true,
                },
                Key::Args => {
                    if !matches!(map.next_value::<Found<'de>>()?, Found::Array) {
                        bad_args = true;
                    }
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Top::Object {
            name,
            bad_name,
            bad_args,
        })
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::NotObject)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
}

/// The members of an event object that matter.
enum Key {
    Name,
    Args,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "name" => Key::Name,
                    "args" => Key::Args,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// What kind of value a member holds: a string (kept), an array, or anything else.
enum Found<'de> {
    Str(Cow<'de, str>),
    Array,
    Other,
}

impl<'de> Deserialize<'de> for Found<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FoundVisitor)
    }
}

struct FoundVisitor;

impl<'de> Visitor<'de> for FoundVisitor {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Found::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Found::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Found::Str(Cow::Owned(s)))
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Found::Array)
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Found::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Found::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Found::Other)
    }
}
