//! [`Packet::decode`]: one `type:id:endpoint:data` text into a [`Packet`].
//!
//! The fields are found by position: the type is the first character, then `:`, the id runs
//! to the next `:`, the endpoint to the next `:` or the end, and whatever follows that `:` is
//! the data (which may itself hold `:`). Each field is then checked against what the type
//! allows; endpoints and data are slices of the input.

use bytes::Bytes;

use super::event::Event;
use super::{
    AckKind, DecodeError, ErrorAdvice, ErrorReason, MAX_ID, MessageId, Packet, PacketBody,
    PacketType, sub,
};
use crate::Str;
use crate::sio::Payload;

impl Packet {
    /// Decodes one packet from its text.
    ///
    /// # Errors
    /// A [`DecodeError`] naming the first problem found.
    pub fn decode(text: Str) -> Result<Self, DecodeError> {
        let s = text.as_str();
        let mut chars = s.chars();
        let first = chars.next().ok_or(DecodeError::Empty)?;
        let ty = u8::try_from(first)
            .ok()
            .and_then(PacketType::from_byte)
            .ok_or(DecodeError::UnknownType(first))?;
        // `first` is an ASCII digit, so the rest starts at byte 1.
        let rest = s.get(1..).unwrap_or_default();
        let rest = rest
            .strip_prefix(':')
            .ok_or(DecodeError::MissingSeparator("type"))?;
        let (id, rest) = rest
            .split_once(':')
            .ok_or(DecodeError::MissingSeparator("id"))?;
        let (endpoint, data) = match rest.split_once(':') {
            Some((endpoint, data)) => (endpoint, Some(data)),
            None => (rest, None),
        };
        let id = parse_id(id)?;
        if id.is_some()
            && !matches!(
                ty,
                PacketType::Message | PacketType::Json | PacketType::Event
            )
        {
            return Err(DecodeError::IdNotAllowed(ty));
        }
        // An empty data field reads as no data, as in both reference parsers.
        let data = data.filter(|d| !d.is_empty()).map(|d| sub(&text, d));
        let mut endpoint = sub(&text, endpoint);
        let body = match ty {
            PacketType::Disconnect | PacketType::Heartbeat | PacketType::Noop => {
                if data.is_some() {
                    return Err(DecodeError::UnexpectedData(ty));
                }
                match ty {
                    PacketType::Disconnect => PacketBody::Disconnect,
                    PacketType::Heartbeat => PacketBody::Heartbeat,
                    _ => PacketBody::Noop,
                }
            }
            PacketType::Connect => {
                let (path, query) = split_query(&endpoint);
                endpoint = path;
                let query = match (query, data) {
                    (Some(_), Some(_)) => return Err(DecodeError::ConflictingQuery),
                    (Some(q), None) => Some(q),
                    (None, Some(d)) => Some(
                        d.strip_prefix('?')
                            .map_or_else(|| d.clone(), |q| sub(&d, q)),
                    ),
                    (None, None) => None,
                };
                PacketBody::Connect { query }
            }
            PacketType::Message => PacketBody::Message {
                id,
                data: data.unwrap_or_default(),
            },
            PacketType::Json => {
                let data = data.ok_or(DecodeError::MissingData(ty))?;
                PacketBody::Json {
                    id,
                    data: Payload::from_json(data).map_err(DecodeError::InvalidJson)?,
                }
            }
            PacketType::Event => PacketBody::Event {
                id,
                event: Event::from_json(data.ok_or(DecodeError::MissingData(ty))?)?,
            },
            PacketType::Ack => parse_ack(&data.ok_or(DecodeError::MissingData(ty))?)?,
            PacketType::Error => parse_error(data.as_deref().unwrap_or_default())?,
        };
        Ok(Self { endpoint, body })
    }

    /// Decodes one packet from bytes, which must be UTF-8.
    ///
    /// # Errors
    /// [`DecodeError::InvalidUtf8`], or what [`Packet::decode`] finds.
    pub fn decode_bytes(bytes: Bytes) -> Result<Self, DecodeError> {
        Self::decode(Str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8)?)
    }
}

/// Canonical decimal (digits, no leading zero unless the number is 0) of at most
/// [`MAX_ID`].
pub(super) fn parse_decimal(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty()
        || !b.iter().all(u8::is_ascii_digit)
        || (b.len() > 1 && b.first() == Some(&b'0'))
    {
        return None;
    }
    s.parse().ok().filter(|&n| n <= MAX_ID)
}

fn parse_id(field: &str) -> Result<Option<MessageId>, DecodeError> {
    if field.is_empty() {
        return Ok(None);
    }
    let (digits, ack) = match field.strip_suffix('+') {
        Some(digits) => (digits, AckKind::WithData),
        None => (field, AckKind::Automatic),
    };
    let id = parse_decimal(digits).ok_or(DecodeError::InvalidId)?;
    Ok(Some(MessageId { id, ack }))
}

/// Splits a connect endpoint at its first `?`.
fn split_query(endpoint: &Str) -> (Str, Option<Str>) {
    match endpoint.split_once('?') {
        Some((path, query)) => (sub(endpoint, path), Some(sub(endpoint, query))),
        None => (endpoint.clone(), None),
    }
}

fn parse_ack(data: &Str) -> Result<PacketBody, DecodeError> {
    let (id, args) = match data.split_once('+') {
        Some((id, args)) => (id, Some(args)),
        None => (data.as_str(), None),
    };
    let ack_id = parse_decimal(id).ok_or(DecodeError::InvalidAckData)?;
    let args = match args {
        None => None,
        Some("") => return Err(DecodeError::InvalidAckData),
        Some(args) => {
            let args = Payload::from_json(sub(data, args)).map_err(DecodeError::InvalidJson)?;
            if !is_array(args.as_str()) {
                return Err(DecodeError::AckArgsNotArray);
            }
            Some(args)
        }
    };
    Ok(PacketBody::Ack { ack_id, args })
}

/// Whether valid JSON text is an array: its first non-whitespace character is `[`.
pub(super) fn is_array(json: &str) -> bool {
    json.trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('[')
}

fn parse_error(data: &str) -> Result<PacketBody, DecodeError> {
    let (reason, advice) = match data.split_once('+') {
        Some((reason, advice)) => (reason, Some(advice)),
        None => (data, None),
    };
    let reason = if reason.is_empty() {
        None
    } else {
        Some(
            single_digit(reason)
                .and_then(ErrorReason::from_index)
                .ok_or(DecodeError::InvalidErrorReason)?,
        )
    };
    let advice = match advice {
        None => None,
        Some(advice) => Some(
            single_digit(advice)
                .and_then(ErrorAdvice::from_index)
                .ok_or(DecodeError::InvalidErrorAdvice)?,
        ),
    };
    Ok(PacketBody::Error { reason, advice })
}

fn single_digit(s: &str) -> Option<u8> {
    match s.as_bytes() {
        &[d] if d.is_ascii_digit() => Some(d - b'0'),
        _ => None,
    }
}
