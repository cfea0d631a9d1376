//! The sharded variant: node's `createShardedAdapter` (`@socket.io/redis-adapter` 8.3 on
//! Redis 7 `SPUBLISH`/`SSUBSCRIBE`), whose messages are socket.io-adapter 2.5's
//! `ClusterAdapter` messages: `{type, data, uid, nsp}`, JSON, or MessagePack when `data`
//! holds a binary.
//!
//! The messages carry the same operations as the classic adapter's, so they decode into the
//! classic types ([`BroadcastMessage`], [`Request`], [`Response`]) and the engine handles
//! both variants alike; only the envelope and the channel names differ.

use bytes::Bytes;

use super::broadcast::{BroadcastMessage, BroadcastOpts, ClusterPacket, Selector};
use super::error::DecodeError;
use super::fields::{decode_either, field, map, names, names_value, opt_field, str_field};
use super::limits::ClusterLimits;
use super::request::{Request, json_bytes};
use super::response::{RemoteSocket, Response, ResponseBody};
use crate::Str;
use crate::msgpack::Value;
use crate::msgpack::encode_value;

/// socket.io-adapter's `MessageType` numbers.
mod kind {
    pub(super) const INITIAL_HEARTBEAT: u64 = 1;
    pub(super) const HEARTBEAT: u64 = 2;
    pub(super) const BROADCAST: u64 = 3;
    pub(super) const SOCKETS_JOIN: u64 = 4;
    pub(super) const SOCKETS_LEAVE: u64 = 5;
    pub(super) const DISCONNECT_SOCKETS: u64 = 6;
    pub(super) const FETCH_SOCKETS: u64 = 7;
    pub(super) const FETCH_SOCKETS_RESPONSE: u64 = 8;
    pub(super) const SERVER_SIDE_EMIT: u64 = 9;
    pub(super) const SERVER_SIDE_EMIT_RESPONSE: u64 = 10;
    pub(super) const BROADCAST_CLIENT_COUNT: u64 = 11;
    pub(super) const BROADCAST_ACK: u64 = 12;
    pub(super) const ADAPTER_CLOSE: u64 = 13;
}

/// The shard channels of one namespace on one server.
///
/// For prefix `p` and namespace `nsp`: everything goes to `p#nsp#` (its shard subscriber
/// count, `PUBSUB SHARDNUMSUB`, is node's server count), except the answers meant for server
/// `uid` (`p#nsp#uid#`) and, in the dynamic subscription modes, a broadcast to exactly one
/// room (`p#nsp#room#`, subscribed by the servers where that room exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardedChannels {
    main: String,
    own_response: String,
}

/// What a received shard channel carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardedChannelKind {
    /// The namespace's channel: broadcasts and requests of every server.
    Main,
    /// This server's own response channel.
    Response,
    /// A room's channel (dynamic modes): broadcasts to that room alone.
    Room,
}

impl ShardedChannels {
    /// The channels of namespace `nsp` for the server `uid`, under `prefix`.
    #[must_use]
    pub fn new(prefix: &str, nsp: &str, uid: &str) -> Self {
        let main = format!("{prefix}#{nsp}#");
        Self {
            own_response: format!("{main}{uid}#"),
            main,
        }
    }

    /// The namespace's channel (its shard subscriber count is the server count).
    #[must_use]
    pub fn main(&self) -> &str {
        &self.main
    }

    /// This server's response channel.
    #[must_use]
    pub fn own_response(&self) -> &str {
        &self.own_response
    }

    /// Where server `uid` gets its answers.
    #[must_use]
    pub fn response_of(&self, uid: &str) -> String {
        format!("{}{uid}#", self.main)
    }

    /// The channel of `room` (dynamic modes).
    #[must_use]
    pub fn room(&self, room: &str) -> String {
        format!("{}{room}#", self.main)
    }

