//! Decoding one Socket.IO header text frame.
//!
//! The header grammar is `<type>[<attachments>-][<nsp>,][<ack id>][<json>]`. The fixed-format
//! prefix is parsed by hand over bytes (all of its delimiters are ASCII, so every slice point
//! is a character boundary), then the JSON remainder is validated in one pass by
//! [`validate`](super::validate) and kept as a zero-copy slice of the input.

use super::args::Args;
use super::error::DecodeError;
use super::event_payload::EventPayload;
use super::packet::{Packet, PacketBody, PacketType, ProtocolVersion};
use super::payload::Payload;
use super::validate::{Shape, validate};
use crate::Str;

/// The largest acknowledgement id accepted: 2^53 - 1, JavaScript's `Number.MAX_SAFE_INTEGER`.
///
/// A JavaScript peer cannot represent a larger id exactly, so it could never answer it; the
/// reference parser accepts any digit run and silently loses precision instead.
pub const MAX_ACK_ID: u64 = 9_007_199_254_740_991;

/// The result of decoding a header text frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A packet without binary attachments: it is complete.
    Complete(Packet),
    /// A BINARY_EVENT / BINARY_ACK: `count` binary frames must follow; the packet's
    /// `attachments` is empty until they are filled in (see [`Reassembler`](super::Reassembler)).
    NeedsAttachments {
        /// The packet, validated, without its attachments.
        packet: Packet,
        /// How many attachments the header announced (at least 1, and exactly the number of
        /// placeholders in the payload).
        count: usize,
    },
}

const ROOT_NSP: Str = Str::from_static("/");

