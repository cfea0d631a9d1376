//! [`SioState`]: all Socket.IO-layer state of the engine, and the helpers every command and
//! input shares (removing a socket, closing a session, sending to a socket).
//!
//! Theory of operation: sockets live in one slab; namespaces hold their socket sets and rooms;
//! sessions hold their sockets and pending connects; acks live in one table; every deadline is
//! in one timer table. Inputs (`inbound.rs`), connect answers (`connect.rs`), sends
//! (`emit.rs`) and socket operations (`ops.rs`) are separate files of `impl SioState`. Each
//! change that removes a socket goes through `remove_socket`, which updates every index and
//! queues exactly one `Event::Disconnect`.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;
use socketio_proto::sio::{Args, Packet};

use super::acks::Acks;
use super::config::SioConfig;
use super::ids::{NameRng, SocketId, SocketName};
use super::namespace::{Namespaces, NsId};
use super::recovery::Recovery;
use super::session::Session;
use super::session_key::SessionKey;
use super::slab::Slab;
use super::socket::Socket;
use super::timers::{SioTimer, Timers};
use super::transport::Transport;
use crate::event::{DisconnectReason, Event};

/// A reply held by a broadcast ack until it settles: arguments and attachments.
pub(crate) type Reply = (Args, Vec<Bytes>);

/// The Socket.IO layer.
pub(crate) struct SioState {
    pub(crate) config: SioConfig,
    pub(crate) namespaces: Namespaces,
    pub(crate) sockets: Slab<Socket>,
    pub(crate) names: HashMap<SocketName, SocketId>,
    pub(crate) sessions: HashMap<SessionKey, Session>,
    pub(crate) acks: Acks<Reply>,
    pub(crate) timers: Timers,
    pub(crate) rng: NameRng,
    pub(crate) events: VecDeque<Event>,
    pub(crate) next_serial: u32,
    /// Connection state recovery's store, when it is on (boxed: nothing per socket when off).
    pub(crate) recovery: Option<Box<Recovery>>,
}

impl SioState {
    /// A layer with the namespaces of `config`.
    pub(crate) fn new(config: SioConfig) -> Self {
        Self {
            namespaces: Namespaces::new(&config),
            sockets: Slab::default(),
            names: HashMap::new(),
            sessions: HashMap::new(),
            acks: Acks::default(),
            timers: Timers::default(),
            rng: NameRng::new(config.rng_seed),
            events: VecDeque::new(),
            next_serial: 0,
            recovery: config.recovery.clone().map(|c| Box::new(Recovery::new(c))),
            config,
        }
    }

    /// The next event for the application.
    #[cfg(test)]
    pub(crate) fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The earliest deadline of this layer.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// The socket of this namespace whose own-id room is `name`.
    pub(crate) fn own_room(&self, ns: NsId, name: &str) -> Option<SocketId> {
        let id = *self.names.get(&SocketName::parse(name)?)?;
        (self.sockets.get(id)?.ns == ns).then_some(id)
    }

    /// Encodes `packet` for `socket`'s session and queues it; false if the socket is gone.
    pub(crate) fn send_to(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        socket: SocketId,
        packet: &Packet,
    ) -> bool {
        let Some(s) = self.sockets.get(socket) else {
            return false;
        };
        self.config
            .parser
            .send(now, t, s.session, packet, s.version)
    }

    /// Removes `socket` from every index and queues its `Disconnect` event. Sends nothing.
    /// With recovery on, a socket that ended for a transport reason is kept (`recover`).
    pub(crate) fn remove_socket(
        &mut self,
        now: Instant,
        socket: SocketId,
        reason: DisconnectReason,
    ) {
        self.keep_for_recovery(now, socket, reason);
        let Some(s) = self.sockets.remove(socket) else {
            return;
        };
        self.names.remove(&s.name);
        // The rooms as they were, for the application's last look (node's `disconnecting`).
        let mut rooms = vec![socketio_proto::Str::from(s.name.as_str())];
        let nsp = match self.namespaces.get_mut(s.ns) {
            Some(ns) => {
                rooms.extend(ns.rooms.rooms_of(socket).cloned());
                ns.sockets.remove(&socket);
                ns.rooms.leave_all(socket);
                ns.name.clone()
            }
            None => socketio_proto::Str::new(),
        };
        if let Some(session) = self.sessions.get_mut(&s.session) {
            session.sockets.retain(|(_, id)| *id != socket);
        }
        self.events.push_back(Event::Disconnect {
            socket,
            nsp,
            reason,
            rooms,
        });
    }

    /// Forgets `session` and disconnects its sockets with `reason`. Does not touch the
    /// transport: the caller closes it if this layer decided the close.
    pub(crate) fn drop_session(&mut self, now: Instant, key: SessionKey, reason: DisconnectReason) {
        let Some(session) = self.sessions.remove(&key) else {
            return;
        };
        self.timers.cancel(SioTimer::ConnectDeadline(key));
        for (_, socket) in session.sockets {
            self.remove_socket(now, socket, reason);
        }
    }

    /// Closes `session` because of this layer (bad input, timeout, shutdown).
    pub(crate) fn close_session(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        reason: DisconnectReason,
    ) {
        self.drop_session(now, key, reason);
        t.close(now, key);
    }

    /// Fires every timer due at `now`.
    pub(crate) fn handle_timeout(&mut self, now: Instant, t: &mut impl Transport) {
        while let Some(timer) = self.timers.pop_expired(now) {
            match timer {
                SioTimer::ConnectDeadline(key) => {
                    let Some(session) = self.sessions.get(&key) else {
                        continue;
                    };
                    if session.sockets.is_empty() {
                        // No socket: no Disconnect event; pending requests die with the session.
                        self.close_session(now, t, key, DisconnectReason::TransportClose);
                    }
                }
                SioTimer::AckDeadline(ack) => self.expire_ack(ack),
                SioTimer::RecoveryExpiry => self.expire_recovery(now),
            }
        }
    }
}