    /// What `channel` is for this namespace, or `None` when it is not one of its channels.
    #[must_use]
    pub fn classify(&self, channel: &str) -> Option<ShardedChannelKind> {
        if channel == self.main {
            Some(ShardedChannelKind::Main)
        } else if channel == self.own_response {
            Some(ShardedChannelKind::Response)
        } else if channel.len() > self.main.len() + 1
            && channel.starts_with(self.main.as_str())
            && channel.ends_with('#')
        {
            Some(ShardedChannelKind::Room)
        } else {
            None
        }
    }
}

/// A `ClusterAdapter` message: who sent it, for which namespace, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardedMessage {
    /// The sending server.
    pub uid: Str,
    /// The namespace (a receiver drops other namespaces, as node does).
    pub nsp: Str,
    /// What it says.
    pub body: ShardedBody,
}

/// What a `ClusterAdapter` message says, in the classic adapter's terms.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ShardedBody {
    /// Type 3 without a `requestId`: deliver to local clients. Its `uid` is the message's.
    Broadcast(BroadcastMessage),
    /// Types 3 (with a `requestId`), 4, 5, 6, 7 and 9. `Request::AllRooms` and
    /// `Request::Sockets` have no sharded form (node's `ClusterAdapter` answers `allRooms`
    /// with its own rooms only).
    Request(Request),
    /// Types 8, 10, 11 and 12: the answer to one of our requests.
    Response(Response),
    /// Types 1, 2 and 13 (heartbeats and a closing adapter): sent only by the heartbeat
    /// variant of `ClusterAdapter`, which the sharded Redis adapter is not; nothing to do.
    Presence(u64),
}

