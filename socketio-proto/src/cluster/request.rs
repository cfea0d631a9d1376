//! The requests on a namespace's request channel (`RequestType` 0–7 of node's adapter).
//!
//! All are JSON except the broadcast with acks (type 7), which is MessagePack because its
//! packet may hold binaries; on input both encodings are accepted for every type, by the
//! first byte, as node does.

use bytes::Bytes;

use super::broadcast::{BroadcastOpts, ClusterPacket, Selector};
use super::error::DecodeError;
use super::fields::{decode_either, field, map, names, names_value, opt_field, str_field};
use super::limits::ClusterLimits;
use crate::Str;
use crate::msgpack::Value;
use crate::msgpack::encode_value;

/// node's `RequestType` numbers.
mod kind {
    pub(super) const SOCKETS: u64 = 0;
    pub(super) const ALL_ROOMS: u64 = 1;
    pub(super) const REMOTE_JOIN: u64 = 2;
    pub(super) const REMOTE_LEAVE: u64 = 3;
    pub(super) const REMOTE_DISCONNECT: u64 = 4;
    pub(super) const REMOTE_FETCH: u64 = 5;
    pub(super) const SERVER_SIDE_EMIT: u64 = 6;
    pub(super) const BROADCAST: u64 = 7;
}

/// A request one server publishes to every server of the namespace. Its `uid` is empty when
/// the sender gave none (`@socket.io/redis-emitter` gives none), and is then not written.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Request {
    /// 0, `SOCKETS`: the ids of the sockets in `rooms` (node 8.3 answers it but no longer
    /// sends it).
    Sockets {
        /// The requesting server.
        uid: Str,
        /// Names the responses.
        request_id: Str,
        /// The rooms (none: every socket).
        rooms: Vec<Str>,
    },
    /// 1, `ALL_ROOMS`: every server's room names.
    AllRooms {
        /// The requesting server.
        uid: Str,
        /// Names the responses.
        request_id: Str,
    },
    /// 2, `REMOTE_JOIN` (`socketsJoin`): the selected sockets join `rooms`. No response.
    Join {
        /// The requesting server.
        uid: Str,
        /// Which sockets.
        selector: Selector,
        /// The rooms to join.
        rooms: Vec<Str>,
    },
    /// 3, `REMOTE_LEAVE` (`socketsLeave`): the selected sockets leave `rooms`. No response.
    Leave {
        /// The requesting server.
        uid: Str,
        /// Which sockets.
        selector: Selector,
        /// The rooms to leave.
        rooms: Vec<Str>,
    },
    /// 4, `REMOTE_DISCONNECT` (`disconnectSockets`). No response.
    Disconnect {
        /// The requesting server.
        uid: Str,
        /// Which sockets.
        selector: Selector,
        /// Close the whole connection, not only the namespace.
        close: bool,
    },
    /// 5, `REMOTE_FETCH` (`fetchSockets`): every server answers with its selected sockets.
    Fetch {
        /// The requesting server.
        uid: Str,
        /// Names the responses.
        request_id: Str,
        /// Which sockets.
        selector: Selector,
    },
    /// 6, `SERVER_SIDE_EMIT`: an event for the other servers themselves; with a
    /// `request_id`, each answers once.
    ServerSideEmit {
        /// The requesting server (the others ignore their own).
        uid: Str,
        /// Present when an answer is wanted.
        request_id: Option<Str>,
        /// `[event, ...args]`.
        data: Vec<Value>,
    },
    /// 7, `BROADCAST`: a broadcast with acks; each server answers with its client count,
    /// then with every ack.
    BroadcastWithAck {
        /// The requesting server.
        uid: Str,
        /// Names the responses.
        request_id: Str,
        /// What to deliver.
        packet: ClusterPacket,
        /// To whom (`flags.timeout` is the requester's wait).
        opts: BroadcastOpts,
    },
}

impl Request {
    /// The requesting server's uid.
    #[must_use]
    pub fn uid(&self) -> &Str {
        match self {
            Self::Sockets { uid, .. }
            | Self::AllRooms { uid, .. }
            | Self::Join { uid, .. }
            | Self::Leave { uid, .. }
            | Self::Disconnect { uid, .. }
            | Self::Fetch { uid, .. }
            | Self::ServerSideEmit { uid, .. }
            | Self::BroadcastWithAck { uid, .. } => uid,
        }
    }

