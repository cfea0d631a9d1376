//! What this server writes: appends of its broadcasts (delivered locally once their entry
//! ids are known, in broadcast order), session writes and restore requests.

use std::time::Instant;

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::cluster::streams::{StoredSession, StreamBody, StreamMessage, StreamOffset};
use socketio_proto::cluster::{BroadcastFlags, BroadcastOpts, ClusterPacket, Selector, Value};
use socketio_proto::sio::{Args, Packet};

use super::state::{Deferred, Pending, StreamsTimer};
use super::{AppendToken, RestoreToken, StreamsAction};
use crate::action::Action;
use crate::engine::Engine;
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::error::UsageError;
use crate::sio::ids::SocketId;

impl Engine {
    /// Appends a broadcast instead of delivering it now (`None` when the streams backend is
    /// off or the target is local: then the caller delivers as usual).
    pub(crate) fn streams_broadcast(
        &mut self,
        now: Instant,
        target: &BroadcastTarget,
        event: &str,
        args: &Args,
        binary: &[Bytes],
    ) -> Option<Result<usize, UsageError>> {
        if self.streams.is_none() || target.local {
            return None;
        }
        if self.sio.namespaces.find(&target.nsp).is_none() {
            return Some(Err(UsageError::UnknownNamespace));
        }
        let mut except = target.except_rooms.clone();
        except.extend(
            target
                .except_sockets
                .iter()
                .filter_map(|s| self.sio.socket_name(*s))
                .map(|n| Str::from(n.as_str())),
        );
        let opts = BroadcastOpts {
            rooms: target.rooms.clone(),
            except,
            flags: BroadcastFlags {
                volatile: target.volatile,
                ..BroadcastFlags::default()
            },
        };
        let mut local = target.clone();
        local.local = true;
        Some(
            self.streams_append(
                now,
                &target.nsp,
                opts,
                Deferred::Broadcast(local),
                event,
                args,
                binary,
            )
            .map(|()| 0),
        )
    }

    /// Appends a `sockets_join`, `sockets_leave` or `disconnect_sockets` already applied here
    /// (`make` builds the message from the selection), for the other servers; a no-op when
    /// the streams backend is off or the target local. Nothing waits for its entry id.
    pub(crate) fn streams_sockets(
        &mut self,
        target: &BroadcastTarget,
        make: impl FnOnce(Selector) -> StreamBody,
    ) {
        if self.streams.is_none() || target.local {
            return;
        }
        let mut except = target.except_rooms.clone();
        except.extend(
            target
                .except_sockets
                .iter()
                .filter_map(|s| self.sio.socket_name(*s))
                .map(|n| Str::from(n.as_str())),
        );
        let selector = Selector {
            rooms: target.rooms.clone(),
            except,
        };
        let Some(st) = self.streams.as_mut() else {
            return;
        };
        let message = StreamMessage {
            uid: st.uid.clone(),
            nsp: target.nsp.clone(),
            body: make(selector),
        };
        // A token no broadcast holds: its answer is ignored.
        let token = AppendToken(st.token());
        let action = StreamsAction::Append {
            token,
            stream: st.config.stream.clone(),
            max_len: st.config.max_len,
            fields: message.encode_entry(),
        };
        self.out.push_back(Action::Streams(Box::new(action)));
    }

    /// Appends a direct emit (`None` unless the streams backend and recovery are both on:
    /// node sends a direct emit through the adapter only then).
    pub(crate) fn streams_emit(
        &mut self,
        now: Instant,
        socket: SocketId,
        event: &str,
        args: &Args,
        binary: &[Bytes],
    ) -> Option<Result<(), UsageError>> {
        self.streams.as_ref()?;
        self.sio.recovery.as_ref()?;
        let Some(s) = self.sio.sockets.get(socket) else {
            return Some(Err(UsageError::UnknownSocket));
        };
        let name = Str::from(s.name.as_str());
        let Some(nsp) = self.sio.namespaces.get(s.ns).map(|n| n.name.clone()) else {
            return Some(Err(UsageError::UnknownNamespace));
        };
        let opts = BroadcastOpts {
            rooms: vec![name],
            ..BroadcastOpts::default()
        };
        Some(self.streams_append(now, &nsp, opts, Deferred::Emit(socket), event, args, binary))
    }

    #[allow(clippy::too_many_arguments)]
    fn streams_append(
        &mut self,
        now: Instant,
        nsp: &Str,
        opts: BroadcastOpts,
        to: Deferred,
        event: &str,
        args: &Args,
        binary: &[Bytes],
    ) -> Result<(), UsageError> {
        // Refused names and missing attachments fail here, before anything is queued.
        Packet::event(nsp.clone(), event, args, binary.to_vec(), None)?;
        let packet = ClusterPacket::event(nsp.clone(), event, args, binary)
            .map_err(|e| UsageError::Serialize(e.to_string()))?;
        let Some(st) = self.streams.as_mut() else {
            return Ok(());
        };
        if st.pending.len() >= st.config.max_pending_appends {
            return Err(UsageError::TooManyPendingAppends);
        }
        let token = st.token();
        let message = StreamMessage {
            uid: st.uid.clone(),
            nsp: nsp.clone(),
            body: StreamBody::Broadcast { packet, opts },
        };
        st.pending.push_back(Pending {
            token,
            to,
            event: event.to_owned(),
            args: args.clone(),
            binary: binary.to_vec(),
            answer: None,
        });
        st.timers.set(
            token,
            StreamsTimer::Append,
            crate::timer::after(now, st.config.append_timeout),
        );
        let action = StreamsAction::Append {
            token: AppendToken(token),
            stream: st.config.stream.clone(),
            max_len: st.config.max_len,
            fields: message.encode_entry(),
        };
        self.out.push_back(Action::Streams(Box::new(action)));
        Ok(())
    }

