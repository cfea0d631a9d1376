//! [`Reassembler`]: turns a session's stream of text and binary frames into packets.
//!
//! Theory of operation. A session receives Socket.IO packets as Engine.IO messages. A plain
//! packet is one text frame. A binary packet is a text header announcing `n` attachments
//! followed by exactly `n` binary frames. The reassembler is a two-state machine:
//!
//! - Idle: a text frame is decoded; a plain packet is returned at once, a binary header moves
//!   to Awaiting (after checking the announced count and header size against the limits). A
//!   binary frame here is a protocol error.
//! - Awaiting { packet, expected, received }: each binary frame is appended (checking the
//!   byte limit); the last one completes the packet, which is returned, back to Idle. A text
//!   frame here is a protocol error.
//!
//! Every error drops the partial packet and returns to Idle, so the state never holds more
//! than the limits allow; the caller is expected to close the session anyway.

use bytes::Bytes;

use super::decode::Decoded;
use super::error::DecodeError;
use super::packet::{Packet, PacketBody, ProtocolVersion};
use crate::Str;

/// Limits on what one [`Reassembler`] holds for a binary packet in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblerLimits {
    /// Most attachments one packet may announce. Default
    /// [`DEFAULT_MAX_ATTACHMENTS`](Self::DEFAULT_MAX_ATTACHMENTS).
    pub max_attachments: usize,
    /// Most bytes (header text plus attachments) held for one packet. Default
    /// [`DEFAULT_MAX_BYTES`](Self::DEFAULT_MAX_BYTES).
    pub max_bytes: usize,
}

impl ReassemblerLimits {
    /// 10, the reference parser's `maxAttachments` default.
    pub const DEFAULT_MAX_ATTACHMENTS: usize = 10;
    /// 16 MiB: ten attachments near Engine.IO's default 1 MB message limit fit with room.
    pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;
}

impl Default for ReassemblerLimits {
    fn default() -> Self {
        Self {
            max_attachments: Self::DEFAULT_MAX_ATTACHMENTS,
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// Streaming reassembly of binary packets; one per session.
#[derive(Debug, Clone)]
pub struct Reassembler {
    version: ProtocolVersion,
    limits: ReassemblerLimits,
    pending: Option<Pending>,
}

#[derive(Debug, Clone)]
struct Pending {
    packet: Packet,
    expected: usize,
    received: Vec<Bytes>,
    bytes: usize,
}

impl Reassembler {
    /// A reassembler for a session speaking `v`.
    #[must_use]
    pub const fn new(v: ProtocolVersion, limits: ReassemblerLimits) -> Self {
        Self {
            version: v,
            limits,
            pending: None,
        }
    }

    /// Feeds a text frame. `Some` is a complete packet; `None` means attachments are awaited.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedText`] while attachments are awaited, a limit error for a
    /// binary header over the limits, or any decoding error.
    pub fn push_text(&mut self, text: Str) -> Result<Option<Packet>, DecodeError> {
        if self.pending.take().is_some() {
            return Err(DecodeError::UnexpectedText);
        }
        // The length is all that is needed after decoding: moving the text in saves a
        // reference-count round trip per packet.
        let text_len = text.as_bytes().len();
        match Packet::decode(self.version, text)? {
            Decoded::Complete(p) => Ok(Some(p)),
            Decoded::NeedsAttachments { packet, count } => {
                if count > self.limits.max_attachments {
                    return Err(DecodeError::TooManyAttachments {
                        count,
                        max: self.limits.max_attachments,
                    });
                }
                if text_len > self.limits.max_bytes {
                    return Err(DecodeError::TooManyBytes {
                        max: self.limits.max_bytes,
                    });
                }
                self.pending = Some(Pending {
                    packet,
                    expected: count,
                    received: Vec::with_capacity(count),
                    bytes: text_len,
                });
                Ok(None)
            }
        }
    }

    /// Feeds a binary frame. `Some` is the packet it completed.
    ///
    /// # Errors
    /// [`DecodeError::UnexpectedBinary`] when no attachment is awaited,
    /// [`DecodeError::TooManyBytes`] when the packet would exceed the byte limit.
    pub fn push_binary(&mut self, data: Bytes) -> Result<Option<Packet>, DecodeError> {
        let mut p = self.pending.take().ok_or(DecodeError::UnexpectedBinary)?;
        p.bytes = p
            .bytes
            .checked_add(data.len())
            .filter(|&b| b <= self.limits.max_bytes)
            .ok_or(DecodeError::TooManyBytes {
                max: self.limits.max_bytes,
            })?;
        p.received.push(data);
        if p.received.len() < p.expected {
            self.pending = Some(p);
            return Ok(None);
        }
        let mut packet = p.packet;
        if let PacketBody::Event { attachments, .. } | PacketBody::Ack { attachments, .. } =
            &mut packet.body
        {
            *attachments = p.received;
        }
        Ok(Some(packet))
    }

    /// Bytes held for the packet in progress (header text plus attachments so far).
    #[must_use]
    pub fn bytes_held(&self) -> usize {
        self.pending.as_ref().map_or(0, |p| p.bytes)
    }

    /// Whether binary attachments are awaited.
    #[must_use]
    pub const fn is_waiting(&self) -> bool {
        self.pending.is_some()
    }

    /// Drops any packet in progress.
    pub fn reset(&mut self) {
        self.pending = None;
    }
}
