//! [`Args`]: the arguments of an event or an acknowledgement, always a JSON array.
//!
//! The protocol puts arguments on the wire as the elements of a JSON array: an EVENT's
//! `["name", a, b]`, an ACK's `[a, b]`. A payload that is not an array is not a packet
//! socket.io-parser accepts (an ACK of `5` even reads as a different ack id: `4315` for
//! id 31), so the type that carries arguments can only hold an array, and every way to make
//! one decides the array itself:
//!
//! - [`Args::new`] (and [`ToArgs`], which the async and sync application APIs take) applies
//!   the argument rule: **a tuple is the argument list, anything else is one argument**.
//!   `("a", 1)` is two arguments, `()` none, `5` one, and a `Vec` or a slice one array, as
//!   node's `socket.emit("x", [1, 2])` sends one array. serde tells these apart: a tuple
//!   serializes as a tuple, a `Vec` as a sequence. (A fixed-size array `[T; N]` also
//!   serializes as a tuple in serde, so it is an argument list too; send `vec![..]` or
//!   `(array,)` for one array. And `serde_json::Value::Null` serializes exactly as `()`, so
//!   it is no arguments; `None::<T>`, `(Value::Null,)` or [`Args::one`] send one `null`.)
//! - [`Args::one`] is always exactly one argument, whatever the value's shape.
//! - [`Args::from_values`] takes the arguments as a list of JSON values.
//! - [`Args::try_from_payload`] checks that a payload is an array.

use std::fmt;
use std::ops::Deref;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::Impossible;

use super::args_de::read_args;
use super::payload::Payload;
use super::probe::Stop;
use crate::Str;

/// The arguments of an event or an acknowledgement: JSON text that is always an array, one
/// element per argument (possibly none). See the module docs for how values become
/// arguments.
///
/// Derefs to [`Payload`] for typed access (`args.deserialize::<(String, u32)>()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args(Payload);

/// The payload was not a JSON array, so it cannot be an argument list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arguments must be a JSON array")]
pub struct NotAnArray;

impl Args {
    /// No arguments: `[]`.
    #[must_use]
    pub const fn empty() -> Self {
        Self(Payload::from_validated(Str::from_static("[]")))
    }

    /// The arguments `v` stands for: a tuple's elements (`()` for none), or `v` itself as the
    /// only argument when it is anything but a tuple.
    ///
    /// # Errors
    /// The serde_json error when `v`'s `Serialize` fails (e.g. a map with non-string keys).
    pub fn new<T: Serialize + ?Sized>(v: &T) -> Result<Self, serde_json::Error> {
        // serde_json writes a tuple as the array we want and `(v,)` as `[v]`, each in one
        // pass into one buffer; which of the two `v` is comes from a probe that fails at the
        // first thing `v`'s `Serialize` asks for, so nothing is serialized twice.
        let text = match shape_of(v) {
            Shape::Unit => return Ok(Self::empty()),
            Shape::Tuple => serde_json::to_string(v)?,
            Shape::One => serde_json::to_string(&(v,))?,
        };
        Ok(Self(Payload::from_validated(Str::from(text))))
    }

    /// Exactly one argument, `v`, whatever its shape (a tuple becomes one array).
    ///
    /// # Errors
    /// The serde_json error when `v`'s `Serialize` fails.
    pub fn one<T: Serialize + ?Sized>(v: &T) -> Result<Self, serde_json::Error> {
        Self::new(&(v,))
    }

    /// The arguments given as JSON values, in order.
    #[must_use]
    pub fn from_values(values: impl IntoIterator<Item = serde_json::Value>) -> Self {
        let array = serde_json::Value::Array(values.into_iter().collect());
        Self(Payload::from_value(&array))
    }

    /// `payload` as an argument list, if it is a JSON array.
    ///
    /// # Errors
    /// [`NotAnArray`] for any other JSON value.
    pub fn try_from_payload(payload: Payload) -> Result<Self, NotAnArray> {
        if payload
            .as_str()
            .trim_start_matches(JSON_WHITESPACE)
            .starts_with('[')
        {
            Ok(Self(payload))
        } else {
            Err(NotAnArray)
        }
    }

    /// Wraps a payload the decoder has already proven to be an array.
    pub(crate) const fn from_validated(payload: Payload) -> Self {
        Self(payload)
    }

