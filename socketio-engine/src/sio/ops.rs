//! Socket operations: rooms (join, leave, leave_all), lookups, disconnects, shutdown, and the
//! same operations over a set of sockets chosen like a broadcast (Node's `socketsJoin`,
//! `socketsLeave`, `disconnectSockets`, `fetchSockets`).

use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::sio::Packet;

use super::broadcast::{BroadcastTarget, recipients};
use super::error::UsageError;
use super::ids::{SocketId, SocketName};
use super::session_key::SessionKey;
use super::state::SioState;
use super::transport::Transport;
use crate::event::DisconnectReason;

impl SioState {
    /// The namespace name of `socket`.
    pub(crate) fn socket_nsp(&self, socket: SocketId) -> Option<Str> {
        let s = self.sockets.get(socket)?;
        Some(self.namespaces.get(s.ns)?.name.clone())
    }

    /// The public id of `socket`.
    pub(crate) fn socket_name(&self, socket: SocketId) -> Option<SocketName> {
        Some(self.sockets.get(socket)?.name.clone())
    }

    /// The session of `socket`.
    pub(crate) fn socket_session(&self, socket: SocketId) -> Option<SessionKey> {
        Some(self.sockets.get(socket)?.session)
    }

    /// The socket whose public id is `name`.
    pub(crate) fn socket_by_name(&self, name: &str) -> Option<SocketId> {
        self.names.get(&SocketName::parse(name)?).copied()
    }

    /// Adds `socket` to `room`; `Ok(false)` if already a member.
    pub(crate) fn join(&mut self, socket: SocketId, room: &Str) -> Result<bool, UsageError> {
        let ns = self
            .sockets
            .get(socket)
            .ok_or(UsageError::UnknownSocket)?
            .ns;
        let ns = self
            .namespaces
            .get_mut(ns)
            .ok_or(UsageError::UnknownNamespace)?;
        Ok(ns.rooms.join(socket, room))
    }

    /// Removes `socket` from `room`; `Ok(false)` if not a member.
    pub(crate) fn leave(&mut self, socket: SocketId, room: &str) -> Result<bool, UsageError> {
        let ns = self
            .sockets
            .get(socket)
            .ok_or(UsageError::UnknownSocket)?
            .ns;
        let ns = self
            .namespaces
            .get_mut(ns)
            .ok_or(UsageError::UnknownNamespace)?;
        Ok(ns.rooms.leave(socket, room))
    }

    /// Removes `socket` from every room it joined (it stays in its own-id room).
    pub(crate) fn leave_all(&mut self, socket: SocketId) -> Result<usize, UsageError> {
        let ns = self
            .sockets
            .get(socket)
            .ok_or(UsageError::UnknownSocket)?
            .ns;
        let ns = self
            .namespaces
            .get_mut(ns)
            .ok_or(UsageError::UnknownNamespace)?;
        Ok(ns.rooms.leave_all(socket))
    }

    /// The rooms of `socket`: its own id first, then the rooms it joined.
    pub(crate) fn rooms_of(&self, socket: SocketId) -> Result<Vec<Str>, UsageError> {
        let s = self.sockets.get(socket).ok_or(UsageError::UnknownSocket)?;
        let ns = self
            .namespaces
            .get(s.ns)
            .ok_or(UsageError::UnknownNamespace)?;
        let mut out = vec![Str::from(s.name.as_str())];
        out.extend(ns.rooms.rooms_of(socket).cloned());
        Ok(out)
    }

    /// The sockets `target` selects (its volatile flag is ignored).
    pub(crate) fn select(&self, target: &BroadcastTarget) -> Result<Vec<SocketId>, UsageError> {
        let ns_id = self
            .namespaces
            .find(&target.nsp)
            .ok_or(UsageError::UnknownNamespace)?;
        let ns = self
            .namespaces
            .get(ns_id)
            .ok_or(UsageError::UnknownNamespace)?;
        Ok(recipients(ns, target, |name| self.own_room(ns_id, name)))
    }

    /// Makes every socket `target` selects join `room`; returns how many were added.
    pub(crate) fn sockets_join(
        &mut self,
        target: &BroadcastTarget,
        room: &Str,
    ) -> Result<usize, UsageError> {
        self.count_selected(target, |this, id| this.join(id, room))
    }

    /// Makes every socket `target` selects leave `room`; returns how many left.
    pub(crate) fn sockets_leave(
        &mut self,
        target: &BroadcastTarget,
        room: &str,
    ) -> Result<usize, UsageError> {
        self.count_selected(target, |this, id| this.leave(id, room))
    }

    /// Applies `op` to every socket `target` selects; returns how many it changed.
    fn count_selected(
        &mut self,
        target: &BroadcastTarget,
        mut op: impl FnMut(&mut Self, SocketId) -> Result<bool, UsageError>,
    ) -> Result<usize, UsageError> {
        let mut n = 0usize;
        for id in self.select(target)? {
            if op(self, id)? {
                n = n.saturating_add(1);
            }
        }
        Ok(n)
    }

    /// Disconnects `socket` from its namespace: DISCONNECT goes out, the socket leaves every
    /// room and `Event::Disconnect` (server namespace disconnect) follows.
    pub(crate) fn disconnect(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        socket: SocketId,
    ) -> Result<(), UsageError> {
        self.disconnect_with(now, t, socket, DisconnectReason::ServerNamespaceDisconnect)
    }

    fn disconnect_with(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        socket: SocketId,
        reason: DisconnectReason,
    ) -> Result<(), UsageError> {
        let nsp = self.socket_nsp(socket).ok_or(UsageError::UnknownSocket)?;
        self.send_to(now, t, socket, &Packet::disconnect(nsp));
        self.remove_socket(now, socket, reason);
        Ok(())
    }

    /// Disconnects every socket `target` selects; returns how many.
    pub(crate) fn disconnect_sockets(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        target: &BroadcastTarget,
    ) -> Result<usize, UsageError> {
        let list = self.select(target)?;
        for id in &list {
            self.disconnect(now, t, *id)?;
        }
        Ok(list.len())
    }

    /// Disconnects every socket of `socket`'s session, then closes the session (Node's
    /// `socket.disconnect(true)`).
    pub(crate) fn disconnect_session(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        socket: SocketId,
    ) -> Result<(), UsageError> {
        let key = self
            .socket_session(socket)
            .ok_or(UsageError::UnknownSocket)?;
        self.end_session(now, t, key, DisconnectReason::ServerNamespaceDisconnect);
        Ok(())
    }

    /// Sends DISCONNECT on every socket of `key`, removes them with `reason`, closes `key`.
    fn end_session(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        reason: DisconnectReason,
    ) {
        let sockets: Vec<SocketId> = self
            .sessions
            .get(&key)
            .map(|s| s.sockets.iter().map(|(_, id)| *id).collect())
            .unwrap_or_default();
        for id in sockets {
            // Cannot fail: the id came from the live session.
            let _ = self.disconnect_with(now, t, id, reason);
        }
        self.close_session(now, t, key, reason);
    }

    /// Shutdown: every socket gets DISCONNECT and `Event::Disconnect` (server shutting down),
    /// then every session is closed.
    pub(crate) fn close_all(&mut self, now: Instant, t: &mut impl Transport) {
        let keys: Vec<SessionKey> = self.sessions.keys().copied().collect();
        for key in keys {
            self.end_session(now, t, key, DisconnectReason::ServerShuttingDown);
        }
    }
}
