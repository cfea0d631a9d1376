//! The broadcast message `[uid, packet, opts]` on a namespace's broadcast channels, and the
//! packet and options it carries (also parts of the broadcast-with-ack request).

use bytes::Bytes;

use super::error::DecodeError;
use super::fields::decode_value;
use super::fields::{field, map, names_value, opt_field, opt_names};
use super::limits::ClusterLimits;
use crate::Str;
use crate::msgpack::Value;
use crate::msgpack::encode_value;
use crate::sio::{Args, EventPayload, Packet, PacketBody, Payload, RESERVED_EVENTS};

/// socket.io's EVENT and BINARY_EVENT packet types.
const EVENT: u64 = 2;
const BINARY_EVENT: u64 = 5;

/// `[uid, packet, opts]`: a broadcast one server publishes for every other to deliver to its
/// own clients.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastMessage {
    /// The publishing server's id (`"emitter"` for `@socket.io/redis-emitter`). A server
    /// drops its own messages.
    pub uid: Str,
    /// What to deliver.
    pub packet: ClusterPacket,
    /// To whom.
    pub opts: BroadcastOpts,
}

impl BroadcastMessage {
    /// Decodes a broadcast message (always MessagePack).
    ///
    /// # Errors
    /// A [`DecodeError`] for malformed MessagePack, a limit exceeded or another shape.
    pub fn decode(data: &Bytes, limits: &ClusterLimits) -> Result<Self, DecodeError> {
        let v = decode_value(data, limits)?;
        let [uid, packet, opts] = v.as_array().ok_or(DecodeError::Shape("broadcast array"))? else {
            return Err(DecodeError::Shape("broadcast array of three"));
        };
        Ok(Self {
            uid: uid.as_str().cloned().ok_or(DecodeError::Shape("uid"))?,
            packet: ClusterPacket::from_value(packet)?,
            opts: BroadcastOpts::from_value(opts)?,
        })
    }

    /// The MessagePack bytes, as notepack.io writes them.
    #[must_use]
    pub fn encode(&self) -> Bytes {
        encode_value(&Value::Array(vec![
            Value::Str(self.uid.clone()),
            self.packet.to_value(),
            self.opts.to_value(),
        ]))
    }
}

/// The packet of a broadcast: an event, its data in node's form (binaries inline, no
/// placeholders), and its namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterPacket {
    /// The namespace (`"/"` when the message had none, as node assumes).
    pub nsp: Str,
    /// `[event, ...args]`.
    pub data: Vec<Value>,
    /// The ack id, set only inside a broadcast-with-ack request by some senders.
    pub id: Option<u64>,
}

impl ClusterPacket {
    /// The packet for `event` with `args` and the binaries their placeholders name.
    ///
    /// # Errors
    /// [`MsgpackError::BadPlaceholder`](crate::msgpack::MsgpackError::BadPlaceholder) when a placeholder names no attachment in `binary`.
    pub fn event(
        nsp: impl Into<Str>,
        event: &str,
        args: &Args,
        binary: &[Bytes],
    ) -> Result<Self, DecodeError> {
        let args = Value::from_json(args.as_str(), binary)?;
        let mut data = vec![Value::str(event)];
        if let Value::Array(items) = args {
            data.extend(items);
        }
        Ok(Self {
            nsp: nsp.into(),
            data,
            id: None,
        })
    }

    /// The Socket.IO packet a server sends its clients for this one: the data as JSON with
    /// binaries as placeholders and attachments (the packet is encoded per client generation
    /// from there).
    ///
    /// # Errors
    /// [`DecodeError::Shape`] when the data is empty or its first element is not an event
    /// name a client accepts (a string that is not reserved, or a number): node would relay
    /// it, and the client would close its connection on it.
    pub fn to_packet(&self) -> Result<Packet, DecodeError> {
        match self.data.first() {
            Some(Value::Str(name)) if !RESERVED_EVENTS.contains(&name.as_str()) => {}
            Some(Value::UInt(_) | Value::Int(_) | Value::F64(_) | Value::F32(_)) => {}
            _ => return Err(DecodeError::Shape("event name")),
        }
        let (json, attachments) = Value::Array(self.data.clone()).to_json()?;
        Ok(Packet {
            nsp: self.nsp.clone(),
            body: PacketBody::Event {
                id: None,
                // Written by `to_json`, so one well-formed array whose first element is a
                // name (checked above).
                data: EventPayload::from_validated(Payload::from_validated(Str::from(json))),
                attachments,
            },
        })
    }