    /// Reads the arguments as `T` by the argument rule: a tuple reads the argument list
    /// (`(String, u32)`), anything else reads the first argument (`String`, a struct, a
    /// `Vec` sent as one array); extra arguments are ignored, a missing one reads as `null`.
    ///
    /// # Errors
    /// The serde_json error when the arguments do not fit `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        read_args(self.0.as_str(), 0)
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

    /// These arguments with the string `last` appended as one more argument: still an
    /// array (`[a,b]` → `[a,b,"last"]`, `[]` → `["last"]`). Connection state recovery puts
    /// each stored event's offset there, where socket.io-client reads it (the last
    /// argument, when it is a string).
    #[must_use]
    pub fn with_last_string(&self, last: &str) -> Self {
        let inner = self.inner();
        let mut out = String::with_capacity(
            inner
                .len()
                .saturating_add(super::encode::json_str_len(last))
                .saturating_add(3),
        );
        out.push('[');
        if !inner.is_empty() {
            out.push_str(inner);
            out.push(',');
        }
        super::encode::write_json_str(&mut out, last);
        out.push(']');
        Self(Payload::from_validated(Str::from(out)))
    }

    /// The text between the array's brackets, trimmed: `a,b` for `[a,b]`, empty for `[]`.
    pub(crate) fn inner(&self) -> &str {
        let a = self.0.as_str().trim_matches(JSON_WHITESPACE);
        a.strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .map_or("", |s| s.trim_matches(JSON_WHITESPACE))
    }
}

impl Default for Args {
    fn default() -> Self {
        Self::empty()
    }
}

impl Deref for Args {
    type Target = Payload;
    fn deref(&self) -> &Payload {
        &self.0
    }
}

impl AsRef<Payload> for Args {
    fn as_ref(&self) -> &Payload {
        &self.0
    }
}

impl From<Args> for Payload {
    fn from(a: Args) -> Self {
        a.0
    }
}

impl TryFrom<Payload> for Args {
    type Error = NotAnArray;
    fn try_from(p: Payload) -> Result<Self, NotAnArray> {
        Self::try_from_payload(p)
    }
}

impl fmt::Display for Args {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// A value that can be sent as arguments: anything `Serialize` (by the argument rule of
/// [`Args::new`]), and prepared [`Args`] themselves (sent as they are).
///
/// The application APIs take `&impl ToArgs`, so `emit("stats", &stats)` sends one argument,
/// `emit("move", &(x, y))` two, and `emit("again", &args)` a list built before.
pub trait ToArgs {
    /// The arguments.
    ///
    /// # Errors
    /// The serde_json error when serializing fails.
    fn to_args(&self) -> Result<Args, serde_json::Error>;
}

impl<T: Serialize + ?Sized> ToArgs for T {
    fn to_args(&self) -> Result<Args, serde_json::Error> {
        Args::new(self)
    }
}

impl ToArgs for Args {
    fn to_args(&self) -> Result<Args, serde_json::Error> {
        Ok(self.clone())
    }
}

/// The four whitespace characters JSON allows between tokens.
const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// What the top-level value turned out to be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `()`: no arguments.
    Unit,
    /// A tuple: its elements are the arguments.
    Tuple,
    /// Anything else: one argument.
    One,
}

/// The shape of `v`, from the first thing its `Serialize` asks for.
fn shape_of<T: Serialize + ?Sized>(v: &T) -> Shape {
    let mut shape = Shape::One;
    let _ = v.serialize(ShapeProbe { shape: &mut shape });
    shape
}

/// A serializer that records the first request and fails.
struct ShapeProbe<'a> {
    shape: &'a mut Shape,
}

macro_rules! stop {
    ($($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result<$ok, Stop> {
                Err(Stop)
            }
        )*
    };
}

