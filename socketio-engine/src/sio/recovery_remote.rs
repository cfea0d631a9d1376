//! Connection state recovery with the store elsewhere (the streams backend keeps sessions and
//! events in Redis, as node's `@socket.io/redis-streams-adapter` does). The Socket.IO layer
//! only decides; the engine turns the outboxes here into actions and feeds the answers back.
//!
//! # Theory of operation
//! - A recoverable event's offset is the stream entry id of its append: the engine sets
//!   [`RemoteRecovery::offset`] around the local delivery that follows the append's answer.
//! - A socket that ended for a transport reason is not kept here: `(sid, pid, rooms)` goes
//!   to the persist outbox (the engine writes it as the session key).
//! - A CONNECT whose auth has a string `pid` and an `offset` that is a stream entry id is
//!   parked under a token and a restore request goes to the outbox; the answer (the session
//!   and the events after the offset, or nothing) resumes it: restored as a local claim
//!   would be, or connected fresh. The session may have left meanwhile: then nothing.

use std::collections::HashMap;
use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::cluster::streams::StreamOffset;
use socketio_proto::sio::{Packet, Payload};

use super::ids::SocketName;
use super::namespace::NsId;
use super::recovery::{Claim, Kept};
use super::session_key::SessionKey;
use super::state::SioState;
use super::transport::Transport;
use crate::eio::Generation;
use crate::event::{Event, Recovered};

/// A socket to persist: its id, pid and rooms (its own id first, as node spreads them).
#[derive(Debug)]
pub(crate) struct PersistRequest {
    pub(crate) sid: Str,
    pub(crate) pid: Str,
    pub(crate) rooms: Vec<Str>,
}

/// A restore to ask of the backend.
#[derive(Debug)]
pub(crate) struct RestoreRequest {
    pub(crate) token: u64,
    pub(crate) pid: Str,
    pub(crate) offset: StreamOffset,
}

/// A CONNECT waiting for its restore's answer.
#[derive(Debug)]
struct Parked {
    key: SessionKey,
    ns: NsId,
    nsp: Str,
    auth: Option<Payload>,
    query: Option<Str>,
}

/// A session the backend found, with the events its client missed (already selected by
/// namespace and rooms, each with its entry id appended), oldest first.
#[derive(Debug)]
pub(crate) struct RemoteSession {
    pub(crate) sid: SocketName,
    pub(crate) pid: SocketName,
    pub(crate) rooms: Vec<Str>,
    pub(crate) missed: Vec<Packet>,
}

/// The remote store's part of the Socket.IO layer.
#[derive(Debug, Default)]
pub(crate) struct RemoteRecovery {
    /// The offset of the event being delivered now, if it has one.
    pub(crate) offset: Option<Str>,
    pub(crate) persist_out: Vec<PersistRequest>,
    pub(crate) restore_out: Vec<RestoreRequest>,
    parked: HashMap<u64, Parked>,
    next_token: u64,
}

impl RemoteRecovery {
    pub(crate) fn persist(&mut self, sid: SocketName, pid: SocketName, rooms: Vec<Str>) {
        let own = Str::from(sid.as_str());
        let mut all = vec![own.clone()];
        all.extend(rooms.into_iter().filter(|r| *r != own));
        self.persist_out.push(PersistRequest {
            sid: own,
            pid: Str::from(pid.as_str()),
            rooms: all,
        });
    }

    /// How many CONNECTs wait for an answer.
    pub(crate) fn parked_count(&self) -> usize {
        self.parked.len()
    }
}

impl SioState {
    /// Parks a CONNECT that asks to recover when the store is remote (then `None`), or gives
    /// its parts back.
    #[allow(clippy::type_complexity)]
    pub(crate) fn park_for_restore(
        &mut self,
        key: SessionKey,
        ns: NsId,
        version: Generation,
        nsp: Str,
        auth: Option<Payload>,
        query: Option<Str>,
    ) -> Option<(Str, Option<Payload>, Option<Str>)> {
        let wanted = (version == Generation::Eio4)
            .then(|| auth.as_ref()?.to_value().ok())
            .flatten()
            .and_then(|a| {
                let pid = a.get("pid")?.as_str()?.to_owned();
                let offset = StreamOffset::parse(a.get("offset")?.as_str()?)?;
                Some((pid, offset))
            });
        let remote = self.recovery.as_mut().and_then(|r| r.remote.as_mut());
        let (Some(remote), Some((pid, offset))) = (remote, wanted) else {
            return Some((nsp, auth, query));
        };
        let token = remote.next_token;
        remote.next_token = remote.next_token.wrapping_add(1);
        remote.parked.insert(
            token,
            Parked {
                key,
                ns,
                nsp,
                auth,
                query,
            },
        );
        remote.restore_out.push(RestoreRequest {
            token,
            pid: Str::from(pid),
            offset,
        });
        None
    }

    /// The answer to restore `token`: restores the parked CONNECT with `found`, or connects
    /// it fresh. Nothing when the token is unknown (answered already) or its session left.
    pub(crate) fn resume_parked(
        &mut self,
        now: Instant,
        t: &mut impl Transport,
        token: u64,
        found: Option<RemoteSession>,
    ) {
        let Some(p) = self
            .recovery
            .as_mut()
            .and_then(|r| r.remote.as_mut())
            .and_then(|r| r.parked.remove(&token))
        else {
            return;
        };
        if !self.sessions.contains_key(&p.key) {
            return;
        }
        let claim = found.map(|s| {
            let missed = s.missed.into_iter().filter(|m| m.nsp == p.nsp).collect();
            Box::new(Claim {
                kept: Kept::remote(now, p.ns, s.sid, s.pid, s.rooms),
                after: 0,
                missed: Some(missed),
            })
        });
        match claim {
            Some(claim) if self.skips_decision() => {
                match self.restore(now, t, p.key, &p.nsp, *claim, false) {
                    Some(socket) => self.events.push_back(Event::Recovered(Recovered {
                        socket,
                        nsp: p.nsp,
                        session: p.key,
                        auth: p.auth,
                        data: None,
                    })),
                    // Its id is taken here (its old socket has not ended yet): fresh.
                    None => self.queue_connect(p.key, p.ns, p.nsp, p.auth, p.query, None),
                }
            }
            claim => self.queue_connect(p.key, p.ns, p.nsp, p.auth, p.query, claim),
        }
    }
}
