//! What the stream brings: other servers' entries (broadcasts delivered with their entry
//! ids as offsets; joins, leaves and disconnects applied) and the answers of restores.
//! Anything malformed or not for us is dropped and counted; nothing here can fail a local
//! client.

use std::time::Instant;

use socketio_proto::Str;
use socketio_proto::cluster::streams::{StoredSession, StreamBody, StreamMessage};
use socketio_proto::cluster::{ClusterPacket, Selector, Value};

use super::state::StreamsTimer;
use super::{RestoreAnswer, RestoreToken, StreamEntry};
use crate::engine::Engine;
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::ids::SocketName;
use crate::sio::recovery_remote::RemoteSession;

impl Engine {
    /// Entries the driver read from the stream (`XREAD`), oldest first.
    pub fn handle_stream_entries(&mut self, now: Instant, entries: Vec<StreamEntry>) {
        let now = self.clamp(now);
        self.expire(now);
        for entry in entries {
            if !self.streams_receive(now, &entry)
                && let Some(st) = &mut self.streams
            {
                st.dropped = st.dropped.saturating_add(1);
            }
        }
        self.pump(now);
    }

    /// Handles one entry; false when it was dropped.
    fn streams_receive(&mut self, now: Instant, entry: &StreamEntry) -> bool {
        let Some(st) = &self.streams else {
            return false;
        };
        let Ok(m) = StreamMessage::decode_entry(&entry.fields, &st.config.limits) else {
            return false;
        };
        // Our own entries were delivered here when their appends were answered.
        if m.uid == st.uid || self.sio.namespaces.find(&m.nsp).is_none() {
            return false;
        }
        match m.body {
            StreamBody::Broadcast { packet, opts } => {
                let Some((name, args, binary)) = event_parts(&packet) else {
                    return false;
                };
                let mut target = BroadcastTarget::namespace(m.nsp.clone());
                target.rooms = opts.rooms;
                target.except_rooms = opts.except;
                target.volatile = opts.flags.volatile;
                let offset = (!opts.flags.volatile).then(|| entry.id.to_str());
                let mut ok = false;
                self.with_offset(offset, |e| {
                    ok = e
                        .sio
                        .broadcast(now, &mut e.eio, &target, &name, &args, binary)
                        .is_ok();
                });
                ok
            }
            StreamBody::SocketsJoin { opts, rooms } => {
                let t = target_of(&m.nsp, &opts);
                for room in &rooms {
                    let _ = self.sio.sockets_join(&t, room);
                }
                true
            }
            StreamBody::SocketsLeave { opts, rooms } => {
                let t = target_of(&m.nsp, &opts);
                for room in &rooms {
                    let _ = self.sio.sockets_leave(&t, room);
                }
                true
            }
            StreamBody::DisconnectSockets { opts, close } => {
                let t = target_of(&m.nsp, &opts);
                for id in self.sio.select(&t).unwrap_or_default() {
                    let _ = if close {
                        self.sio.disconnect_session(now, &mut self.eio, id)
                    } else {
                        self.sio.disconnect(now, &mut self.eio, id)
                    };
                }
                true
            }
            _ => false,
        }
    }

    /// The answer to a `RestoreSession`: the parked CONNECT is restored when the session
    /// decodes, belongs to the namespace and every entry is readable; it connects fresh
    /// otherwise. An unknown or late token does nothing.
    pub fn handle_session_restored(
        &mut self,
        now: Instant,
        token: RestoreToken,
        answer: RestoreAnswer,
    ) {
        let now = self.clamp(now);
        self.expire(now);
        let Some(st) = self.streams.as_mut() else {
            return;
        };
        if !st.timers.cancel(token.0, StreamsTimer::Restore) {
            // Timed out already (and connected fresh), or never asked.
            return;
        }
        let found = match answer {
            RestoreAnswer::Found { session, entries } => self.remote_session(&session, &entries),
            _ => None,
        };
        self.sio.resume_parked(now, &mut self.eio, token.0, found);
        self.pump(now);
    }

    /// The session and its missed events, or `None` when anything does not decode (a
    /// session we cannot replay completely is not recovered).
    fn remote_session(&self, session: &[u8], entries: &[StreamEntry]) -> Option<RemoteSession> {
        let st = self.streams.as_ref()?;
        let limits = st.config.limits;
        let bytes = entries
            .iter()
            .fold(0usize, |n, e| n.saturating_add(entry_bytes(e)));
        if entries.len() > st.config.max_restore_entries || bytes > st.config.max_restore_bytes {
            return None;
        }
        let s = StoredSession::decode(session, &limits).ok()?;
        let sid = SocketName::parse(&s.sid)?;
        let pid = SocketName::parse(&s.pid)?;
        let mut missed = Vec::new();
        for entry in entries {
            let m = StreamMessage::decode_entry(&entry.fields, &limits).ok()?;
            let StreamBody::Broadcast { mut packet, opts } = m.body else {
                continue;
            };
            if opts.flags.volatile || !s.wants(&opts) {
                continue;
            }
            packet.data.push(Value::Str(entry.id.to_str()));
            // Every namespace's; `resume_parked` keeps the CONNECT's.
            missed.push(packet.to_packet().ok()?);
        }
        Some(RemoteSession {
            sid,
            pid,
            rooms: s.rooms,
            missed,
        })
    }
}

/// The event name, arguments and binaries of a broadcast packet, as the local broadcast
/// takes them.
fn event_parts(
    packet: &ClusterPacket,
) -> Option<(String, socketio_proto::sio::Args, Vec<bytes::Bytes>)> {
    let name = match packet.data.first()? {
        Value::Str(s) => s.to_string(),
        n @ (Value::UInt(_) | Value::Int(_) | Value::F64(_) | Value::F32(_)) => {
            let mut s = String::new();
            n.write_plain_json(&mut s).ok()?;
            s
        }
        _ => return None,
    };
    let (args, binary) = packet.args_json().ok()?;
    Some((name, args, binary))
}

/// The bytes of an entry's field names and values (what `max_restore_bytes` counts).
#[must_use]
pub fn entry_bytes(e: &StreamEntry) -> usize {
    e.fields.iter().fold(0usize, |n, (k, v)| {
        n.saturating_add(k.len()).saturating_add(v.len())
    })
}

fn target_of(nsp: &Str, s: &Selector) -> BroadcastTarget {
    let mut t = BroadcastTarget::namespace(nsp.clone());
    t.rooms.clone_from(&s.rooms);
    t.except_rooms.clone_from(&s.except);
    t
}
