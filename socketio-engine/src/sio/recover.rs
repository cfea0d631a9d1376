//! Connection state recovery's steps in the Socket.IO layer: logging recoverable events with
//! their offsets, keeping a socket that ended for a transport reason, claiming a kept
//! session on CONNECT, restoring it, and expiring the store on the timer table.
//!
//! Theory of operation (node's `namespace.ts` `_createSocket`, `socket.ts` constructor and
//! `_onclose`): a CONNECT whose auth has string `pid` and `offset` claims the session kept
//! under that pid when it is unexpired, of the same namespace, and its offset is still
//! logged. The claim takes the session out of the store, so it recovers once. With
//! `skip_middlewares` the socket is restored at once (`Event::Recovered`); without, the
//! claim rides on the `PendingConnect` and `accept_connect` restores it. Restoring gives
//! the socket its old id and pid, joins its rooms, writes the events it missed, in order,
//! then the CONNECT answer (node writes them in the same order; the client buffers them
//! until CONNECT and delivers them first). Only Socket.IO 5 sessions take part: older
//! clients never send a `pid` (node keeps their sessions too, uselessly). Without
//! `skip_middlewares`, node writes the missed events before its middlewares decide; we write
//! nothing to a client before it is accepted, and replay at the acceptance what was logged
//! until then, so an event sent while the application decides is not lost either.

use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::sio::{Args, Packet, Payload};

use super::error::UsageError;
use super::ids::{SocketId, SocketName};
use super::namespace::NsId;
use super::recovery::{AppData, Claim};
use super::session_key::SessionKey;
use super::state::SioState;
use super::timers::SioTimer;
use super::transport::Transport;
use crate::eio::Generation;
use crate::event::{DisconnectReason, Event, Recovered};

impl SioState {
    /// Whether a recovered socket skips the connect decision.
    pub(crate) fn skips_decision(&self) -> bool {
        self.recovery
            .as_ref()
            .is_some_and(|r| r.config.skip_middlewares)
    }

