//! The msgpack parser: socket.io-msgpack-parser 3.0's wire form of a [`Packet`].
//!
//! Each packet is one MessagePack map `{type, data, nsp, id?}` sent as one binary Engine.IO
//! message, written by notepack.io. Binary data stays inside the map as MessagePack `bin`,
//! so there are no BINARY_EVENT / BINARY_ACK types and no attachment frames.
//!
//! The rest of the server keeps one model of a packet, the text parser's: JSON payloads with
//! binary placeholders and their attachments. This module converts at the edge, so the
//! application sees the same arguments and binaries whichever parser a server uses:
//! decoding writes each `bin` as a placeholder (depth first, in key order, as
//! socket.io-parser numbers them) and collects the bytes as attachments; encoding puts each
//! attachment back where its placeholder is.
//!
//! Node's decoder ignores unknown keys (socket.io-client adds `options: {compress: true}` to
//! every event) and reads notepack.io's `undefined` (fixext 1 of type 0, which the client
//! writes for a CONNECT without auth) as an absent value; so does this one.

use bytes::{BufMut, Bytes, BytesMut};

use super::MAX_ACK_ID;
use super::args::Args;
use super::event_payload::EventPayload;
use super::msgpack_error::MsgpackDecodeError;
use super::packet::{Packet, PacketBody, PacketType, ProtocolVersion};
use super::payload::Payload;
use super::validate::RESERVED_EVENTS;
use crate::Str;
use crate::msgpack::{MsgpackError, MsgpackLimits, Reader, Value, write_json, write_value};

/// socket.io-msgpack-parser's packet types (socket.io-parser's, without the binary ones).
const CONNECT: u64 = 0;
const DISCONNECT: u64 = 1;
const EVENT: u64 = 2;
const ACK: u64 = 3;
const CONNECT_ERROR: u64 = 4;

impl Packet {
    /// This packet as socket.io-msgpack-parser writes it: one MessagePack map, to be sent as
    /// one binary Engine.IO message. Attachments go back inside the data as `bin` values, in
    /// place of their placeholders.
    ///
    /// Version differences are the text parser's: v4 writes a CONNECT's query into the
    /// namespace (`/nsp?query`) and never its auth.
    ///
    /// # Errors
    /// [`MsgpackError::Json`] when a payload cannot be read as a tree (nested deeper than
    /// serde_json's 128 levels, or a lone UTF-16 surrogate escape, which has no MessagePack
    /// string); [`MsgpackError::BadPlaceholder`] when a placeholder names no attachment.
    pub fn encode_msgpack(&self, v: ProtocolVersion) -> Result<Bytes, MsgpackError> {
        // The JSON payload, and the attachments its placeholders name (none: plain JSON).
        type Data<'a> = Option<(&'a str, Option<&'a [Bytes]>)>;
        let (ty, data, id): (u64, Data<'_>, Option<u64>) = match &self.body {
            PacketBody::Connect { auth, .. } => match (auth, v) {
                (Some(a), ProtocolVersion::V5) => (CONNECT, Some((a.as_str(), None)), None),
                _ => (CONNECT, None, None),
            },
            PacketBody::Disconnect => (DISCONNECT, None, None),
            PacketBody::Event {
                id,
                data,
                attachments,
            } => (EVENT, Some((data.as_str(), Some(attachments))), *id),
            PacketBody::Ack {
                id,
                data,
                attachments,
            } => (ACK, Some((data.as_str(), Some(attachments))), Some(*id)),
            PacketBody::ConnectError(p) | PacketBody::Error(p) => {
                (CONNECT_ERROR, Some((p.as_str(), None)), None)
            }
        };
        let entries = 2 + usize::from(data.is_some()) + usize::from(id.is_some());
        let mut out = BytesMut::with_capacity(
            32 + self.nsp.len()
                + data.map_or(0, |(json, _)| json.len())
                + self.attachments().iter().map(Bytes::len).sum::<usize>(),
        );
        // Node's key order: type, data, nsp, id.
        out.put_u8(0x80 | entries as u8);
        write_value(&mut out, &Value::from("type"));
        write_value(&mut out, &Value::UInt(ty));
        if let Some((json, attachments)) = data {
            write_value(&mut out, &Value::from("data"));
            write_json(&mut out, json, attachments)?;
        }
        write_value(&mut out, &Value::from("nsp"));
        match (&self.body, v) {
            (PacketBody::Connect { query: Some(q), .. }, ProtocolVersion::V4) => {
                write_value(
                    &mut out,
                    &Value::Str(Str::from(format!("{}?{}", self.nsp, q))),
                );
            }
            _ => write_value(&mut out, &Value::Str(self.nsp.clone())),
        }
        if let Some(id) = id {
            write_value(&mut out, &Value::from("id"));
            write_value(&mut out, &Value::UInt(id));
        }
        Ok(out.freeze())
    }