    /// Decodes a request, JSON or MessagePack by its first byte.
    ///
    /// # Errors
    /// A [`DecodeError`] for malformed input, a limit exceeded, an unknown type (node
    /// ignores those too) or another shape.
    pub fn decode(data: &Bytes, limits: &ClusterLimits) -> Result<Self, DecodeError> {
        let v = decode_either(data, limits)?;
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("request object"));
        }
        let ty = field(&v, "type")?
            .as_u64()
            .ok_or(DecodeError::Shape("type"))?;
        // `@socket.io/redis-emitter` sends its requests without one.
        let uid = match opt_field(&v, "uid") {
            None => Str::new(),
            Some(u) => u.as_str().cloned().ok_or(DecodeError::Shape("uid"))?,
        };
        let selector = || Selector::from_value(field(&v, "opts")?);
        Ok(match ty {
            kind::SOCKETS => Self::Sockets {
                uid,
                request_id: str_field(&v, "requestId")?,
                rooms: opt_field(&v, "rooms").map_or(Ok(Vec::new()), |r| names(r, "rooms"))?,
            },
            kind::ALL_ROOMS => Self::AllRooms {
                uid,
                request_id: str_field(&v, "requestId")?,
            },
            // node 8.3 also answers an older single-socket form (`sid` and `room`, no
            // `opts`) that no current server sends; it is refused here as a shape error.
            kind::REMOTE_JOIN => Self::Join {
                uid,
                selector: selector()?,
                rooms: names(field(&v, "rooms")?, "rooms")?,
            },
            kind::REMOTE_LEAVE => Self::Leave {
                uid,
                selector: selector()?,
                rooms: names(field(&v, "rooms")?, "rooms")?,
            },
            kind::REMOTE_DISCONNECT => Self::Disconnect {
                uid,
                selector: selector()?,
                close: opt_field(&v, "close").is_some_and(Value::is_true),
            },
            kind::REMOTE_FETCH => Self::Fetch {
                uid,
                request_id: str_field(&v, "requestId")?,
                selector: selector()?,
            },
            kind::SERVER_SIDE_EMIT => Self::ServerSideEmit {
                uid,
                request_id: match opt_field(&v, "requestId") {
                    None => None,
                    Some(id) => Some(
                        id.as_str()
                            .cloned()
                            .ok_or(DecodeError::Shape("requestId"))?,
                    ),
                },
                data: field(&v, "data")?
                    .as_array()
                    .ok_or(DecodeError::Shape("data"))?
                    .to_vec(),
            },
            kind::BROADCAST => Self::BroadcastWithAck {
                uid,
                request_id: str_field(&v, "requestId")?,
                packet: ClusterPacket::from_value(field(&v, "packet")?)?,
                opts: BroadcastOpts::from_value(field(&v, "opts")?)?,
            },
            other => return Err(DecodeError::UnknownType(other)),
        })
    }

    /// The bytes node's adapter would publish: MessagePack for [`Request::BroadcastWithAck`],
    /// JSON (keys in node's order) for the others.
    ///
    /// # Errors
    /// [`MsgpackError::UnsupportedKey`](crate::msgpack::MsgpackError::UnsupportedKey) when a server-side emit's data holds a map with a key
    /// JSON cannot have (a binary or container key).
    pub fn encode(&self) -> Result<Bytes, DecodeError> {
        let s = |v: &Str| Value::Str(v.clone());
        let entries = match self {
            Self::Sockets {
                uid,
                request_id,
                rooms,
            } => vec![
                ("uid", s(uid)),
                ("requestId", s(request_id)),
                ("type", Value::UInt(kind::SOCKETS)),
                ("rooms", names_value(rooms)),
            ],
            Self::AllRooms { uid, request_id } => vec![
                ("uid", s(uid)),
                ("requestId", s(request_id)),
                ("type", Value::UInt(kind::ALL_ROOMS)),
            ],
            Self::Join {
                uid,
                selector,
                rooms,
            }
            | Self::Leave {
                uid,
                selector,
                rooms,
            } => vec![
                ("uid", s(uid)),
                (
                    "type",
                    Value::UInt(if matches!(self, Self::Join { .. }) {
                        kind::REMOTE_JOIN
                    } else {
                        kind::REMOTE_LEAVE
                    }),
                ),
                ("opts", selector.to_value()),
                ("rooms", names_value(rooms)),
            ],
            Self::Disconnect {
                uid,
                selector,
                close,
            } => vec![
                ("uid", s(uid)),
                ("type", Value::UInt(kind::REMOTE_DISCONNECT)),
                ("opts", selector.to_value()),
                ("close", Value::Bool(*close)),
            ],
            Self::Fetch {
                uid,
                request_id,
                selector,
            } => vec![
                ("uid", s(uid)),
                ("requestId", s(request_id)),
                ("type", Value::UInt(kind::REMOTE_FETCH)),
                ("opts", selector.to_value()),
            ],
            Self::ServerSideEmit {
                uid,
                request_id,
                data,
            } => {
                let mut e = vec![("uid", s(uid))];
                if let Some(id) = request_id {
                    e.push(("requestId", s(id)));
                }
                e.push(("type", Value::UInt(kind::SERVER_SIDE_EMIT)));
                e.push(("data", Value::Array(data.clone())));
                e
            }
            Self::BroadcastWithAck {
                uid,
                request_id,
                packet,
                opts,
            } => {
                return Ok(encode_value(&map(vec![
                    ("uid", s(uid)),
                    ("requestId", s(request_id)),
                    ("type", Value::UInt(kind::BROADCAST)),
                    ("packet", packet.to_value()),
                    ("opts", opts.to_value()),
                ])));
            }
        };
        let entries = entries
            .into_iter()
            .filter(|(k, v)| *k != "uid" || v.as_str().is_some_and(|s| !s.is_empty()))
            .collect();
        json_bytes(&map(entries))
    }
}

/// `v` as node's `JSON.stringify` writes it.
pub(crate) fn json_bytes(v: &Value) -> Result<Bytes, DecodeError> {
    let mut out = String::new();
    v.write_plain_json(&mut out)?;
    Ok(Bytes::from(out))
}
