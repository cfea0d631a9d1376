//! Answering connect requests: accept (a socket is born, CONNECT `{"sid"}` goes out, with
//! `"pid"` when recovery is on) or reject (CONNECT_ERROR `{"message","data"}`).
//!
//! A `PendingConnect` is checked against its session's pending list (namespace and serial),
//! so an answer to a request whose session closed or whose client left fails with
//! `ConnectNotPending` instead of acting on a newer request.

use std::time::Instant;

use socketio_proto::sio::{Packet, PacketBody, Payload, ProtocolVersion};

use super::error::UsageError;
use super::ids::{SocketId, SocketName};
use super::namespace::NsId;
use super::session_key::SessionKey;
use super::socket::{ConnectInfo, Socket};
use super::state::SioState;
use super::timers::SioTimer;
use super::transport::Transport;
use crate::eio::Generation;
use crate::event::PendingConnect;

/// How many fresh names to try before giving up on a collision (2^-120 each; the loop only
/// guards against a badly seeded generator).
const NAME_ATTEMPTS: usize = 8;

/// The CONNECT answer's body, fields in node's order (`{sid, pid}`).
#[derive(serde::Serialize)]
struct ConnectAnswer<'a> {
    sid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<&'a str>,
}

/// CONNECT_ERROR's body, fields in Node's order.
#[derive(serde::Serialize)]
struct ConnectErrorBody<'a> {
    message: &'a str,
    data: serde_json::Value,
}

impl SioState {
    fn take_pending(&mut self, p: &PendingConnect) -> Result<Generation, UsageError> {
        let session = self
            .sessions
            .get_mut(&p.session)
            .ok_or(UsageError::ConnectNotPending)?;
        let pos = session
            .pending
            .iter()
            .position(|&(ns, serial)| ns == p.ns && serial == p.serial)
            .ok_or(UsageError::ConnectNotPending)?;
        session.pending.swap_remove(pos);
        if session.pending.is_empty() {
            // Most sessions connect once: free the list instead of keeping its capacity for
            // the session's lifetime (an allocation and ~48 bytes per idle socket).
            session.pending = Vec::new();
        }
        Ok(session.version)
    }

    /// Accepts a connect request: creates the socket and sends CONNECT with its id. A
    /// request that claimed a kept session restores it (`recover`) when the events it
    /// missed are all still logged; otherwise the socket is fresh.
    pub(crate) fn accept_connect(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        mut p: PendingConnect,
        issued_ms: Option<u64>,
    ) -> Result<SocketId, UsageError> {
        let version = self.take_pending(&p)?;
        let info = ConnectInfo::boxed(p.auth.take(), issued_ms);
        if let Some(claim) = p.recovery.take()
            && let Some(id) = self.restore(now, t, p.session, &p.nsp, *claim, true)
        {
            self.set_connect_info(id, info);
            return Ok(id);
        }
        let name = if version == Generation::Eio4 {
            let mut name = self.rng.next_name();
            for _ in 0..NAME_ATTEMPTS {
                if !self.names.contains_key(&name) {
                    break;
                }
                name = self.rng.next_name();
            }
            name
        } else {
            // Older clients derive their id from the session id (unique per namespace).
            SocketName::derived(&p.nsp, p.session)
        };
        let id = self.create_socket(p.session, p.ns, name.clone(), version)?;
        self.set_connect_info(id, info);
        let pid = self.new_pid(id, version);
        self.send_connect(now, t, p.session, p.nsp, &name, pid.as_ref(), version);
        Ok(id)
    }

    /// Keeps what socket `id`'s CONNECT brought.
    pub(crate) fn set_connect_info(&mut self, id: SocketId, info: Option<Box<ConnectInfo>>) {
        if let Some(s) = self.sockets.get_mut(id) {
            s.connect = info;
        }
    }

    /// What socket `id`'s CONNECT brought, if anything was kept.
    pub(crate) fn connect_info(&self, id: SocketId) -> Option<&ConnectInfo> {
        self.sockets.get(id)?.connect.as_deref()
    }

    /// Creates socket `name` on `ns` of session `key` and adds it to every index; no packet.
    pub(crate) fn create_socket(
        &mut self,
        key: SessionKey,
        ns: NsId,
        name: SocketName,
        version: Generation,
    ) -> Result<SocketId, UsageError> {
        if self.names.contains_key(&name) {
            return Err(UsageError::SocketTableFull);
        }
        let id = self
            .sockets
            .insert(Socket {
                ns,
                session: key,
                name: name.clone(),
                version,
                pending_acks: 0,
                connect: None,
            })
            .ok_or(UsageError::SocketTableFull)?;
        self.names.insert(name, id);
        if let Some(n) = self.namespaces.get_mut(ns) {
            n.sockets.insert(id);
        }
        if let Some(session) = self.sessions.get_mut(&key) {
            session.sockets.push((ns, id));
        }
        self.timers.cancel(SioTimer::ConnectDeadline(key));
        Ok(id)
    }

    /// Sends the CONNECT answer: `{"sid"}` to Socket.IO 5 clients, with `"pid"` when
    /// recovery is on (node's `{sid, pid}`); older clients get a bare CONNECT.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send_connect(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        key: SessionKey,
        nsp: socketio_proto::Str,
        name: &SocketName,
        pid: Option<&SocketName>,
        version: Generation,
    ) {
        let payload = (version == Generation::Eio4).then(|| {
            let answer = ConnectAnswer {
                sid: name.as_str(),
                pid: pid.map(SocketName::as_str),
            };
            Payload::from_serialize(&answer)
                .unwrap_or_else(|_| Payload::from_value(&serde_json::Value::Null))
        });
        let packet = Packet::connect(nsp, payload);
        self.config.parser.send(now, t, key, &packet, version);
    }

    /// Rejects a connect request with CONNECT_ERROR `{"message": message, "data": data}`
    /// (v4 clients get an ERROR packet holding `data` when given, else the message string).
    pub(crate) fn reject_connect(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        p: PendingConnect,
        message: &str,
        data: Option<serde_json::Value>,
    ) -> Result<(), UsageError> {
        let version = self.take_pending(&p)?;
        let packet = match (version, data) {
            (Generation::Eio4, Some(data)) => Packet {
                nsp: p.nsp,
                body: PacketBody::ConnectError(
                    Payload::from_serialize(&ConnectErrorBody { message, data })
                        .unwrap_or_else(|_| Payload::from_value(&serde_json::Value::Null)),
                ),
            },
            // Node's rule for v3 clients: the error's data when it has some, else its message.
            (Generation::Eio3, Some(data)) => Packet {
                nsp: p.nsp,
                body: PacketBody::Error(Payload::from_value(&data)),
            },
            _ => Packet::connect_error(
                p.nsp,
                version.socket_io().unwrap_or(ProtocolVersion::V4),
                message,
            ),
        };
        self.config.parser.send(now, t, p.session, &packet, version);
        Ok(())
    }
}
