//! MessagePack in notepack.io's model (node's encoder for the cluster adapter and for
//! socket.io-msgpack-parser), shared by the cluster codec and the msgpack packet parser.
//!
//! - [`Value`]: one MessagePack value as a JavaScript program sees it (maps keep their key
//!   order, binary and extension types kept apart).
//! - [`decode_value`] / [`encode_value`] / [`write_value`]: bytes to a value within
//!   [`MsgpackLimits`], and back byte for byte as notepack.io writes it.
//! - The conversion between a value and a packet's JSON with binary placeholders
//!   ([`Value::write_json`], [`Value::from_json`]): how binaries inside a msgpack message
//!   become the attachments the rest of the server handles.

mod date;
mod decode;
mod encode;
mod error;
mod from_json;
mod json;
mod limits;
mod value;

pub use date::js_date_string;
pub(crate) use decode::Reader;
pub use decode::decode_value;
pub use encode::{encode_value, write_value};
pub use error::MsgpackError;
pub(crate) use from_json::write_json;
pub use limits::MsgpackLimits;
pub use value::Value;
#[cfg(test)]
mod tests;