    /// Decodes one binary Engine.IO message from a client using socket.io-msgpack-parser.
    ///
    /// Never panics; bounded by `limits`. The packet comes out complete: binaries inside the
    /// data are its attachments, each replaced by a placeholder in the JSON.
    ///
    /// # Errors
    /// A [`MsgpackDecodeError`] for bytes that are not MessagePack within the limits or a map
    /// that fails node's checks.
    pub fn decode_msgpack(
        v: ProtocolVersion,
        data: &Bytes,
        limits: &MsgpackLimits,
    ) -> Result<Self, MsgpackDecodeError> {
        // The packet's fields are small and read as values; its data, the bulk, is checked
        // in place and written as JSON straight from the bytes.
        let mut r = Reader::new(data, limits)?;
        let Some(n) = r.map_header()? else {
            // Malformed bytes are a MessagePack error before they are "not a map".
            r.read(0)?;
            r.finish()?;
            return Err(MsgpackDecodeError::NotAMap);
        };
        let mut fields = Vec::with_capacity(n);
        let mut data_at = None;
        for _ in 0..n {
            let key = r.read(1)?;
            if key.as_str().is_some_and(|k| k.as_str() == "data") {
                // The last one counts, as in a JavaScript object.
                data_at = Some(r.at(r.pos()));
                r.skip(1)?;
            } else {
                let value = r.read(1)?;
                fields.push((key, value));
            }
        }
        r.finish()?;
        let map = Value::Map(fields);
        let data = data_at.filter(|d| !d.at_undefined());
        let present = |key| map.get(key).filter(|v| !v.is_undefined());
        let ty = match present("type").and_then(integer) {
            Some(Integer::NonNegative(n)) if n <= CONNECT_ERROR => n,
            _ => return Err(MsgpackDecodeError::InvalidType),
        };
        let nsp = present("nsp")
            .and_then(Value::as_str)
            .cloned()
            .ok_or(MsgpackDecodeError::InvalidNamespace)?;
        let id = match present("id") {
            None => None,
            Some(id) => match integer(id).ok_or(MsgpackDecodeError::InvalidId)? {
                Integer::NonNegative(n) if n <= MAX_ACK_ID => Some(n),
                // Only an ack id is ever read: node ignores an id on other types.
                _ if !matches!(ty, EVENT | ACK) => None,
                _ => return Err(MsgpackDecodeError::AckIdOutOfRange),
            },
        };
        let (body, nsp) = match ty {
            CONNECT => connect(v, nsp, data)?,
            DISCONNECT => match &data {
                None => (PacketBody::Disconnect, nsp),
                Some(_) => {
                    return Err(MsgpackDecodeError::InvalidPayload(PacketType::Disconnect));
                }
            },
            EVENT => {
                let data = data
                    .filter(|d| kind(d) == Kind::Array)
                    .ok_or(MsgpackDecodeError::InvalidPayload(PacketType::Event))?;
                check_event_name(data.at(data.pos()).first_of_array()?.as_ref())?;
                let (json, attachments) = to_json(data)?;
                let data = EventPayload::from_validated(json);
                (
                    PacketBody::Event {
                        id,
                        data,
                        attachments,
                    },
                    nsp,
                )
            }
            ACK => {
                let data = data
                    .filter(|d| kind(d) == Kind::Array)
                    .ok_or(MsgpackDecodeError::InvalidPayload(PacketType::Ack))?;
                let id = id.ok_or(MsgpackDecodeError::MissingAckId)?;
                let (json, attachments) = to_json(data)?;
                let data = Args::from_validated(json);
                (
                    PacketBody::Ack {
                        id,
                        data,
                        attachments,
                    },
                    nsp,
                )
            }
            _ => {
                let Some(data) = data.filter(|d| matches!(kind(d), Kind::Str | Kind::Map)) else {
                    return Err(MsgpackDecodeError::InvalidPayload(PacketType::ConnectError));
                };
                let payload = plain_json(data)?;
                let body = match v {
                    ProtocolVersion::V5 => PacketBody::ConnectError(payload),
                    ProtocolVersion::V4 => PacketBody::Error(payload),
                };
                (body, nsp)
            }
        };
        Ok(Self { nsp, body })
    }
}

