//! [`StreamMessage`]: socket.io-adapter's `ClusterAdapter` message `{uid, nsp, type, data}` as
//! the streams adapter writes it: as the fields of a stream entry (`XADD`), or as one
//! MessagePack map on the pub/sub channels (ephemeral messages and responses).

use ::base64::Engine as _;
use ::base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

use super::super::broadcast::{BroadcastOpts, ClusterPacket, Selector};
use super::super::error::DecodeError;
use super::super::fields::decode_value;
use super::super::fields::{field, map, names, names_value, opt_field};
use super::super::limits::ClusterLimits;
use crate::Str;
use crate::msgpack::Value;
use crate::msgpack::encode_value;

/// socket.io-adapter's `MessageType` numbers this codec gives a shape to.
mod kind {
    pub(super) const BROADCAST: u64 = 3;
    pub(super) const SOCKETS_JOIN: u64 = 4;
    pub(super) const SOCKETS_LEAVE: u64 = 5;
    pub(super) const DISCONNECT_SOCKETS: u64 = 6;
}

/// socket.io's EVENT packet type, the only one a cluster broadcast carries.
const EVENT: u64 = 2;

/// One cluster message: who sent it, for which namespace, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMessage {
    /// The sending server's id (16 hex characters from node; `"emitter"` for an emitter).
    pub uid: Str,
    /// The namespace.
    pub nsp: Str,
    /// The message.
    pub body: StreamBody,
}

/// The messages of socket.io-adapter's `ClusterAdapter` that travel on the stream; the others
/// (requests and responses, which node sends over pub/sub) are kept as [`StreamBody::Other`]
/// so a receiver can tell them from garbage and skip them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamBody {
    /// `BROADCAST` (3) without `requestId`: deliver to the selected local sockets. The
    /// packet's namespace is the message's (node leaves it out of the packet).
    Broadcast {
        /// `[event, ...args]`.
        packet: ClusterPacket,
        /// To whom.
        opts: BroadcastOpts,
    },
    /// `SOCKETS_JOIN` (4): the selected sockets join `rooms`.
    SocketsJoin {
        /// Which sockets.
        opts: Selector,
        /// The rooms.
        rooms: Vec<Str>,
    },
    /// `SOCKETS_LEAVE` (5): the selected sockets leave `rooms`.
    SocketsLeave {
        /// Which sockets.
        opts: Selector,
        /// The rooms.
        rooms: Vec<Str>,
    },
    /// `DISCONNECT_SOCKETS` (6).
    DisconnectSockets {
        /// Which sockets.
        opts: Selector,
        /// Close the underlying connection too.
        close: bool,
    },
    /// Any other type (heartbeats, requests, responses, a broadcast with acks), with its data.
    Other {
        /// The `MessageType` number.
        kind: u64,
        /// The data, if any.
        data: Option<Value>,
    },
}

impl StreamMessage {
    /// The `MessageType` number of this message.
    #[must_use]
    pub fn kind(&self) -> u64 {
        match &self.body {
            StreamBody::Broadcast { .. } => kind::BROADCAST,
            StreamBody::SocketsJoin { .. } => kind::SOCKETS_JOIN,
            StreamBody::SocketsLeave { .. } => kind::SOCKETS_LEAVE,
            StreamBody::DisconnectSockets { .. } => kind::DISCONNECT_SOCKETS,
            StreamBody::Other { kind, .. } => *kind,
        }
    }

