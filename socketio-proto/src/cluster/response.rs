//! The responses on a namespace's response channel.
//!
//! node tells them apart by the request they answer (looked up by `requestId`), except the
//! two broadcast-with-ack responses and the server-side-emit answer, which carry a `type`.
//! Here the shape decides, so a response can be decoded before it is matched: the caller
//! checks the variant against the request it made.

use bytes::Bytes;

use super::error::DecodeError;
use super::fields::{decode_either, field, map, names, names_value, opt_field, str_field};
use super::limits::ClusterLimits;
use super::request::json_bytes;
use crate::Str;
use crate::msgpack::Value;
use crate::msgpack::encode_value;

const SERVER_SIDE_EMIT: u64 = 6;
const BROADCAST_CLIENT_COUNT: u64 = 8;
const BROADCAST_ACK: u64 = 9;

/// One server's answer to a request, named by the request's id.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The id of the request answered.
    pub request_id: Str,
    /// The answer.
    pub body: ResponseBody,
}

/// What a response says.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ResponseBody {
    /// To `SOCKETS`: socket ids (a non-empty `sockets` array of strings).
    SocketIds(Vec<Str>),
    /// To `REMOTE_FETCH`: the selected sockets (a `sockets` array of objects, or empty).
    Sockets(Vec<RemoteSocket>),
    /// To `ALL_ROOMS`: room names.
    Rooms(Vec<Str>),
    /// Type 6: a server-side emit's answer (its first argument).
    ServerSideEmitAck(Value),
    /// Type 8: how many clients of that server the broadcast with acks reached.
    ClientCount(u64),
    /// Type 9: one client's ack (its first argument).
    BroadcastAck(Value),
    /// Anything else with a request id (node's answer to its legacy single-socket requests
    /// is `{requestId}` alone).
    Other,
}

/// A socket of another server, as its `fetchSockets` answer lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteSocket {
    /// The socket id.
    pub id: Str,
    /// node's `socket.handshake` (headers, time, address, xdomain, secure, issued, url,
    /// query, auth).
    pub handshake: Value,
    /// Its rooms, its own id first.
    pub rooms: Vec<Str>,
    /// The application's `socket.data`.
    pub data: Value,
}

impl Response {
    /// Decodes a response, JSON or MessagePack by its first byte.
    ///
    /// # Errors
    /// A [`DecodeError`] for malformed input, a limit exceeded or no `requestId`.
    pub fn decode(data: &Bytes, limits: &ClusterLimits) -> Result<Self, DecodeError> {
        let v = decode_either(data, limits)?;
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("response object"));
        }
        let request_id = str_field(&v, "requestId")?;
        let ty = opt_field(&v, "type").and_then(Value::as_u64);
        let body = match ty {
            Some(SERVER_SIDE_EMIT) => ResponseBody::ServerSideEmitAck(
                opt_field(&v, "data").cloned().unwrap_or(Value::Nil),
            ),
            Some(BROADCAST_CLIENT_COUNT) => ResponseBody::ClientCount(
                field(&v, "clientCount")?
                    .as_u64()
                    .ok_or(DecodeError::Shape("clientCount"))?,
            ),
            Some(BROADCAST_ACK) => {
                ResponseBody::BroadcastAck(opt_field(&v, "packet").cloned().unwrap_or(Value::Nil))
            }
            _ => {
                if let Some(sockets) = opt_field(&v, "sockets") {
                    sockets_body(sockets)?
                } else if let Some(rooms) = opt_field(&v, "rooms") {
                    ResponseBody::Rooms(names(rooms, "rooms")?)
                } else {
                    ResponseBody::Other
                }
            }
        };
        Ok(Self { request_id, body })
    }

    /// The bytes node's adapter would publish: MessagePack for a broadcast ack, JSON (keys
    /// in node's order) for the others.
    ///
    /// # Errors
    /// [`MsgpackError::UnsupportedKey`](crate::msgpack::MsgpackError::UnsupportedKey) when a value holds a map key JSON cannot have.
    pub fn encode(&self) -> Result<Bytes, DecodeError> {
        let id = Value::Str(self.request_id.clone());
        let entries = match &self.body {
            ResponseBody::SocketIds(ids) => vec![("requestId", id), ("sockets", names_value(ids))],
            ResponseBody::Sockets(sockets) => vec![
                ("requestId", id),
                (
                    "sockets",
                    Value::Array(sockets.iter().map(RemoteSocket::to_value).collect()),
                ),
            ],
            ResponseBody::Rooms(rooms) => vec![("requestId", id), ("rooms", names_value(rooms))],
            ResponseBody::ServerSideEmitAck(data) => vec![
                ("type", Value::UInt(SERVER_SIDE_EMIT)),
                ("requestId", id),
                ("data", data.clone()),
            ],
            ResponseBody::ClientCount(n) => vec![
                ("type", Value::UInt(BROADCAST_CLIENT_COUNT)),
                ("requestId", id),
                ("clientCount", Value::UInt(*n)),
            ],
            ResponseBody::BroadcastAck(packet) => {
                return Ok(encode_value(&map(vec![
                    ("type", Value::UInt(BROADCAST_ACK)),
                    ("requestId", id),
                    ("packet", packet.clone()),
                ])));
            }
            ResponseBody::Other => vec![("requestId", id)],
        };
        json_bytes(&map(entries))
    }
}

fn sockets_body(v: &Value) -> Result<ResponseBody, DecodeError> {
    let items = v.as_array().ok_or(DecodeError::Shape("sockets"))?;
    if !items.is_empty() && items.iter().all(|s| matches!(s, Value::Str(_))) {
        return Ok(ResponseBody::SocketIds(names(v, "sockets")?));
    }
    items
        .iter()
        .map(RemoteSocket::from_value)
        .collect::<Result<_, _>>()
        .map(ResponseBody::Sockets)
}

impl RemoteSocket {
    pub(crate) fn from_value(v: &Value) -> Result<Self, DecodeError> {
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("socket"));
        }
        Ok(Self {
            id: str_field(v, "id")?,
            handshake: opt_field(v, "handshake").cloned().unwrap_or(Value::Nil),
            rooms: opt_field(v, "rooms").map_or(Ok(Vec::new()), |r| names(r, "rooms"))?,
            // `socket.data` is `{}` by default; undefined would have been left out.
            data: opt_field(v, "data").cloned().unwrap_or(Value::Nil),
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            ("id", Value::Str(self.id.clone())),
            ("handshake", self.handshake.clone()),
            ("rooms", names_value(&self.rooms)),
            ("data", self.data.clone()),
        ])
    }
}