/// A CONNECT: v5 carries an optional auth map; v4 its query string in the namespace.
fn connect(
    v: ProtocolVersion,
    nsp: Str,
    data: Option<Reader<'_>>,
) -> Result<(PacketBody, Str), MsgpackDecodeError> {
    let auth = match data {
        None => None,
        Some(m) if kind(&m) == Kind::Map => Some(plain_json(m)?),
        Some(_) => return Err(MsgpackDecodeError::InvalidPayload(PacketType::Connect)),
    };
    Ok(match v {
        ProtocolVersion::V5 => (PacketBody::Connect { auth, query: None }, nsp),
        ProtocolVersion::V4 => match nsp.find('?') {
            None => (
                PacketBody::Connect {
                    auth: None,
                    query: None,
                },
                nsp,
            ),
            Some(q) => {
                let path = Str::from(nsp.get(..q).unwrap_or_default());
                let query = Str::from(nsp.get(q.saturating_add(1)..).unwrap_or_default());
                let body = PacketBody::Connect {
                    auth: None,
                    query: Some(query),
                };
                (body, path)
            }
        },
    })
}

/// The event rules every event the application receives meets (as the text parser's).
fn check_event_name(name: Option<&Value>) -> Result<(), MsgpackDecodeError> {
    match name {
        None => Err(MsgpackDecodeError::EmptyEvent),
        Some(Value::Str(s)) => match RESERVED_EVENTS.iter().find(|r| **r == s.as_str()) {
            Some(r) => Err(MsgpackDecodeError::ReservedEventName(r)),
            None => Ok(()),
        },
        Some(Value::UInt(_) | Value::Int(_) | Value::F32(_) | Value::F64(_)) => Ok(()),
        Some(_) => Err(MsgpackDecodeError::InvalidEventName),
    }
}

/// What kind of value a reader is at, as far as node's checks look.
#[derive(PartialEq, Eq)]
enum Kind {
    Array,
    Map,
    Str,
    Other,
}

fn kind(r: &Reader<'_>) -> Kind {
    match r.peek() {
        Some(0x90..=0x9f | 0xdc | 0xdd) => Kind::Array,
        Some(0x80..=0x8f | 0xde | 0xdf) => Kind::Map,
        Some(0xa0..=0xbf | 0xd9..=0xdb) => Kind::Str,
        _ => Kind::Other,
    }
}

/// Data as the JSON with placeholders the rest of the server keeps, and its binaries.
fn to_json(mut data: Reader<'_>) -> Result<(Payload, Vec<Bytes>), MsgpackError> {
    let mut out = String::new();
    let mut attachments = Vec::new();
    data.json(1, &mut out, &mut Some(&mut attachments))?;
    Ok((Payload::from_validated(Str::from(out)), attachments))
}

/// Auth or a connect error as JSON (a binary inside is a node `Buffer`'s JSON, as
/// `JSON.stringify` would write it in node).
fn plain_json(mut data: Reader<'_>) -> Result<Payload, MsgpackError> {
    let mut out = String::new();
    data.json(1, &mut out, &mut None)?;
    Ok(Payload::from_validated(Str::from(out)))
}

/// An integer as JavaScript's `Number.isInteger` sees it (an integral float counts).
enum Integer {
    NonNegative(u64),
    Negative,
}

fn integer(v: &Value) -> Option<Integer> {
    let float = |f: f64| {
        // `as` saturates above u64::MAX, which is out of range either way.
        let n = if f < 0.0 {
            Integer::Negative
        } else {
            Integer::NonNegative(f as u64)
        };
        (f.is_finite() && f.fract() == 0.0).then_some(n)
    };
    match *v {
        Value::UInt(n) => Some(Integer::NonNegative(n)),
        Value::Int(n) => Some(u64::try_from(n).map_or(Integer::Negative, Integer::NonNegative)),
        Value::F64(f) => float(f),
        Value::F32(f) => float(f64::from(f)),
        _ => None,
    }
}
