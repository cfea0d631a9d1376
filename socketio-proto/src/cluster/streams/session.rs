//! [`StoredSession`]: a disconnected socket as node's streams adapter keeps it in Redis
//! (`SET sio:session:<pid> <base64(msgpack(session))> PX <duration>`).

use ::base64::Engine as _;
use ::base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use super::super::broadcast::BroadcastOpts;
use super::super::error::DecodeError;
use super::super::fields::decode_value;
use super::super::fields::{field, map, names, names_value, str_field};
use super::super::limits::ClusterLimits;
use crate::Str;
use crate::msgpack::Value;
use crate::msgpack::encode_value;

/// The default prefix of session keys, node's `sessionKeyPrefix`.
pub const DEFAULT_SESSION_KEY_PREFIX: &str = "sio:session:";

/// What a socket that ended for a transport reason leaves in Redis for any server to
/// restore: node's `{sid, pid, rooms, data}`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    /// The socket id, kept by the restored socket.
    pub sid: Str,
    /// The private id the client sends back (`auth.pid`), also the key's suffix.
    pub pid: Str,
    /// Its rooms, its own id included (node spreads `socket.rooms`).
    pub rooms: Vec<Str>,
    /// `socket.data` (MessagePack value; `{}` when the application keeps none).
    pub data: Value,
}

impl StoredSession {
    /// The value of the session key: base64 of the MessagePack map.
    #[must_use]
    pub fn encode(&self) -> String {
        let v = map(vec![
            ("sid", Value::Str(self.sid.clone())),
            ("pid", Value::Str(self.pid.clone())),
            ("rooms", names_value(&self.rooms)),
            ("data", self.data.clone()),
        ]);
        STANDARD.encode(encode_value(&v))
    }

    /// Decodes the value of a session key, bounded by `limits` (the base64 text counts
    /// against `max_message_bytes`).
    ///
    /// # Errors
    /// [`DecodeError::Msgpack`] (too large), [`DecodeError::Shape`] for text that is not base64 or a map
    /// without the string `sid`/`pid` and the `rooms` list, and the MessagePack errors.
    pub fn decode(text: &[u8], limits: &ClusterLimits) -> Result<Self, DecodeError> {
        if text.len() > limits.max_message_bytes {
            return Err(DecodeError::Msgpack(
                crate::msgpack::MsgpackError::TooLarge {
                    len: text.len(),
                    max: limits.max_message_bytes,
                },
            ));
        }
        let raw = STANDARD
            .decode(text)
            .map_err(|_| DecodeError::Shape("session base64"))?;
        let v = decode_value(&Bytes::from(raw), limits)?;
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("session map"));
        }
        Ok(Self {
            sid: str_field(&v, "sid")?,
            pid: str_field(&v, "pid")?,
            rooms: names(field(&v, "rooms")?, "rooms")?,
            data: v.get("data").cloned().unwrap_or(Value::Nil),
        })
    }
}

impl StoredSession {
    /// Whether a broadcast to `opts` reached this session: node's `shouldIncludePacket` (no
    /// rooms or one of the session's rooms, and none of its rooms excluded).
    #[must_use]
    pub fn wants(&self, opts: &BroadcastOpts) -> bool {
        (opts.rooms.is_empty() || self.rooms.iter().any(|r| opts.rooms.contains(r)))
            && !self.rooms.iter().any(|r| opts.except.contains(r))
    }
}
