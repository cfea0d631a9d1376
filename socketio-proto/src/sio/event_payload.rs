//! [`EventPayload`]: an EVENT's JSON array, `[name, ...args]`, valid by construction.

use std::fmt;
use std::ops::Deref;

use serde::de::DeserializeOwned;

use super::args::Args;
use super::args_de::read_args;
use super::encode::{json_str_len, write_json_str};
use super::payload::Payload;
use super::validate::RESERVED_EVENTS;
use crate::Str;

/// The payload of an EVENT or BINARY_EVENT: a JSON array whose first element is the event
/// name, followed by the arguments.
///
/// Only two things make one: the decoder, after checking the shape socket.io-parser
/// requires (a non-empty array led by a string that is not a reserved name, or a number), and
/// [`EventPayload::new`], which refuses the reserved names and takes its arguments as
/// [`Args`], always an array. So no event this crate encodes is one the client's parser
/// would refuse.
///
/// Derefs to [`Payload`] ([`Payload::event_name`], [`Payload::event_args`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventPayload(Payload);

/// The event name is one the protocol reserves (`connect`, `disconnect`, ...): a client's
/// parser refuses such an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is a reserved event name")]
pub struct ReservedEventName(pub &'static str);

impl EventPayload {
    /// `[name, ...args]`.
    ///
    /// # Errors
    /// [`ReservedEventName`] when `name` is one of [`RESERVED_EVENTS`].
    pub fn new(name: &str, args: &Args) -> Result<Self, ReservedEventName> {
        if let Some(r) = RESERVED_EVENTS.iter().find(|r| **r == name) {
            return Err(ReservedEventName(r));
        }
        let inner = args.inner();
        // Exact capacity: `Str` then takes the buffer without a second allocation.
        let comma_inner = if inner.is_empty() {
            0
        } else {
            inner.len().saturating_add(1)
        };
        let mut out = String::with_capacity(
            json_str_len(name)
                .saturating_add(comma_inner)
                .saturating_add(2),
        );
        out.push('[');
        write_json_str(&mut out, name);
        if !inner.is_empty() {
            out.push(',');
            out.push_str(inner);
        }
        out.push(']');
        Ok(Self(Payload::from_validated(Str::from(out))))
    }

    /// Wraps a payload the decoder has already proven to be an event array.
    pub(crate) const fn from_validated(payload: Payload) -> Self {
        Self(payload)
    }

    /// Reads the arguments after the name as `T` by the argument rule of
    /// [`Args::parse`]: a tuple reads the list, anything else the first argument.
    ///
    /// # Errors
    /// The serde_json error when the arguments do not fit `T`.
    pub fn parse_args<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        read_args(self.0.as_str(), 1)
    }

    /// The JSON array as a payload.
    #[must_use]
    pub const fn as_payload(&self) -> &Payload {
        &self.0
    }

    /// Gives back the JSON array as a payload.
    #[must_use]
    pub fn into_payload(self) -> Payload {
        self.0
    }

    /// The arguments after the name, as an argument list of their own (a copy of their
    /// text), e.g. to send a received event's arguments on unchanged.
    #[must_use]
    pub fn to_args(&self) -> Args {
        let text = self.0.as_str().trim_matches(JSON_WHITESPACE);
        // `[name, a, b]` → `[a, b]`: skip the name (one JSON value) and its comma.
        let after_bracket = text.strip_prefix('[').unwrap_or(text);
        let mut de =
            serde_json::Deserializer::from_str(after_bracket).into_iter::<serde::de::IgnoredAny>();
        if de.next().and_then(Result::ok).is_none() {
            return Args::empty();
        }
        let rest = after_bracket
            .get(de.byte_offset()..)
            .unwrap_or("")
            .trim_start_matches(JSON_WHITESPACE);
        match rest.strip_prefix(',') {
            Some(args) => {
                let mut out = String::with_capacity(args.len().saturating_add(1));
                out.push('[');
                out.push_str(args.trim_start_matches(JSON_WHITESPACE));
                Args::from_validated(Payload::from_validated(Str::from(out)))
            }
            None => Args::empty(),
        }
    }
}

impl Deref for EventPayload {
    type Target = Payload;
    fn deref(&self) -> &Payload {
        &self.0
    }
}

impl AsRef<Payload> for EventPayload {
    fn as_ref(&self) -> &Payload {
        &self.0
    }
}

impl From<EventPayload> for Payload {
    fn from(e: EventPayload) -> Self {
        e.0
    }
}

impl fmt::Display for EventPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// The four whitespace characters JSON allows between tokens.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Args {
        Args::try_from_payload(Payload::from_json(Str::from(s)).unwrap()).unwrap()
    }

    #[test]
    fn builds_the_event_array() {
        let e = EventPayload::new("chat", &args(r#"["hi", 1]"#)).unwrap();
        assert_eq!(e.as_str(), r#"["chat","hi", 1]"#);
        assert_eq!(
            EventPayload::new("x", &Args::empty()).unwrap().as_str(),
            r#"["x"]"#
        );
        let q = EventPayload::new("a\"b", &Args::empty()).unwrap();
        assert_eq!(q.as_str(), r#"["a\"b"]"#);
    }

    #[test]
    fn refuses_reserved_names() {
        for r in RESERVED_EVENTS {
            assert_eq!(
                EventPayload::new(r, &Args::empty()),
                Err(ReservedEventName(r))
            );
        }
    }

    #[test]
    fn gives_back_the_arguments() {
        let e = |s: &str| EventPayload::from_validated(Payload::from_json(Str::from(s)).unwrap());
        assert_eq!(
            e(r#"["x", 1, [2], {"a": ","}]"#).to_args().as_str(),
            r#"[1, [2], {"a": ","}]"#
        );
        assert_eq!(e(r#"["x"]"#).to_args().as_str(), "[]");
        assert_eq!(e(r#" [ "x\"," ,true ] "#).to_args().as_str(), "[true ]");
        assert_eq!(e("[7,null]").to_args().as_str(), "[null]");
    }
}