impl serde::Serializer for ShapeProbe<'_> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Impossible<(), Stop>;
    type SerializeTuple = Impossible<(), Stop>;
    type SerializeTupleStruct = Impossible<(), Stop>;
    type SerializeTupleVariant = Impossible<(), Stop>;
    type SerializeMap = Impossible<(), Stop>;
    type SerializeStruct = Impossible<(), Stop>;
    type SerializeStructVariant = Impossible<(), Stop>;

    fn serialize_unit(self) -> Result<(), Stop> {
        *self.shape = Shape::Unit;
        Err(Stop)
    }

    fn serialize_tuple(self, _: usize) -> Result<Impossible<(), Stop>, Stop> {
        *self.shape = Shape::Tuple;
        Err(Stop)
    }

    stop! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_i128(i128) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_u128(u128) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Impossible<(), Stop>;
        serialize_tuple_struct(&'static str, usize) -> Impossible<(), Stop>;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), Stop>;
        serialize_map(Option<usize>) -> Impossible<(), Stop>;
        serialize_struct(&'static str, usize) -> Impossible<(), Stop>;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), Stop>;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Stop> {
        Err(Stop)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Stop> {
        Err(Stop)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Stop> {
        Err(Stop)
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Result<(), Stop> {
        Err(Stop)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text<T: Serialize + ?Sized>(v: &T) -> String {
        Args::new(v).unwrap().as_str().to_owned()
    }

    #[test]
    fn with_last_string_keeps_an_array() {
        let last = |v: &Args| v.with_last_string("7\"x").as_str().to_owned();
        assert_eq!(last(&Args::empty()), r#"["7\"x"]"#);
        assert_eq!(last(&Args::new(&("a", 1)).unwrap()), r#"["a",1,"7\"x"]"#);
        let spaced = Args::try_from_payload(Payload::from_json(Str::from(" [ 1 ] ")).unwrap());
        assert_eq!(last(&spaced.unwrap()), r#"[1,"7\"x"]"#);
        let parsed: serde_json::Value =
            serde_json::from_str(Args::new(&vec![1]).unwrap().with_last_string("o").as_str())
                .unwrap();
        assert_eq!(parsed, json!([[1], "o"]));
    }

    #[test]
    fn a_tuple_is_the_argument_list() {
        assert_eq!(text(&()), "[]");
        assert_eq!(text(&("a", 1)), r#"["a",1]"#);
        assert_eq!(text(&(5,)), "[5]");
        assert_eq!(text(&(None::<u8>,)), "[null]");
        assert_eq!(text(&&("by", "reference")), r#"["by","reference"]"#);
    }

    #[test]
    fn anything_else_is_one_argument() {
        assert_eq!(text(&5), "[5]");
        assert_eq!(text("ok"), r#"["ok"]"#);
        assert_eq!(text(&vec![1, 2, 3]), "[[1,2,3]]");
        assert_eq!(text(&[1, 2][..]), "[[1,2]]");
        assert_eq!(text(&json!([1, 2])), "[[1,2]]");
        assert_eq!(text(&json!({"a": 1})), r#"[{"a":1}]"#);
        assert_eq!(text(&None::<u8>), "[null]");
        assert_eq!(text(&Some(3)), "[3]");
        // serde serializes `Value::Null` exactly as `()`: no arguments; `one` for a null.
        assert_eq!(text(&serde_json::Value::Null), "[]");
        assert_eq!(
            Args::one(&serde_json::Value::Null).unwrap().as_str(),
            "[null]"
        );
    }

    #[test]
    fn one_wraps_even_a_tuple() {
        assert_eq!(Args::one(&(1, 2)).unwrap().as_str(), "[[1,2]]");
        assert_eq!(Args::one(&()).unwrap().as_str(), "[null]");
    }

    #[test]
    fn payloads_must_be_arrays() {
        let p = |s: &str| Payload::from_json(Str::from(s)).unwrap();
        assert_eq!(Args::try_from_payload(p("5")), Err(NotAnArray));
        assert_eq!(Args::try_from_payload(p(r#""ok""#)), Err(NotAnArray));
        assert_eq!(Args::try_from_payload(p(" [1] ")).unwrap().inner(), "1");
        assert_eq!(Args::try_from_payload(p("[ ]")).unwrap().inner(), "");
    }

    #[test]
    fn values_and_prepared_args() {
        let a = Args::from_values([json!(1), json!("two")]);
        assert_eq!(a.as_str(), r#"[1,"two"]"#);
        assert_eq!(a.to_args().unwrap(), a);
        assert_eq!(
            a.deserialize::<(u8, String)>().unwrap(),
            (1, "two".to_owned())
        );
    }

    #[test]
    fn serialize_errors_are_reported() {
        let mut bad = std::collections::HashMap::new();
        bad.insert(vec![1u8], 1);
        assert!(Args::new(&bad).is_err());
    }
}