    /// The JSON payload of the packet's arguments (without the event name), and the
    /// binaries its placeholders name.
    ///
    /// # Errors
    /// As [`Value::write_json`].
    pub fn args_json(&self) -> Result<(Args, Vec<Bytes>), DecodeError> {
        let (json, attachments) =
            Value::Array(self.data.get(1..).unwrap_or_default().to_vec()).to_json()?;
        Ok((
            Args::from_validated(Payload::from_validated(Str::from(json))),
            attachments,
        ))
    }

    pub(crate) fn from_value(v: &Value) -> Result<Self, DecodeError> {
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("packet"));
        }
        match field(v, "type")?.as_u64() {
            Some(EVENT | BINARY_EVENT) => {}
            _ => return Err(DecodeError::Shape("packet type")),
        }
        let nsp = match opt_field(v, "nsp") {
            None => Str::from_static("/"),
            Some(n) => n.as_str().cloned().ok_or(DecodeError::Shape("nsp"))?,
        };
        let data = field(v, "data")?
            .as_array()
            .ok_or(DecodeError::Shape("data"))?
            .to_vec();
        let id = match opt_field(v, "id") {
            None => None,
            Some(id) => Some(id.as_u64().ok_or(DecodeError::Shape("id"))?),
        };
        Ok(Self { nsp, data, id })
    }

    pub(crate) fn to_value(&self) -> Value {
        let mut entries = vec![
            ("type", Value::UInt(EVENT)),
            ("data", Value::Array(self.data.clone())),
            ("nsp", Value::Str(self.nsp.clone())),
        ];
        if let Some(id) = self.id {
            entries.push(("id", Value::UInt(id)));
        }
        map(entries)
    }
}

/// Which sockets of every server a broadcast reaches, and how.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BroadcastOpts {
    /// The rooms (none: the whole namespace). A socket id is a room holding that socket.
    pub rooms: Vec<Str>,
    /// Rooms (and socket ids) left out.
    pub except: Vec<Str>,
    /// The flags that were set.
    pub flags: BroadcastFlags,
}

impl BroadcastOpts {
    pub(crate) fn from_value(v: &Value) -> Result<Self, DecodeError> {
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("opts"));
        }
        Ok(Self {
            rooms: opt_names(v, "rooms")?,
            except: opt_names(v, "except")?,
            flags: opt_field(v, "flags")
                .map_or_else(|| Ok(BroadcastFlags::default()), BroadcastFlags::from_value)?,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            ("rooms", names_value(&self.rooms)),
            ("except", names_value(&self.except)),
            ("flags", self.flags.to_value()),
        ])
    }
}

/// The broadcast flags node's servers put on the wire (only those set are written; others
/// are ignored on input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BroadcastFlags {
    /// Drop the packet for clients that cannot take it right now.
    pub volatile: bool,
    /// Per-message compression asked for (`Some(false)`: explicitly off).
    pub compress: Option<bool>,
    /// This server only. Never published by node (a local broadcast stays local); read so a
    /// message that has it can be dropped.
    pub local: bool,
    /// A broadcast with acks: how long the sender waits, in milliseconds.
    pub timeout: Option<u64>,
}

impl BroadcastFlags {
    fn from_value(v: &Value) -> Result<Self, DecodeError> {
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("flags"));
        }
        let flag = |k| opt_field(v, k).is_some_and(Value::is_true);
        Ok(Self {
            volatile: flag("volatile"),
            compress: match opt_field(v, "compress") {
                Some(Value::Bool(b)) => Some(*b),
                _ => None,
            },
            local: flag("local"),
            timeout: opt_field(v, "timeout").and_then(Value::as_u64),
        })
    }

    fn to_value(self) -> Value {
        let mut entries = Vec::new();
        if self.volatile {
            entries.push(("volatile", Value::Bool(true)));
        }
        if let Some(c) = self.compress {
            entries.push(("compress", Value::Bool(c)));
        }
        if self.local {
            entries.push(("local", Value::Bool(true)));
        }
        if let Some(t) = self.timeout {
            entries.push(("timeout", Value::UInt(t)));
        }
        map(entries)
    }
}

/// The sockets a remote operation (join, leave, disconnect, fetch) selects on every server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    /// The rooms (none: the whole namespace).
    pub rooms: Vec<Str>,
    /// Rooms (and socket ids) left out.
    pub except: Vec<Str>,
}

impl Selector {
    pub(crate) fn from_value(v: &Value) -> Result<Self, DecodeError> {
        if !matches!(v, Value::Map(_)) {
            return Err(DecodeError::Shape("opts"));
        }
        Ok(Self {
            rooms: opt_names(v, "rooms")?,
            except: opt_names(v, "except")?,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        map(vec![
            ("rooms", names_value(&self.rooms)),
            ("except", names_value(&self.except)),
        ])
    }
}