impl ShardedMessage {
    /// Decodes a message, JSON or MessagePack by its first byte, as node does.
    ///
    /// # Errors
    /// A [`DecodeError`] for malformed input, a limit exceeded, an unknown type or another
    /// shape.
    pub fn decode(data: &Bytes, limits: &ClusterLimits) -> Result<Self, DecodeError> {
        let v = decode_either(data, limits)?;
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("message object"));
        }
        let uid = match opt_field(&v, "uid") {
            None => Str::new(),
            Some(u) => u.as_str().cloned().ok_or(DecodeError::Shape("uid"))?,
        };
        let nsp = str_field(&v, "nsp")?;
        let ty = field(&v, "type")?
            .as_u64()
            .ok_or(DecodeError::Shape("type"))?;
        if matches!(
            ty,
            kind::INITIAL_HEARTBEAT | kind::HEARTBEAT | kind::ADAPTER_CLOSE
        ) {
            return Ok(Self {
                uid,
                nsp,
                body: ShardedBody::Presence(ty),
            });
        }
        let d = field(&v, "data")?;
        if !matches!(d, Value::Map(_)) {
            return Err(DecodeError::Shape("data"));
        }
        let selector = || Selector::from_value(field(d, "opts")?);
        let request_id = || str_field(d, "requestId");
        let response = |body| {
            Ok::<_, DecodeError>(ShardedBody::Response(Response {
                request_id: request_id()?,
                body,
            }))
        };
        let body = match ty {
            kind::BROADCAST => {
                // The packet carries no namespace of its own here: the message's applies.
                let mut packet = ClusterPacket::from_value(field(d, "packet")?)?;
                packet.nsp = nsp.clone();
                let opts = BroadcastOpts::from_value(field(d, "opts")?)?;
                match opt_field(d, "requestId") {
                    None => ShardedBody::Broadcast(BroadcastMessage {
                        uid: uid.clone(),
                        packet,
                        opts,
                    }),
                    Some(id) => ShardedBody::Request(Request::BroadcastWithAck {
                        uid: uid.clone(),
                        request_id: id
                            .as_str()
                            .cloned()
                            .ok_or(DecodeError::Shape("requestId"))?,
                        packet,
                        opts,
                    }),
                }
            }
            kind::SOCKETS_JOIN => ShardedBody::Request(Request::Join {
                uid: uid.clone(),
                selector: selector()?,
                rooms: names(field(d, "rooms")?, "rooms")?,
            }),
            kind::SOCKETS_LEAVE => ShardedBody::Request(Request::Leave {
                uid: uid.clone(),
                selector: selector()?,
                rooms: names(field(d, "rooms")?, "rooms")?,
            }),
            kind::DISCONNECT_SOCKETS => ShardedBody::Request(Request::Disconnect {
                uid: uid.clone(),
                selector: selector()?,
                close: opt_field(d, "close").is_some_and(Value::is_true),
            }),
            kind::FETCH_SOCKETS => ShardedBody::Request(Request::Fetch {
                uid: uid.clone(),
                request_id: request_id()?,
                selector: selector()?,
            }),
            kind::SERVER_SIDE_EMIT => ShardedBody::Request(Request::ServerSideEmit {
                uid: uid.clone(),
                request_id: match opt_field(d, "requestId") {
                    None => None,
                    Some(id) => Some(
                        id.as_str()
                            .cloned()
                            .ok_or(DecodeError::Shape("requestId"))?,
                    ),
                },
                data: field(d, "packet")?
                    .as_array()
                    .ok_or(DecodeError::Shape("packet"))?
                    .to_vec(),
            }),
            kind::FETCH_SOCKETS_RESPONSE => {
                let sockets = field(d, "sockets")?
                    .as_array()
                    .ok_or(DecodeError::Shape("sockets"))?
                    .iter()
                    .map(RemoteSocket::from_value)
                    .collect::<Result<_, _>>()?;
                response(ResponseBody::Sockets(sockets))?
            }
            kind::SERVER_SIDE_EMIT_RESPONSE => response(ResponseBody::ServerSideEmitAck(
                opt_field(d, "packet").cloned().unwrap_or(Value::Nil),
            ))?,
            kind::BROADCAST_CLIENT_COUNT => response(ResponseBody::ClientCount(
                field(d, "clientCount")?
                    .as_u64()
                    .ok_or(DecodeError::Shape("clientCount"))?,
            ))?,
            kind::BROADCAST_ACK => response(ResponseBody::BroadcastAck(
                opt_field(d, "packet").cloned().unwrap_or(Value::Nil),
            ))?,
            other => return Err(DecodeError::UnknownType(other)),
        };
        Ok(Self { uid, nsp, body })
    }

    /// The bytes node's sharded adapter would publish: `{type, data, uid, nsp}` as JSON, or
    /// as MessagePack when `data` holds a binary (node checks only the kinds that may).
    ///
    /// # Errors
    /// [`DecodeError::Shape`] for a body with no sharded form (`Request::AllRooms`,
    /// `Request::Sockets`, the responses to those); [`DecodeError::Msgpack`] when a
    /// value holds a map key JSON cannot have.
    pub fn encode(&self) -> Result<Bytes, DecodeError> {
        let (ty, data) = self.body_value()?;
        let message = map(vec![
            ("type", Value::UInt(ty)),
            ("data", data),
            ("uid", Value::Str(self.uid.clone())),
            ("nsp", Value::Str(self.nsp.clone())),
        ]);
        if has_binary(&message) {
            Ok(encode_value(&message))
        } else {
            json_bytes(&message)
        }
    }

    fn body_value(&self) -> Result<(u64, Value), DecodeError> {
        let s = |v: &Str| Value::Str(v.clone());
        let opts = |sel: &Selector| {
            map(vec![
                ("rooms", names_value(&sel.rooms)),
                ("except", names_value(&sel.except)),
                ("flags", map(Vec::new())),
            ])
        };
        Ok(match &self.body {
            ShardedBody::Presence(ty) => return Ok((*ty, map(Vec::new()))),
            ShardedBody::Broadcast(m) => (
                kind::BROADCAST,
                map(vec![
                    ("packet", packet_value(&m.packet)),
                    ("opts", m.opts.to_value()),
                ]),
            ),
            ShardedBody::Request(r) => match r {
                Request::BroadcastWithAck {
                    request_id,
                    packet,
                    opts,
                    ..
                } => (
                    kind::BROADCAST,
                    map(vec![
                        ("packet", packet_value(packet)),
                        ("requestId", s(request_id)),
                        ("opts", opts.to_value()),
                    ]),
                ),
                Request::Join {
                    selector, rooms, ..
                } => (
                    kind::SOCKETS_JOIN,
                    map(vec![
                        ("opts", opts(selector)),
                        ("rooms", names_value(rooms)),
                    ]),
                ),
                Request::Leave {
                    selector, rooms, ..
                } => (
                    kind::SOCKETS_LEAVE,
                    map(vec![
                        ("opts", opts(selector)),
                        ("rooms", names_value(rooms)),
                    ]),
                ),
                Request::Disconnect {
                    selector, close, ..
                } => (
                    kind::DISCONNECT_SOCKETS,
                    map(vec![
                        ("opts", opts(selector)),
                        ("close", Value::Bool(*close)),
                    ]),
                ),
                Request::Fetch {
                    selector,
                    request_id,
                    ..
                } => (
                    kind::FETCH_SOCKETS,
                    map(vec![("opts", opts(selector)), ("requestId", s(request_id))]),
                ),
                Request::ServerSideEmit {
                    request_id, data, ..
                } => {
                    let mut e = Vec::new();
                    if let Some(id) = request_id {
                        e.push(("requestId", s(id)));
                    }
                    e.push(("packet", Value::Array(data.clone())));
                    (kind::SERVER_SIDE_EMIT, map(e))
                }
                _ => return Err(DecodeError::Shape("request without a sharded form")),
            },
            ShardedBody::Response(r) => {
                let id = s(&r.request_id);
                match &r.body {
                    ResponseBody::Sockets(sockets) => (
                        kind::FETCH_SOCKETS_RESPONSE,
                        map(vec![
                            ("requestId", id),
                            (
                                "sockets",
                                Value::Array(sockets.iter().map(RemoteSocket::to_value).collect()),
                            ),
                        ]),
                    ),
                    ResponseBody::ServerSideEmitAck(v) => (
                        kind::SERVER_SIDE_EMIT_RESPONSE,
                        map(vec![("requestId", id), ("packet", v.clone())]),
                    ),
                    ResponseBody::ClientCount(n) => (
                        kind::BROADCAST_CLIENT_COUNT,
                        map(vec![("requestId", id), ("clientCount", Value::UInt(*n))]),
                    ),
                    ResponseBody::BroadcastAck(v) => (
                        kind::BROADCAST_ACK,
                        map(vec![("requestId", id), ("packet", v.clone())]),
                    ),
                    _ => return Err(DecodeError::Shape("response without a sharded form")),
                }
            }
        })
    }
}

/// A broadcast's packet as node's `ClusterAdapter` sends it: `{type, data}` (and `id`),
/// without the namespace, which the message carries.
fn packet_value(p: &ClusterPacket) -> Value {
    let mut entries = vec![
        ("type", Value::UInt(2)),
        ("data", Value::Array(p.data.clone())),
    ];
    if let Some(id) = p.id {
        entries.push(("id", Value::UInt(id)));
    }
    map(entries)
}

/// Whether `v` holds a binary anywhere (node's `hasBinary`; an ext, a Date, counts too since
/// JSON cannot carry it either).
fn has_binary(v: &Value) -> bool {
    match v {
        Value::Bin(_) | Value::Ext(..) => true,
        Value::Array(items) => items.iter().any(has_binary),
        Value::Map(entries) => entries.iter().any(|(k, v)| has_binary(k) || has_binary(v)),
        _ => false,
    }
}