    /// The event packet for `event`, with its offset appended and logged when recovery is on
    /// (a recoverable event: the callers send no ack id and nothing volatile). `rooms` and
    /// `except` are what the event was sent to, for the replay's filter.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn recoverable_event(
        &mut self,
        now: Instant,
        ns: NsId,
        rooms: impl FnOnce() -> Vec<Str>,
        except: impl FnOnce(&Self) -> Vec<Str>,
        event: &str,
        args: &Args,
        binary: Vec<bytes::Bytes>,
    ) -> Result<Packet, UsageError> {
        let nsp = self
            .namespaces
            .get(ns)
            .map(|n| n.name.clone())
            .ok_or(UsageError::UnknownNamespace)?;
        let Some(offset) = self.recovery.as_ref().map(|r| r.next_offset()) else {
            return Ok(Packet::event(nsp, event, args, binary, None)?);
        };
        if let Some(remote) = self.recovery.as_ref().and_then(|r| r.remote.as_ref()) {
            // The stream is the log: the offset is the entry id of this event's append, and
            // an event without one (its append failed) carries none, as in node.
            return Ok(match &remote.offset {
                Some(id) => Packet::event(nsp, event, &args.with_last_string(id), binary, None)?,
                None => Packet::event(nsp, event, args, binary, None)?,
            });
        }
        let packet = Packet::event(nsp, event, &args.with_last_string(&offset), binary, None)?;
        let except = except(self);
        if let Some(r) = self.recovery.as_mut() {
            r.log(now, ns, rooms(), except, packet.clone());
        }
        self.arm_recovery();
        Ok(packet)
    }

    /// Keeps `socket` (about to be removed for `reason`) when recovery is on, the reason is
    /// one node recovers from, and it has a pid.
    pub(crate) fn keep_for_recovery(
        &mut self,
        now: Instant,
        socket: SocketId,
        reason: DisconnectReason,
    ) {
        let Some(r) = self.recovery.as_mut() else {
            return;
        };
        r.restored.remove(&socket);
        let Some(pid) = r.pids.remove(&socket) else {
            return;
        };
        if !reason.is_recoverable() {
            return;
        }
        let Some(s) = self.sockets.get(socket) else {
            return;
        };
        let rooms = self
            .namespaces
            .get(s.ns)
            .map(|ns| ns.rooms.rooms_of(socket).cloned().collect())
            .unwrap_or_default();
        if let Some(remote) = r.remote.as_mut() {
            remote.persist(s.name.clone(), pid, rooms);
            return;
        }
        r.keep(now, s.ns, socket, s.name.clone(), pid, rooms);
        self.arm_recovery();
    }

    /// A fresh pid for socket `id`, when recovery is on and the client can use one.
    pub(crate) fn new_pid(&mut self, id: SocketId, version: Generation) -> Option<SocketName> {
        if version != Generation::Eio4 {
            return None;
        }
        let r = self.recovery.as_mut()?;
        let pid = self.rng.next_name();
        r.pids.insert(id, pid.clone());
        Some(pid)
    }

    /// The kept session a CONNECT's `auth` asks for, taken out of the store.
    pub(crate) fn claim_recovery(
        &mut self,
        now: Instant,
        ns: NsId,
        version: Generation,
        auth: Option<&Payload>,
    ) -> Option<Box<Claim>> {
        if version != Generation::Eio4 {
            return None;
        }
        let r = self.recovery.as_mut()?;
        if r.remote.is_some() {
            // Claimed through the backend instead (`park_for_restore`).
            return None;
        }
        let auth = auth?.to_value().ok()?;
        let (pid, offset) = (auth.get("pid")?.as_str()?, auth.get("offset")?.as_str()?);
        let claim = r.claim(now, ns, pid, offset)?;
        self.arm_recovery();
        Some(Box::new(claim))
    }

    /// Restores `claim` at once (skip_middlewares) and tells the application.
    pub(crate) fn restore_now(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        nsp: Str,
        auth: Option<Payload>,
        mut claim: Claim,
    ) {
        let data = claim.kept.data.take();
        if let Some(socket) = self.restore(now, t, key, &nsp, claim, false) {
            // No wall clock without a decision to carry it: `issued` stays unknown.
            self.set_connect_info(
                socket,
                super::socket::ConnectInfo::boxed(auth.clone(), None),
            );
            self.events.push_back(Event::Recovered(Recovered {
                socket,
                nsp,
                session: key,
                auth,
                data,
            }));
        }
    }

    /// Restores `claim` on session `key`: the old id, pid and rooms, the missed events,
    /// then CONNECT. `None` (nothing sent) when the missed events are no longer all logged
    /// or the id is taken; then the caller connects a fresh socket. `hold_data` keeps the
    /// session's data for `take_recovered`.
    pub(crate) fn restore(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        nsp: &Str,
        claim: Claim,
        hold_data: bool,
    ) -> Option<SocketId> {
        let r = self.recovery.as_ref()?;
        let missed = match claim.missed {
            Some(missed) => missed,
            None if !r.is_logged(claim.after) => return None,
            None => r.missed(&claim.kept, claim.after),
        };
        let kept = claim.kept;
        let id = self
            .create_socket(key, kept.ns, kept.name.clone(), Generation::Eio4)
            .ok()?;
        if let Some(ns) = self.namespaces.get_mut(kept.ns) {
            for room in &kept.rooms {
                ns.rooms.join(id, room);
            }
        }
        if let Some(r) = self.recovery.as_mut() {
            r.pids.insert(id, kept.pid.clone());
            if hold_data {
                r.restored.insert(id, kept.data);
            }
        }
        for packet in &missed {
            self.config
                .parser
                .send(now, t, key, packet, Generation::Eio4);
        }
        self.send_connect(
            now,
            t,
            key,
            nsp.clone(),
            &kept.name,
            Some(&kept.pid),
            Generation::Eio4,
        );
        Some(id)
    }

    /// Attaches the application's data to the session kept for the removed socket `old`.
    pub(crate) fn keep_data(&mut self, old: SocketId, data: AppData) -> Result<(), AppData> {
        match self.recovery.as_mut() {
            Some(r) => r.keep_data(old, data),
            None => Err(data),
        }
    }

    /// Whether `accept_connect` restored `socket`, with the data its session held; once.
    pub(crate) fn take_recovered(&mut self, socket: SocketId) -> Option<Option<AppData>> {
        self.recovery.as_mut()?.restored.remove(&socket)
    }

    /// The recovery timer fired: drop what expired, re-arm for the next.
    pub(crate) fn expire_recovery(&mut self, now: Instant) {
        if let Some(r) = self.recovery.as_mut() {
            r.armed = None;
            r.expire(now);
        }
        self.arm_recovery();
    }

    /// Sets the recovery timer to the store's next expiry, touching the table only when it
    /// moved (this runs on every logged event).
    fn arm_recovery(&mut self) {
        let Some(r) = self.recovery.as_mut() else {
            return;
        };
        let next = r.next_deadline();
        if next == r.armed {
            return;
        }
        r.armed = next;
        match next {
            Some(at) => self.timers.set(SioTimer::RecoveryExpiry, at),
            None => {
                self.timers.cancel(SioTimer::RecoveryExpiry);
            }
        }
    }
}
