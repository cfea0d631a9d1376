//! [`Packet::encode`]: a [`Packet`] into its `type:id:endpoint:data` text.
//!
//! Everything is checked before anything is written, so the encoder either produces text
//! that [`Packet::decode`] turns back into the same packet, or a typed error.

use std::fmt::Write as _;

use super::decode::is_array;
use super::{AckKind, EncodeError, MAX_ID, Packet, PacketBody};
use crate::Str;

impl Packet {
    /// Encodes the packet as the text a 0.9 peer expects.
    ///
    /// Data-less forms follow the reference encoder: an empty message is `3::` without a
    /// data field, an error without reason or advice is `7::`.
    ///
    /// # Errors
    /// An [`EncodeError`] when a field cannot be written unambiguously.
    pub fn encode(&self) -> Result<Str, EncodeError> {
        self.check()?;
        let mut out = String::with_capacity(self.capacity_hint());
        out.push(char::from(self.body.packet_type().as_byte()));
        out.push(':');
        if let Some(id) = self.body.id() {
            push_u64(&mut out, id.id);
            if id.ack == AckKind::WithData {
                out.push('+');
            }
        }
        out.push(':');
        out.push_str(&self.endpoint);
        match &self.body {
            PacketBody::Disconnect | PacketBody::Heartbeat | PacketBody::Noop => {}
            PacketBody::Connect { query } => {
                if let Some(query) = query {
                    // The endpoint field cannot hold `:`; such a query goes in the data field.
                    out.push_str(if query.contains(':') { ":?" } else { "?" });
                    out.push_str(query);
                }
            }
            PacketBody::Message { data, .. } => {
                if !data.is_empty() {
                    out.push(':');
                    out.push_str(data);
                }
            }
            PacketBody::Json { data, .. } => {
                out.push(':');
                out.push_str(data.as_str());
            }
            PacketBody::Event { event, .. } => {
                out.push(':');
                out.push_str(event.json().as_str());
            }
            PacketBody::Ack { ack_id, args } => {
                out.push(':');
                push_u64(&mut out, *ack_id);
                if let Some(args) = args {
                    out.push('+');
                    out.push_str(args.as_str());
                }
            }
            PacketBody::Error { reason, advice } => {
                if reason.is_some() || advice.is_some() {
                    out.push(':');
                }
                if let Some(reason) = reason {
                    push_u64(&mut out, u64::from(reason.index()));
                }
                if let Some(advice) = advice {
                    out.push('+');
                    push_u64(&mut out, u64::from(advice.index()));
                }
            }
        }
        Ok(Str::from(out))
    }

    fn check(&self) -> Result<(), EncodeError> {
        if self.endpoint.contains(':') {
            return Err(EncodeError::EndpointContainsColon);
        }
        match &self.body {
            PacketBody::Connect { .. } if self.endpoint.contains('?') => {
                Err(EncodeError::ConnectEndpointContainsQuery)
            }
            PacketBody::Ack { ack_id, .. } if *ack_id > MAX_ID => Err(EncodeError::IdTooLarge),
            PacketBody::Ack {
                args: Some(args), ..
            } if !is_array(args.as_str()) => Err(EncodeError::AckArgsNotArray),
            body if body.id().is_some_and(|id| id.id > MAX_ID) => Err(EncodeError::IdTooLarge),
            _ => Ok(()),
        }
    }

    fn capacity_hint(&self) -> usize {
        let data = match &self.body {
            PacketBody::Connect { query } => query.as_ref().map_or(0, |q| q.len()),
            PacketBody::Message { data, .. } => data.len(),
            PacketBody::Json { data, .. } => data.as_str().len(),
            PacketBody::Event { event, .. } => event.json().as_str().len(),
            PacketBody::Ack { args, .. } => args.as_ref().map_or(0, |a| a.as_str().len()),
            _ => 0,
        };
        // Type, separators, two ids of up to 16 digits, `+`s and `?`.
        self.endpoint.len().saturating_add(data).saturating_add(40)
    }
}

fn push_u64(out: &mut String, n: u64) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{n}");
}
