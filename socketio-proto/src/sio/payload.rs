//! [`Payload`]: validated JSON text, kept as the bytes it arrived in.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::encode::write_json_str;
use crate::Str;

/// A packet's JSON payload as text.
///
/// Decoding validates the JSON (and its shape for the packet type) once and keeps a
/// zero-copy slice of the received frame; nothing is parsed into a tree until asked for with
/// [`deserialize`](Self::deserialize) or [`to_value`](Self::to_value). Encoding copies the
/// text verbatim, so a decoded payload forwarded elsewhere is never re-serialized.
///
/// Invariant: the text is one well-formed JSON value (possibly surrounded by whitespace).
/// Like `JSON.parse`, that admits any nesting depth and lone UTF-16 surrogate escapes
/// (`"\ud800"`), which serde_json's typed access refuses: [`to_value`](Self::to_value) and
/// [`deserialize`](Self::deserialize) then return an error (never panic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload(Str);

impl Payload {
    /// Wraps text the decoder has already validated.
    pub(crate) const fn from_validated(text: Str) -> Self {
        Self(text)
    }

    /// Checks that `text` is one JSON value and wraps it without copying.
    ///
    /// # Errors
    /// The serde_json error when `text` is not well-formed JSON.
    pub fn from_json(text: Str) -> Result<Self, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(&text);
        IgnoredAny::deserialize(&mut de)?;
        de.end()?;
        Ok(Self(text))
    }

    /// Serializes `v` straight into the payload's buffer.
    ///
    /// # Errors
    /// The serde_json error when `v`'s `Serialize` fails (e.g. a map with non-string keys).
    pub fn from_serialize<T: Serialize + ?Sized>(v: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_string(v).map(|s| Self(Str::from(s)))
    }

    /// Serializes a JSON tree.
    #[must_use]
    pub fn from_value(v: &serde_json::Value) -> Self {
        // Serializing a `Value` into a string cannot fail: its keys are strings and its
        // numbers finite. The fallback only keeps this function panic-free.
        Self::from_serialize(v).unwrap_or_else(|_| Self(Str::from_static("null")))
    }

    /// The JSON text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The JSON text as a shared [`Str`].
    #[must_use]
    pub const fn as_text(&self) -> &Str {
        &self.0
    }

    /// Gives back the JSON text.
    #[must_use]
    pub fn into_text(self) -> Str {
        self.0
    }

    /// Parses the payload into a JSON tree.
    ///
    /// # Errors
    /// When the JSON nests deeper than serde_json's limit (128) or holds a lone surrogate.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }

    /// Deserializes the whole payload into `T`.
    ///
    /// # Errors
    /// The serde_json error when the payload does not fit `T`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }

    /// Deserializes the whole payload into a `T` that may borrow strings from it.
    ///
    /// # Errors
    /// The serde_json error when the payload does not fit `T`.
    pub fn deserialize_borrowed<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }

    /// The name of an event payload `[name, ...args]`: borrowed from the text unless it holds
    /// escapes; a numeric name (accepted by the reference parser) is given as its decimal text.
    ///
    /// # Errors
    /// When the payload is not an array led by a string or a number.
    pub fn event_name(&self) -> Result<Cow<'_, str>, serde_json::Error> {
        // The text is one well-formed JSON value (the type's invariant), so reading the
        // opening bracket and the first element is enough: scanning the remaining arguments
        // again could not find an error, and dispatch looks up the name on every event.
        let text = self.as_str().trim_start_matches(JSON_WHITESPACE);
        let Some(elements) = text.strip_prefix('[') else {
            return Err(de::Error::invalid_type(
                de::Unexpected::Other("a non-array payload"),
                &"an event array",
            ));
        };
        let mut de = serde_json::Deserializer::from_str(elements);
        // An empty array leaves `]` here, which is not a value: an error, as it should be.
        NameVisitor.deserialize(&mut de)
    }

    /// The arguments of an event payload `[name, ...args]` (without the name), deserialized
    /// as a sequence into `T`: a tuple, a `Vec`, or a struct deserialized from a sequence.
    /// Arguments beyond those `T` consumes are ignored, as JavaScript listeners do.
    ///
    /// # Errors
    /// When the payload is not an array or the arguments do not fit `T`.
    pub fn event_args<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(self.as_str());
        de::Deserializer::deserialize_seq(
            &mut de,
            FirstThen(PhantomData::<IgnoredAny>, PhantomData::<T>),
        )
        .map(|(IgnoredAny, args)| args)
    }

    /// The arguments of an event payload (without the name) as a JSON array.
    ///
    /// # Errors
    /// When the payload is not an array.
    pub fn event_args_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.event_args::<Vec<serde_json::Value>>()
            .map(serde_json::Value::Array)
    }

    /// `{"message":"..."}`.
    pub(crate) fn message_object(message: &str) -> Self {
        let mut out = String::with_capacity(message.len().saturating_add(16));
        out.push_str("{\"message\":");
        write_json_str(&mut out, message);
        out.push('}');
        Self(Str::from(out))
    }

    /// A JSON string.
    pub(crate) fn string(s: &str) -> Self {
        let mut out = String::with_capacity(s.len().saturating_add(2));
        write_json_str(&mut out, s);
        Self(Str::from(out))
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four whitespace characters JSON allows between tokens.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Visits an array: the first element with `.0`, the remaining elements with `.1` (through
/// a sequence deserializer), then drains whatever the second one left.
struct FirstThen<A, B>(A, B);

impl<'de, A, B> Visitor<'de> for FirstThen<A, B>
where
    A: DeserializeSeed<'de>,
    B: DeserializeSeed<'de>,
{
    type Value = (A::Value, B::Value);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event array")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let first = seq
            .next_element_seed(self.0)?
            .ok_or_else(|| de::Error::invalid_length(0, &"a non-empty event array"))?;
        let rest = self
            .1
            .deserialize(de::value::SeqAccessDeserializer::new(&mut seq))?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((first, rest))
    }
}

/// An event name: a string (borrowed when unescaped) or a number.
struct NameVisitor;

impl<'de> DeserializeSeed<'de> for NameVisitor {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event name (string or number)")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}