    /// The answer to an `Append`: the entry id, or `None` when it failed. The broadcast is
    /// delivered here when every earlier one has been (an unknown or repeated token does
    /// nothing).
    pub fn handle_stream_appended(
        &mut self,
        now: Instant,
        token: AppendToken,
        id: Option<StreamOffset>,
    ) {
        let now = self.clamp(now);
        self.expire(now);
        self.streams_answer(token.0, id.map(StreamOffset::to_str));
        self.streams_deliver_ready(now);
        self.pump(now);
    }

    fn streams_answer(&mut self, token: u64, id: Option<Str>) {
        let Some(st) = self.streams.as_mut() else {
            return;
        };
        st.timers.cancel(token, StreamsTimer::Append);
        if let Some(p) = st
            .pending
            .iter_mut()
            .find(|p| p.token == token && p.answer.is_none())
        {
            p.answer = Some(id);
        }
    }

    /// Delivers, in order, every appended broadcast whose answer came.
    fn streams_deliver_ready(&mut self, now: Instant) {
        loop {
            let Some(st) = self.streams.as_mut() else {
                return;
            };
            if st.pending.front().is_none_or(|p| p.answer.is_none()) {
                return;
            }
            let Some(p) = st.pending.pop_front() else {
                return;
            };
            let id = p.answer.flatten();
            let recoverable = match &p.to {
                Deferred::Broadcast(t) => !t.volatile,
                Deferred::Emit(_) => true,
            };
            self.with_offset(recoverable.then_some(id).flatten(), |e| {
                // The socket or namespace may have gone meanwhile: then nobody gets it.
                let _ = match &p.to {
                    Deferred::Broadcast(t) => e
                        .sio
                        .broadcast(now, &mut e.eio, t, &p.event, &p.args, p.binary.clone())
                        .map(|_| ()),
                    Deferred::Emit(s) => {
                        e.sio
                            .emit(now, &mut e.eio, *s, &p.event, &p.args, p.binary.clone())
                    }
                };
            });
        }
    }

    /// Runs a local delivery whose recoverable events carry `offset`.
    pub(crate) fn with_offset(&mut self, offset: Option<Str>, f: impl FnOnce(&mut Self)) {
        let remote = self.sio.recovery.as_mut().and_then(|r| r.remote.as_mut());
        if let Some(r) = remote {
            r.offset = offset;
        }
        f(self);
        if let Some(r) = self.sio.recovery.as_mut().and_then(|r| r.remote.as_mut()) {
            r.offset = None;
        }
    }

    /// Turns the Socket.IO layer's session writes and restore requests into actions.
    pub(crate) fn streams_flush(&mut self, now: Instant) {
        let Some(st) = self.streams.as_mut() else {
            return;
        };
        let Some(r) = self.sio.recovery.as_mut() else {
            return;
        };
        let ttl = r.config.max_disconnection_duration;
        let Some(remote) = r.remote.as_mut() else {
            return;
        };
        for p in std::mem::take(&mut remote.persist_out) {
            let key = format!("{}{}", st.config.session_key_prefix, p.pid);
            let value = StoredSession {
                sid: p.sid,
                pid: p.pid,
                rooms: p.rooms,
                data: Value::Map(Vec::new()),
            }
            .encode();
            self.out
                .push_back(Action::Streams(Box::new(StreamsAction::PersistSession {
                    key,
                    value,
                    ttl,
                })));
        }
        let mut refused = Vec::new();
        for q in std::mem::take(&mut remote.restore_out) {
            if remote.parked_count() > st.config.max_pending_restores {
                refused.push(q.token);
                continue;
            }
            st.timers.set(
                q.token,
                StreamsTimer::Restore,
                crate::timer::after(now, st.config.restore_timeout),
            );
            self.out
                .push_back(Action::Streams(Box::new(StreamsAction::RestoreSession {
                    token: RestoreToken(q.token),
                    key: format!("{}{}", st.config.session_key_prefix, q.pid),
                    stream: st.config.stream.clone(),
                    offset: q.offset,
                    max_entries: st.config.max_restore_entries,
                    max_bytes: st.config.max_restore_bytes,
                })));
        }
        for token in refused {
            self.sio.resume_parked(now, &mut self.eio, token, None);
        }
    }

    /// The streams backend's timers due at `now`: an append unanswered is delivered without
    /// an offset, a restore unanswered connects fresh.
    pub(crate) fn streams_expire(&mut self, now: Instant) {
        while let Some((token, kind, _)) = self
            .streams
            .as_mut()
            .and_then(|st| st.timers.pop_expired(now))
        {
            match kind {
                StreamsTimer::Append => {
                    self.streams_answer(token, None);
                    self.streams_deliver_ready(now);
                }
                StreamsTimer::Restore => self.sio.resume_parked(now, &mut self.eio, token, None),
            }
        }
    }

    /// Entries and messages of the streams backend dropped: malformed, oversized, or for
    /// nobody here.
    #[must_use]
    pub fn streams_dropped(&self) -> u64 {
        self.streams.as_ref().map_or(0, |s| s.dropped)
    }

    /// The stream's key, when the streams backend is on (what the driver reads).
    #[must_use]
    pub fn streams_stream(&self) -> Option<&str> {
        self.streams.as_ref().map(|s| s.config.stream.as_str())
    }

    /// This server's id in the stream, when the streams backend is on.
    #[must_use]
    pub fn streams_uid(&self) -> Option<&str> {
        self.streams.as_ref().map(|s| s.uid.as_str())
    }
}