    /// Decodes the fields of a stream entry (`uid`, `nsp`, `type`, `data`, in any order) as
    /// `XREAD`/`XRANGE` return them. `data` is JSON when it starts with `{`, else base64 of
    /// MessagePack (node's rule). The fields' total size is bounded by
    /// `limits.max_message_bytes`.
    ///
    /// # Errors
    /// [`DecodeError::Msgpack`] (too large), [`DecodeError::Shape`] for a missing or non-UTF-8 field, an
    /// entry without `nsp` (node skips those) or a type that is not a decimal number, and the
    /// errors of the data's shape.
    pub fn decode_entry(
        fields: &[(Bytes, Bytes)],
        limits: &ClusterLimits,
    ) -> Result<Self, DecodeError> {
        let len = fields.iter().fold(0usize, |n, (k, v)| {
            n.saturating_add(k.len()).saturating_add(v.len())
        });
        if len > limits.max_message_bytes {
            return Err(DecodeError::Msgpack(
                crate::msgpack::MsgpackError::TooLarge {
                    len,
                    max: limits.max_message_bytes,
                },
            ));
        }
        let get = |name: &'static str| -> Result<Option<&str>, DecodeError> {
            fields
                .iter()
                .rev()
                .find(|(k, _)| k.as_ref() == name.as_bytes())
                .map(|(_, v)| std::str::from_utf8(v).map_err(|_| DecodeError::Shape(name)))
                .transpose()
        };
        let uid = get("uid")?.ok_or(DecodeError::Shape("uid"))?;
        let nsp = get("nsp")?
            .filter(|n| !n.is_empty())
            .ok_or(DecodeError::Shape("nsp"))?;
        let ty = get("type")?.ok_or(DecodeError::Shape("type"))?;
        let kind = parse_int(ty).ok_or(DecodeError::Shape("type"))?;
        let data = match get("data")? {
            None | Some("") => None,
            Some(text) if text.starts_with('{') => Some(Value::from_plain_json(text.as_bytes())?),
            Some(text) => {
                let raw = STANDARD
                    .decode(text)
                    .map_err(|_| DecodeError::Shape("data base64"))?;
                Some(decode_value(&Bytes::from(raw), limits)?)
            }
        };
        Ok(Self {
            uid: Str::from(uid),
            nsp: Str::from(nsp),
            body: StreamBody::from_value(kind, data, nsp)?,
        })
    }

    /// The fields of the stream entry, in node's order: `uid`, `nsp`, `type` (decimal), and
    /// `data` (JSON, or base64 of MessagePack when it holds binary), as `XADD` takes them.
    #[must_use]
    pub fn encode_entry(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("uid", self.uid.to_string()),
            ("nsp", self.nsp.to_string()),
            ("type", self.kind().to_string()),
        ];
        if let Some(data) = self.body.to_value() {
            let text = if has_binary(&data) {
                STANDARD.encode(encode_value(&data))
            } else {
                let mut s = String::new();
                match data.write_plain_json(&mut s) {
                    Ok(()) => s,
                    // A key JSON cannot write (only from a foreign `Other` value): MessagePack
                    // carries it, and the reader takes either.
                    Err(_) => STANDARD.encode(encode_value(&data)),
                }
            };
            out.push(("data", text));
        }
        out
    }

    /// Decodes a message from the pub/sub channels: one MessagePack map `{uid, nsp, type,
    /// data}`.
    ///
    /// # Errors
    /// The MessagePack errors, and [`DecodeError::Shape`] for another shape.
    pub fn decode_pubsub(bytes: &Bytes, limits: &ClusterLimits) -> Result<Self, DecodeError> {
        let v = decode_value(bytes, limits)?;
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("message map"));
        }
        let uid = field(&v, "uid")?
            .as_str()
            .cloned()
            .ok_or(DecodeError::Shape("uid"))?;
        let nsp = field(&v, "nsp")?
            .as_str()
            .cloned()
            .ok_or(DecodeError::Shape("nsp"))?;
        let kind = field(&v, "type")?
            .as_u64()
            .ok_or(DecodeError::Shape("type"))?;
        let data = opt_field(&v, "data").cloned();
        let body = StreamBody::from_value(kind, data, &nsp)?;
        Ok(Self { uid, nsp, body })
    }

    /// The message as one MessagePack map, for the pub/sub channels.
    #[must_use]
    pub fn encode_pubsub(&self) -> Bytes {
        let mut entries = vec![
            ("uid", Value::Str(self.uid.clone())),
            ("nsp", Value::Str(self.nsp.clone())),
            ("type", Value::UInt(self.kind())),
        ];
        if let Some(data) = self.body.to_value() {
            entries.push(("data", data));
        }
        encode_value(&map(entries))
    }
}

impl StreamBody {
    fn from_value(kind: u64, data: Option<Value>, nsp: &str) -> Result<Self, DecodeError> {
        let need = |d: &Option<Value>| match d {
            Some(v @ Value::Map(_)) => Ok(v.clone()),
            _ => Err(DecodeError::Shape("data")),
        };
        Ok(match kind {
            kind::BROADCAST => {
                let d = need(&data)?;
                if opt_field(&d, "requestId").is_some() {
                    return Ok(Self::Other { kind, data });
                }
                let mut packet = ClusterPacket::from_value(field(&d, "packet")?)?;
                if packet.id.is_some() {
                    return Err(DecodeError::Shape("broadcast with an ack id"));
                }
                packet.nsp = Str::from(nsp);
                Self::Broadcast {
                    packet,
                    opts: BroadcastOpts::from_value(field(&d, "opts")?)?,
                }
            }
            kind::SOCKETS_JOIN | kind::SOCKETS_LEAVE => {
                let d = need(&data)?;
                let opts = Selector::from_value(field(&d, "opts")?)?;
                let rooms = names(field(&d, "rooms")?, "rooms")?;
                if kind == kind::SOCKETS_JOIN {
                    Self::SocketsJoin { opts, rooms }
                } else {
                    Self::SocketsLeave { opts, rooms }
                }
            }
            kind::DISCONNECT_SOCKETS => {
                let d = need(&data)?;
                Self::DisconnectSockets {
                    opts: Selector::from_value(field(&d, "opts")?)?,
                    close: opt_field(&d, "close").is_some_and(Value::is_true),
                }
            }
            _ => Self::Other { kind, data },
        })
    }

    fn to_value(&self) -> Option<Value> {
        let with_flags = |opts: Value| match opts {
            Value::Map(mut e) => {
                e.push((Value::str("flags"), Value::Map(Vec::new())));
                Value::Map(e)
            }
            other => other,
        };
        Some(match self {
            Self::Broadcast { packet, opts } => map(vec![
                (
                    "packet",
                    map(vec![
                        ("type", Value::UInt(EVENT)),
                        ("data", Value::Array(packet.data.clone())),
                    ]),
                ),
                ("opts", opts.to_value()),
            ]),
            Self::SocketsJoin { opts, rooms } | Self::SocketsLeave { opts, rooms } => map(vec![
                ("opts", with_flags(opts.to_value())),
                ("rooms", names_value(rooms)),
            ]),
            Self::DisconnectSockets { opts, close } => map(vec![
                ("opts", with_flags(opts.to_value())),
                ("close", Value::Bool(*close)),
            ]),
            Self::Other { data, .. } => return data.clone(),
        })
    }
}

/// `parseInt(text, 10)` for what node writes (`type.toString()`): plain decimal digits.
fn parse_int(text: &str) -> Option<u64> {
    (!text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// node's `hasBinary`: any binary anywhere in the value.
fn has_binary(v: &Value) -> bool {
    match v {
        Value::Bin(_) => true,
        Value::Array(items) => items.iter().any(has_binary),
        Value::Map(entries) => entries.iter().any(|(_, v)| has_binary(v)),
        _ => false,
    }
}
