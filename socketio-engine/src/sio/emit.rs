//! Sending events: to one socket, with or without an ack; acknowledging a client's event;
//! broadcasting to a planned set of sockets, with or without gathering acks.
//!
//! A broadcast encodes its packet at most once per protocol version among the recipients and
//! clones the frames to each (a reference count per frame), which keeps the per-recipient
//! cost to a slab lookup and a queue push.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::sio::{Args, Packet, ReservedEventName};

use super::broadcast::{BroadcastTarget, recipients};
use super::error::UsageError;
use super::ids::{AckId, SocketId};
use super::parser::Parser;
use super::state::SioState;
use super::timers::SioTimer;
use super::transport::{Encoded, Transport};
use crate::eio::Generation;
use crate::event::AckToken;

impl From<ReservedEventName> for UsageError {
    fn from(e: ReservedEventName) -> Self {
        Self::ReservedEventName(e.0.to_owned())
    }
}

/// The event packet, or the usage error for a reserved name (checked before any state
/// changes, so a refused emit leaves nothing behind).
fn event_packet(
    nsp: impl Into<Str>,
    event: &str,
    args: &Args,
    binary: Vec<Bytes>,
    id: Option<u64>,
) -> Result<Packet, UsageError> {
    Ok(Packet::event(nsp, event, args, binary, id)?)
}

/// The rooms a broadcast leaves out, by name: its except rooms and the own-id rooms of its
/// except sockets (node's `except` set, as the recovery log filters on it).
fn except_names(state: &SioState, target: &BroadcastTarget) -> Vec<Str> {
    let mut out = target.except_rooms.clone();
    out.extend(
        target
            .except_sockets
            .iter()
            .filter_map(|id| state.sockets.get(*id))
            .map(|s| Str::from(s.name.as_str())),
    );
    out
}

/// Encoded frames of one packet, filled lazily per protocol version (the parser is the
/// server's, the same for every recipient); an inner `None` is a packet the parser cannot
/// write, sent to nobody.
struct PerVersion<'a> {
    parser: Parser,
    packet: &'a Packet,
    v5: Option<Option<Encoded>>,
    v4: Option<Option<Encoded>>,
    v09: Option<Option<Encoded>>,
}

impl PerVersion<'_> {
    fn get(&mut self, v: Generation) -> Option<&Encoded> {
        let slot = match v {
            Generation::Eio4 => &mut self.v5,
            Generation::Eio3 => &mut self.v4,
            Generation::V09 => &mut self.v09,
        };
        slot.get_or_insert_with(|| self.parser.encode(self.packet, v))
            .as_ref()
    }
}

impl SioState {
    /// Sends `event` to one socket.
    pub(crate) fn emit(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        socket: SocketId,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        let s = self.sockets.get(socket).ok_or(UsageError::UnknownSocket)?;
        let (ns, name) = (s.ns, Str::from(s.name.as_str()));
        // With recovery on, node sends a direct emit through the adapter to the socket's own
        // room, so it is logged and gets an offset like a broadcast.
        let packet =
            self.recoverable_event(now, ns, || vec![name], |_| Vec::new(), event, args, binary)?;
        self.send_to(now, t, socket, &packet);
        Ok(())
    }

    /// Sends `event` to one socket and waits up to `timeout` for its ack.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn emit_with_ack(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        socket: SocketId,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckId, UsageError> {
        let nsp = self.socket_nsp(socket).ok_or(UsageError::UnknownSocket)?;
        let mut packet = event_packet(nsp, event, args, binary, None)?;
        let limit = self.config.max_pending_acks;
        let s = self
            .sockets
            .get_mut(socket)
            .ok_or(UsageError::UnknownSocket)?;
        if s.pending_acks as usize >= limit {
            return Err(UsageError::TooManyPendingAcks);
        }
        s.pending_acks = s.pending_acks.saturating_add(1);
        let ack = self.acks.insert_single(socket);
        self.timers.set(
            SioTimer::AckDeadline(ack),
            crate::timer::after(now, timeout),
        );
        packet.set_ack_id(ack.get());
        self.send_to(now, t, socket, &packet);
        Ok(ack)
    }

    /// Answers a client's event, once (the token is consumed).
    pub(crate) fn ack(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        token: AckToken,
        args: &Args,
        binary: Vec<Bytes>,
    ) -> Result<(), UsageError> {
        let nsp = self
            .socket_nsp(token.socket)
            .ok_or(UsageError::UnknownSocket)?;
        let packet = Packet::ack(nsp, token.id, args.clone(), binary);
        self.send_to(now, t, token.socket, &packet);
        Ok(())
    }

    /// The recipients of `target`, volatile filtering applied.
    fn plan(
        &self,
        t: &impl Transport,
        target: &BroadcastTarget,
    ) -> Result<Vec<SocketId>, UsageError> {
        let ns_id = self
            .namespaces
            .find(&target.nsp)
            .ok_or(UsageError::UnknownNamespace)?;
        let ns = self
            .namespaces
            .get(ns_id)
            .ok_or(UsageError::UnknownNamespace)?;
        let mut list = recipients(ns, target, |name| self.own_room(ns_id, name));
        if target.volatile {
            list.retain(|id| {
                self.sockets
                    .get(*id)
                    .is_some_and(|s| t.is_writable(s.session))
            });
        }
        Ok(list)
    }

    fn send_all(&self, now: Instant, t: &mut impl Transport, list: &[SocketId], packet: &Packet) {
        let mut frames = PerVersion {
            parser: self.config.parser,
            packet,
            v5: None,
            v4: None,
            v09: None,
        };
        for id in list {
            if let Some(s) = self.sockets.get(*id)
                && let Some(frames) = frames.get(s.version)
            {
                t.send(now, s.session, frames);
            }
        }
    }

    /// Broadcasts `event` to `target`; returns how many sockets it was queued to.
    pub(crate) fn broadcast(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
    ) -> Result<usize, UsageError> {
        let list = self.plan(t, target)?;
        let packet = match self.namespaces.find(&target.nsp) {
            // One packet, one offset for every recipient: still encoded once per version.
            Some(ns) if !target.volatile => self.recoverable_event(
                now,
                ns,
                || target.rooms.clone(),
                |me| except_names(me, target),
                event,
                args,
                binary,
            )?,
            _ => event_packet(target.nsp.clone(), event, args, binary, None)?,
        };
        self.send_all(now, t, &list, &packet);
        Ok(list.len())
    }

    /// Broadcasts `event` to `target` and gathers acks until every recipient answered or
    /// `timeout` passed; then one `Event::BroadcastAck` reports them.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn broadcast_with_ack(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: Vec<Bytes>,
        timeout: Duration,
    ) -> Result<AckId, UsageError> {
        let mut packet = event_packet(target.nsp.clone(), event, args, binary, None)?;
        if self.acks.group_count() >= self.config.max_pending_broadcast_acks {
            return Err(UsageError::TooManyBroadcastAcks);
        }
        let list = self.plan(t, target)?;
        let waiting: HashSet<SocketId> = list.iter().copied().collect();
        let ack = self.acks.insert_group(waiting);
        if list.is_empty() {
            // Nobody to wait for: settle at once, as Node calls back with no responses.
            self.expire_ack(ack);
            return Ok(ack);
        }
        self.timers.set(
            SioTimer::AckDeadline(ack),
            crate::timer::after(now, timeout),
        );
        packet.set_ack_id(ack.get());
        self.send_all(now, t, &list, &packet);
        Ok(ack)
    }
}
