//! Reading the fields of a decoded message, and the first-byte rule for its encoding.

use bytes::Bytes;

use super::error::DecodeError;
use super::limits::ClusterLimits;
use crate::Str;
use crate::msgpack::Value;

/// A request or response as a value: JSON when the first byte is `{` (0x7b), MessagePack
/// otherwise, as node's adapter decides.
pub(crate) fn decode_either(data: &Bytes, limits: &ClusterLimits) -> Result<Value, DecodeError> {
    if data.first() == Some(&b'{') {
        if data.len() > limits.max_message_bytes {
            return Err(crate::msgpack::MsgpackError::TooLarge {
                len: data.len(),
                max: limits.max_message_bytes,
            }
            .into());
        }
        Ok(Value::from_plain_json(data)?)
    } else {
        decode_value(data, limits)
    }
}

/// Decodes one MessagePack value that must span all of `data`.
///
/// # Errors
/// A [`DecodeError`] for malformed MessagePack, trailing bytes or a limit exceeded.
pub fn decode_value(data: &Bytes, limits: &ClusterLimits) -> Result<Value, DecodeError> {
    Ok(crate::msgpack::decode_value(data, &limits.msgpack())?)
}

/// The value of `key`, required.
pub(crate) fn field<'v>(v: &'v Value, key: &'static str) -> Result<&'v Value, DecodeError> {
    v.get(key).ok_or(DecodeError::Shape(key))
}

/// The value of `key` when present and not nil/undefined.
pub(crate) fn opt_field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key)
        .filter(|f| !matches!(f, Value::Nil) && !f.is_undefined())
}

/// A string field, required.
pub(crate) fn str_field(v: &Value, key: &'static str) -> Result<Str, DecodeError> {
    field(v, key)?
        .as_str()
        .cloned()
        .ok_or(DecodeError::Shape(key))
}

/// A list of room (or socket id) names: node's rooms may be numbers, which become their
/// decimal text (node matches a numeric room name against a number the same way).
pub(crate) fn names(v: &Value, what: &'static str) -> Result<Vec<Str>, DecodeError> {
    let items = v.as_array().ok_or(DecodeError::Shape(what))?;
    items
        .iter()
        .map(|item| match item {
            Value::Str(s) => Ok(s.clone()),
            Value::UInt(_) | Value::Int(_) | Value::F64(_) | Value::F32(_) => {
                let mut s = String::new();
                item.write_plain_json(&mut s)?;
                Ok(Str::from(s))
            }
            _ => Err(DecodeError::Shape(what)),
        })
        .collect()
}

/// A list of names, or none when the field is absent (node spreads a missing set as `[]`).
pub(crate) fn opt_names(v: &Value, key: &'static str) -> Result<Vec<Str>, DecodeError> {
    opt_field(v, key).map_or(Ok(Vec::new()), |f| names(f, key))
}

/// Names as a value.
pub(crate) fn names_value(list: &[Str]) -> Value {
    Value::Array(list.iter().cloned().map(Value::Str).collect())
}

/// A map value from string keys, in order.
pub(crate) fn map(entries: Vec<(&'static str, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::Str(Str::from_static(k)), v))
            .collect(),
    )
}