impl Packet {
    /// Decodes one header text frame (without the Engine.IO `4` prefix).
    ///
    /// Never panics; any malformed input is a [`DecodeError`]. Stateless and unlimited: the
    /// attachment count is bounded only by the number of placeholders the text holds; use a
    /// [`Reassembler`](super::Reassembler) to apply limits and collect attachments.
    ///
    /// # Errors
    /// Any [`DecodeError`] other than the reassembler ones.
    pub fn decode(v: ProtocolVersion, text: Str) -> Result<Decoded, DecodeError> {
        let bytes = text.as_bytes();
        let first = *bytes.first().ok_or(DecodeError::Empty)?;
        let Some(ty) = PacketType::from_byte(first) else {
            let c = text.chars().next().unwrap_or('\0');
            return Err(DecodeError::UnknownPacketType(c));
        };
        let mut i = 1;

        // Attachment count: digits then '-'.
        let mut count = 0usize;
        if matches!(ty, PacketType::BinaryEvent | PacketType::BinaryAck) {
            let rest = bytes.get(i..).unwrap_or_default();
            let dash = rest
                .iter()
                .position(|&b| b == b'-')
                .ok_or(DecodeError::MissingAttachmentSeparator)?;
            let digits = rest.get(..dash).unwrap_or_default();
            count = parse_digits(digits)
                .ok_or(DecodeError::InvalidAttachmentCount)?
                .ok_or(DecodeError::AttachmentCountOverflow)
                .and_then(|n| {
                    usize::try_from(n).map_err(|_| DecodeError::AttachmentCountOverflow)
                })?;
            if count == 0 {
                return Err(DecodeError::ZeroAttachments);
            }
            i = i.saturating_add(dash).saturating_add(1);
        }

        // Namespace: from '/' to ',' or the end of the text.
        let rest = bytes.get(i..).unwrap_or_default();
        let nsp = if rest.first() == Some(&b'/') {
            let len = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
            let nsp = slice(&text, i, i.saturating_add(len))?;
            i = i.saturating_add(len).saturating_add(1).min(bytes.len());
            nsp
        } else {
            if looks_like_namespace(rest) {
                return Err(DecodeError::InvalidNamespace);
            }
            ROOT_NSP
        };

        // Acknowledgement id: a run of digits.
        let rest = bytes.get(i..).unwrap_or_default();
        let id_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let id = if id_len > 0 {
            let n = parse_digits(rest.get(..id_len).unwrap_or_default())
                .flatten()
                .filter(|&n| n <= MAX_ACK_ID)
                .ok_or(DecodeError::AckIdOverflow)?;
            i = i.saturating_add(id_len);
            Some(n)
        } else {
            None
        };
        if id.is_some()
            && !matches!(
                ty,
                PacketType::Event
                    | PacketType::BinaryEvent
                    | PacketType::Ack
                    | PacketType::BinaryAck
            )
        {
            return Err(DecodeError::AckIdNotAllowed(ty));
        }

        // JSON payload: the rest of the text.
        let payload = (i < bytes.len()).then_some(i);
        let checked = |shape: Shape| -> Result<Payload, DecodeError> {
            let start = payload.ok_or(DecodeError::MissingPayload(ty))?;
            // `Str::as_str` re-checks UTF-8 on every call; take the text once for the scan.
            let json = text.as_str().get(start..).unwrap_or_default();
            validate(json, shape, ty, count)?;
            Ok(Payload::from_validated(slice(&text, start, bytes.len())?))
        };

        let body = match ty {
            PacketType::Connect => match v {
                ProtocolVersion::V5 => PacketBody::Connect {
                    auth: match payload {
                        Some(_) => Some(checked(Shape::Object)?),
                        None => None,
                    },
                    query: None,
                },
                ProtocolVersion::V4 => {
                    if payload.is_some() {
                        return Err(DecodeError::UnexpectedPayload(ty));
                    }
                    let (path, query) = split_query(&nsp)?;
                    return Ok(Decoded::Complete(Self {
                        nsp: path,
                        body: PacketBody::Connect { auth: None, query },
                    }));
                }
            },
            PacketType::Disconnect => {
                if payload.is_some() {
                    return Err(DecodeError::UnexpectedPayload(ty));
                }
                PacketBody::Disconnect
            }
            PacketType::Event | PacketType::BinaryEvent => PacketBody::Event {
                id,
                data: EventPayload::from_validated(checked(Shape::Event)?),
                attachments: Vec::new(),
            },
            PacketType::Ack | PacketType::BinaryAck => {
                let id = id.ok_or(DecodeError::MissingAckId)?;
                PacketBody::Ack {
                    id,
                    data: Args::from_validated(checked(Shape::Array)?),
                    attachments: Vec::new(),
                }
            }
            PacketType::ConnectError => {
                let data = checked(Shape::StringOrObject)?;
                match v {
                    ProtocolVersion::V5 => PacketBody::ConnectError(data),
                    ProtocolVersion::V4 => PacketBody::Error(data),
                }
            }
        };
        let packet = Self { nsp, body };
        Ok(if count > 0 {
            Decoded::NeedsAttachments { packet, count }
        } else {
            Decoded::Complete(packet)
        })
    }
}

/// `None` when `digits` is empty or holds a non-digit, `Some(None)` on overflow.
fn parse_digits(digits: &[u8]) -> Option<Option<u64>> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?
            .checked_add(u64::from(d.wrapping_sub(b'0')))
    }))
}

/// Text that is not a payload start and has a ',' before any JSON opener was meant as a
/// namespace: report that rather than a confusing JSON error.
fn looks_like_namespace(rest: &[u8]) -> bool {
    match rest.first() {
        None => false,
        Some(b) if b.is_ascii_digit() || b"[{\" \t\r\n".contains(b) => false,
        Some(_) => rest
            .iter()
            .find(|b| b"[{\",".contains(b))
            .is_some_and(|&b| b == b','),
    }
}

/// A v4 CONNECT namespace `"/nsp?query"` split into the path and the query without the `?`.
fn split_query(nsp: &Str) -> Result<(Str, Option<Str>), DecodeError> {
    match nsp.find('?') {
        None => Ok((nsp.clone(), None)),
        Some(q) => Ok((
            slice(nsp, 0, q)?,
            Some(slice(nsp, q.saturating_add(1), nsp.len())?),
        )),
    }
}

/// A sub-slice at ASCII delimiters, which are always character boundaries. `None` cannot
/// happen; mapping it to an error (rather than unwrapping) keeps the decoder panic-free.
fn slice(text: &Str, start: usize, end: usize) -> Result<Str, DecodeError> {
    text.slice(start..end).ok_or(DecodeError::Empty)
}
