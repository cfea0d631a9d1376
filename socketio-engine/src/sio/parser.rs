//! [`Parser`]: the one place where a server's choice of Socket.IO parser takes effect.
//!
//! Node lets a server pick its parser (`new Server({ parser })`): the default text parser
//! (socket.io-parser: a text header with JSON, binaries as attachment frames) or
//! socket.io-msgpack-parser (each packet one MessagePack map in one binary frame). Both
//! sides must use the same one. Everything above this module works on decoded `Packet`s,
//! whose payloads are JSON with binary placeholders whatever the parser; so the choice only
//! changes how a packet becomes Engine.IO frames (`Parser::encode`) and how received
//! frames become packets (`Parser::decode_text`, `Parser::decode_binary`). Events, acks,
//! binaries, namespaces, broadcasts, connect errors, recovery offsets and packets relayed
//! from a cluster reach the application, and the clients, the same either way.
//!
//! The parser is fixed per server, so a broadcast still encodes once per client generation
//! (`emit`'s cache): the generation is all that differs between its recipients. 0.9 clients
//! have their own framing (`v09`) under either parser.

use std::time::Instant;

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::eio;
use socketio_proto::msgpack::MsgpackLimits;
use socketio_proto::sio::{Decoded, Packet, ProtocolVersion, Reassembler, ReassemblerLimits};

use super::session::Session;
use super::session_key::SessionKey;
use super::transport::{Encoded, Transport, eio_version};
use crate::eio::Generation;

/// Which Socket.IO parser a server speaks to its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Parser {
    /// socket.io-parser, node's default: a text header with JSON, each binary in a frame of
    /// its own after it.
    #[default]
    Default,
    /// socket.io-msgpack-parser 3.x: each packet one MessagePack map in one binary frame
    /// (`b`+base64 over polling), binaries inline. Clients must be configured with the same
    /// parser (node: `parser: require("socket.io-msgpack-parser")`; browsers:
    /// socket.io-client's `dist/socket.io.msgpack.min.js`); a client with the default
    /// parser is closed at its first packet, as node closes it.
    Msgpack,
}

/// What the decoders may hold for one packet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecodeLimits {
    pub(crate) reassembler: ReassemblerLimits,
    pub(crate) msgpack: MsgpackLimits,
}

/// A received frame was not a packet of this parser: the session is to be closed.
#[derive(Debug)]
pub(crate) struct ParseError;

impl Parser {
    /// `packet` as the frames a session of generation `g` receives; `None` when this parser
    /// cannot write it (msgpack: a payload nested deeper than 128 levels, or holding a lone
    /// UTF-16 surrogate escape), and then it is not sent.
    pub(crate) fn encode(self, packet: &Packet, g: Generation) -> Option<Encoded> {
        let Some(v) = g.socket_io() else {
            return Some(super::v09::encode(packet));
        };
        match self {
            Self::Default => Some(encode_text(packet, v)),
            Self::Msgpack => {
                let bytes = packet.encode_msgpack(v).ok()?;
                Some(Encoded {
                    head: eio::binary_message_frame(eio_version(v), bytes),
                    binary: Vec::new(),
                })
            }
        }
    }

    /// Encodes `packet` for `session` (of generation `g`) and queues it; false when it was
    /// not sent (the parser cannot write it, or the session is gone or refused it).
    pub(crate) fn send(
        self,
        now: Instant,
        t: &mut impl Transport,
        session: SessionKey,
        packet: &Packet,
        g: Generation,
    ) -> bool {
        self.encode(packet, g)
            .is_some_and(|frames| t.send(now, session, &frames))
    }

    /// A text message of a Socket.IO (not 0.9) session: a packet, `None` while a binary
    /// packet awaits its attachments, or an error.
    pub(crate) fn decode_text(
        self,
        session: &mut Session,
        v: ProtocolVersion,
        text: Str,
        limits: &DecodeLimits,
    ) -> Result<Option<Packet>, ParseError> {
        if self == Self::Msgpack {
            // Every msgpack packet is binary: text is a client with the default parser.
            return Err(ParseError);
        }
        // Plain packets (the common case) decode directly; a binary header (type 5 or 6), or
        // any text while attachments are awaited, goes through the session's reassembler.
        let binary_header = matches!(text.as_bytes().first(), Some(b'5' | b'6'));
        let result = match &mut session.reassembler {
            Some(r) => r.push_text(text),
            None if binary_header => {
                let mut r = Box::new(Reassembler::new(v, limits.reassembler));
                let result = r.push_text(text);
                if r.is_waiting() {
                    session.reassembler = Some(r);
                }
                result
            }
            None => Packet::decode(v, text).map(|d| match d {
                Decoded::Complete(p) => Some(p),
                // Only types 5 and 6 need attachments, and those were routed above.
                Decoded::NeedsAttachments { .. } => None,
            }),
        };
        if session
            .reassembler
            .as_ref()
            .is_some_and(|r| !r.is_waiting())
        {
            session.reassembler = None;
        }
        result.map_err(|_| ParseError)
    }

    /// A binary message of a session: an attachment (default parser) or a whole packet
    /// (msgpack).
    pub(crate) fn decode_binary(
        self,
        session: &mut Session,
        data: Bytes,
        limits: &DecodeLimits,
    ) -> Result<Option<Packet>, ParseError> {
        let v = session.version.socket_io().ok_or(ParseError)?;
        if self == Self::Msgpack {
            return Packet::decode_msgpack(v, &data, &limits.msgpack)
                .map(Some)
                .map_err(|_| ParseError);
        }
        // An attachment nobody announced is an error.
        let r = session.reassembler.as_mut().ok_or(ParseError)?;
        let result = r.push_binary(data);
        if !r.is_waiting() {
            session.reassembler = None;
        }
        result.map_err(|_| ParseError)
    }
}

/// The default parser's frames: the header written once, straight into an exactly sized
/// Engine.IO frame buffer, then one binary frame per attachment.
fn encode_text(packet: &Packet, v: ProtocolVersion) -> Encoded {
    let head = packet.encode_message_frame(v);
    let binary = packet
        .attachments()
        .iter()
        .map(|a| eio::binary_message_frame(eio_version(v), a.clone()))
        .collect();
    Encoded { head, binary }
}
