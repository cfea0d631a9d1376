//! Reading arguments by the same rule that writes them ([`Args::new`](super::Args::new)):
//! **a tuple is the argument list, anything else is the first argument**.
//!
//! `(String, u32)` reads `["a", 1]` as two arguments; `String` reads the first argument of
//! `["a", 1]`; `Vec<u8>` reads the first argument of `[[1, 2]]` (one array, as node sends
//! it). Arguments beyond those asked for are ignored, as JavaScript listeners ignore them; a
//! missing argument reads as `null` (so `Option<T>` gets `None`). serde says which kind `T`
//! is: a tuple (and a fixed-size array) asks the deserializer for a tuple. A tiny probe
//! deserializer, which fails at once, records that first request, so nothing is parsed
//! twice.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, SeqAccess, Visitor};

use super::probe::Stop;

/// How `T` wants to be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A tuple: the argument list.
    Tuple,
    /// `()`: nothing.
    Unit,
    /// Anything else: the first argument.
    One,
}

/// Which kind `T` is, from the first thing its `Deserialize` asks for.
fn kind_of<T: DeserializeOwned>() -> Kind {
    let mut kind = Kind::One;
    let _ = T::deserialize(Probe { kind: &mut kind });
    kind
}

/// Reads the elements of the JSON array `text` as `T` by the argument rule, after
/// skipping `skip` leading elements (1 for an event's name).
pub(crate) fn read_args<T: DeserializeOwned>(
    text: &str,
    skip: usize,
) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let kind = kind_of::<T>();
    let value = de::Deserializer::deserialize_seq(
        &mut de,
        ArgsVisitor {
            skip,
            kind,
            out: PhantomData::<T>,
        },
    )?;
    de.end()?;
    Ok(value)
}

struct ArgsVisitor<T> {
    skip: usize,
    kind: Kind,
    out: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ArgsVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of arguments")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<T, S::Error> {
        for i in 0..self.skip {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::invalid_length(i, &"an event name"));
            }
        }
        let value = match self.kind {
            Kind::Tuple => T::deserialize(de::value::SeqAccessDeserializer::new(&mut seq))?,
            // `()` asks for nothing, whatever was sent.
            Kind::Unit => null()?,
            Kind::One => match seq.next_element::<T>()? {
                Some(v) => v,
                // No argument: read `null`, as a JavaScript listener sees `undefined`.
                None => null()?,
            },
        };
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(value)
    }
}

/// `T` read from `null`.
fn null<T: DeserializeOwned, E: de::Error>() -> Result<T, E> {
    serde_json::from_str("null").map_err(E::custom)
}

/// A deserializer that records the first request and fails.
struct Probe<'a> {
    kind: &'a mut Kind,
}

macro_rules! stop {
    ($($method:ident($($arg:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $(_: $arg,)* _: V) -> Result<V::Value, Stop> {
                Err(Stop)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, Stop> {
        *self.kind = Kind::Tuple;
        Err(Stop)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        *self.kind = Kind::Unit;
        Err(Stop)
    }

    stop! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit_struct(&'static str);
        deserialize_newtype_struct(&'static str);
        deserialize_seq();
        deserialize_tuple_struct(&'static str, usize);
        deserialize_map();
        deserialize_struct(&'static str, &'static [&'static str]);
        deserialize_enum(&'static str, &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind_of::<(u8,)>(), Kind::Tuple);
        assert_eq!(kind_of::<(String, u8)>(), Kind::Tuple);
        assert_eq!(kind_of::<[u8; 2]>(), Kind::Tuple);
        assert_eq!(kind_of::<()>(), Kind::Unit);
        assert_eq!(kind_of::<String>(), Kind::One);
        assert_eq!(kind_of::<Vec<u8>>(), Kind::One);
        assert_eq!(kind_of::<Value>(), Kind::One);
        assert_eq!(kind_of::<Option<u8>>(), Kind::One);
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Msg {
        text: String,
    }

    #[test]
    fn tuples_read_the_list_and_the_rest_reads_the_first() {
        let t = r#"["ev", "a", 1, {"text": "x"}]"#;
        assert_eq!(
            read_args::<(String, u8)>(t, 1).unwrap(),
            ("a".to_owned(), 1)
        );
        assert_eq!(read_args::<String>(t, 1).unwrap(), "a");
        assert_eq!(read_args::<()>(t, 1).unwrap(), ());
        assert_eq!(read_args::<Value>(t, 0).unwrap(), json!("ev"));
        let m = r#"["ev", {"text": "hi"}]"#;
        assert_eq!(read_args::<Msg>(m, 1).unwrap(), Msg { text: "hi".into() });
        assert_eq!(read_args::<Vec<u8>>("[[1,2],3]", 0).unwrap(), vec![1, 2]);
    }

    #[test]
    fn missing_arguments_read_as_null() {
        assert_eq!(read_args::<Option<u8>>(r#"["ev"]"#, 1).unwrap(), None);
        assert!(read_args::<String>(r#"["ev"]"#, 1).is_err());
        // A tuple is strict (serde's rule): it needs all its elements.
        assert!(read_args::<(Option<u8>,)>("[]", 0).is_err());
    }

    #[test]
    fn wrong_types_are_errors() {
        let e = read_args::<u8>(r#"["ev", "x"]"#, 1).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        assert!(read_args::<Msg>(r#"["ev", "hi"]"#, 1).is_err());
        assert!(read_args::<u8>("5", 0).is_err());
    }
}
