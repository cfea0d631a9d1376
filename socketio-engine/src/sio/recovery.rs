//! The store of connection state recovery: disconnected sessions kept for a while, and the
//! events sent meanwhile, in order, for replay. Pure data: no sending, no clock (every
//! method that ages the store is given `now`).
//!
//! # Theory of operation (node's `SessionAwareAdapter`, `socket.io-adapter/in-memory-adapter`)
//! - Every recoverable event (an EVENT without ack id, not volatile) gets the next sequence
//!   number, engine-wide; its offset is that number in decimal, appended to the event as its
//!   last argument. The event is logged with its namespace, its rooms and its except rooms
//!   (a direct emit's rooms are the socket's own id, as node sends it through the adapter).
//! - A socket that ended for a transport reason is kept under its `pid`: its namespace, id,
//!   rooms (its own id included) and the application's data.
//! - Restoring takes the session out of the store (so it recovers once) when the client's
//!   offset is still logged, and replays every later event of its namespace whose rooms
//!   meet the session's rooms and whose except rooms do not (node's `shouldIncludePacket`).
//! - Bounds: both lists are in time order, so the oldest entry is at the front; it goes when
//!   it is older than `max_disconnection_duration` (one timer, at the earliest front's
//!   expiry), or when a count or byte limit is reached. Since the log only loses its front, a
//!   client whose offset is still logged has missed nothing that was dropped.
//!
//! # Where we differ from node, on purpose
//! - The offset is a decimal sequence number, not a `yeast` id (base64 of the time): this
//!   layer has no wall clock, and the client treats the offset as an opaque string.
//! - A restored session leaves the store (node's in-memory adapter leaves it there until it
//!   expires, so a client could recover from the same session twice, e.g. after a
//!   `disconnect()`; node's redis streams adapter deletes it, as we do).
//! - Sessions and events expire exactly at the duration, on the timer table, rather than
//!   by a sweep every 60 s; and the store is bounded by count and bytes as well as by time.

use std::any::Any;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use socketio_proto::Str;
use socketio_proto::sio::{Packet, PacketBody};

use super::ids::{SocketId, SocketName};
use super::namespace::NsId;
use super::recovery_config::RecoveryConfig;

/// The application's data of a kept socket (an adapter's per-socket data), opaque here.
pub type AppData = Box<dyn Any + Send>;

/// A disconnected socket, kept for recovery.
pub(crate) struct Kept {
    pub(crate) ns: NsId,
    pub(crate) name: SocketName,
    pub(crate) pid: SocketName,
    /// The rooms it had joined (its own id is `name`).
    pub(crate) rooms: Vec<Str>,
    pub(crate) data: Option<AppData>,
    /// The socket's last handle, by which the application hands over its data.
    pub(crate) old: SocketId,
    since: Instant,
    serial: u64,
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept")
            .field("name", &self.name)
            .field("rooms", &self.rooms)
            .field("data", &self.data.is_some())
            .finish_non_exhaustive()
    }
}

impl Kept {
    /// A session read from another store (the streams backend's Redis key): it had no
    /// handle here, so `old` is a handle no slot ever has (generations stop short of it).
    pub(crate) fn remote(
        now: Instant,
        ns: NsId,
        name: SocketName,
        pid: SocketName,
        rooms: Vec<Str>,
    ) -> Self {
        Self {
            ns,
            name,
            pid,
            rooms,
            data: None,
            old: SocketId {
                index: u32::MAX,
                generation: u32::MAX,
            },
            since: now,
            serial: u64::MAX,
        }
    }

    /// Whether an event sent to `rooms` except `except` reached this session.
    fn wants(&self, rooms: &[Str], except: &[Str]) -> bool {
        let mine = |r: &Str| r.as_str() == self.name.as_str() || self.rooms.contains(r);
        (rooms.is_empty() || rooms.iter().any(mine)) && !except.iter().any(mine)
    }
}

/// A kept session claimed by a CONNECT, with the offset it asked to resume after.
#[derive(Debug)]
pub(crate) struct Claim {
    pub(crate) kept: Kept,
    pub(crate) after: u64,
    /// The events missed, when they came with the session from elsewhere (the streams
    /// backend reads them from the Redis stream); `None`: replay from this store's log.
    pub(crate) missed: Option<Vec<Packet>>,
}

/// One logged event.
struct Logged {
    seq: u64,
    ns: NsId,
    rooms: Vec<Str>,
    except: Vec<Str>,
    packet: Packet,
    at: Instant,
    bytes: usize,
}

/// The store; see the module docs.
pub(crate) struct Recovery {
    pub(crate) config: RecoveryConfig,
    sessions: HashMap<SocketName, Kept>,
    /// Kept sessions in the order they were kept (serial → pid), oldest first.
    order: BTreeMap<u64, SocketName>,
    /// The last handle of each kept socket → its pid.
    by_socket: HashMap<SocketId, SocketName>,
    next_serial: u64,
    log: VecDeque<Logged>,
    bytes: usize,
    next_seq: u64,
    /// The pid of every live socket of a Socket.IO 5 session.
    pub(crate) pids: HashMap<SocketId, SocketName>,
    /// Data of sockets just restored through `accept_connect`, until the application takes
    /// it (`Engine::take_recovered`) or the socket leaves.
    pub(crate) restored: HashMap<SocketId, Option<AppData>>,
    /// The deadline the timer table holds for this store, to re-arm only on change.
    pub(crate) armed: Option<Instant>,
    /// Sessions and events live elsewhere (the streams backend): set by the engine.
    pub(crate) remote: Option<Box<super::recovery_remote::RemoteRecovery>>,
}

/// The offset text of sequence number `seq`.
pub(crate) fn offset_text(seq: u64) -> String {
    seq.to_string()
}

/// The sequence number of an offset this store wrote (the canonical decimal form only).
fn parse_offset(offset: &str) -> Option<u64> {
    let seq: u64 = offset.parse().ok()?;
    (offset_text(seq) == offset).then_some(seq)
}

/// Bytes an event holds in the log: its JSON text, attachments and room names.
fn packet_bytes(packet: &Packet, rooms: &[Str], except: &[Str]) -> usize {
    let json = match &packet.body {
        PacketBody::Event { data, .. } => data.as_str().len(),
        _ => 0,
    };
    let attachments: usize = packet.attachments().iter().map(bytes::Bytes::len).sum();
    let names: usize = rooms.iter().chain(except).map(|r| r.as_str().len()).sum();
    json.saturating_add(attachments)
        .saturating_add(names)
        .saturating_add(packet.nsp.len())
}

impl Recovery {
    pub(crate) fn new(config: RecoveryConfig) -> Self {
        Self {
            config,
            sessions: HashMap::new(),
            order: BTreeMap::new(),
            by_socket: HashMap::new(),
            next_serial: 0,
            log: VecDeque::new(),
            bytes: 0,
            next_seq: 0,
            pids: HashMap::new(),
            restored: HashMap::new(),
            armed: None,
            remote: None,
        }
    }

    /// The offset the next logged event gets.
    pub(crate) fn next_offset(&self) -> String {
        offset_text(self.next_seq)
    }

    /// Logs `packet` (its offset already appended: [`next_offset`](Self::next_offset)),
    /// then drops the oldest events beyond the count and byte limits.
    pub(crate) fn log(
        &mut self,
        now: Instant,
        ns: NsId,
        rooms: Vec<Str>,
        except: Vec<Str>,
        packet: Packet,
    ) {
        let bytes = packet_bytes(&packet, &rooms, &except);
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        self.bytes = self.bytes.saturating_add(bytes);
        self.log.push_back(Logged {
            seq,
            ns,
            rooms,
            except,
            packet,
            at: now,
            bytes,
        });
        while self.log.len() > self.config.max_packets || self.bytes > self.config.max_bytes {
            self.pop_packet();
        }
    }

    fn pop_packet(&mut self) {
        if let Some(old) = self.log.pop_front() {
            self.bytes = self.bytes.saturating_sub(old.bytes);
        }
    }

    /// Keeps a disconnected socket, dropping the oldest kept one beyond `max_sessions`.
    pub(crate) fn keep(
        &mut self,
        now: Instant,
        ns: NsId,
        old: SocketId,
        name: SocketName,
        pid: SocketName,
        rooms: Vec<Str>,
    ) {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.saturating_add(1);
        self.order.insert(serial, pid.clone());
        self.by_socket.insert(old, pid.clone());
        let kept = Kept {
            ns,
            name,
            pid: pid.clone(),
            rooms,
            data: None,
            old,
            since: now,
            serial,
        };
        if let Some(replaced) = self.sessions.insert(pid, kept) {
            // A pid is random and kept once; if one ever repeats, the newer session wins.
            self.order.remove(&replaced.serial);
            self.by_socket.remove(&replaced.old);
        }
        while self.sessions.len() > self.config.max_sessions {
            let Some((_, pid)) = self.order.pop_first() else {
                break;
            };
            self.remove_session(&pid);
        }
    }

    fn remove_session(&mut self, pid: &SocketName) -> Option<Kept> {
        let kept = self.sessions.remove(pid)?;
        self.order.remove(&kept.serial);
        self.by_socket.remove(&kept.old);
        Some(kept)
    }

    /// Attaches the application's data to the session kept for the socket `old`; gives the
    /// data back when no session is kept for it.
    pub(crate) fn keep_data(&mut self, old: SocketId, data: AppData) -> Result<(), AppData> {
        let Some(kept) = self
            .by_socket
            .get(&old)
            .and_then(|pid| self.sessions.get_mut(pid))
        else {
            return Err(data);
        };
        kept.data = Some(data);
        Ok(())
    }

    /// Takes the session `pid` of namespace `ns` out of the store if it is unexpired at
    /// `now` and `offset` is still logged (node's `restoreSession`); `None` otherwise, and
    /// then the store is unchanged but for expiry.
    pub(crate) fn claim(
        &mut self,
        now: Instant,
        ns: NsId,
        pid: &str,
        offset: &str,
    ) -> Option<Claim> {
        self.expire(now);
        let pid = SocketName::parse(pid)?;
        let after = parse_offset(offset)?;
        if self.sessions.get(&pid)?.ns != ns || !self.is_logged(after) {
            return None;
        }
        let kept = self.remove_session(&pid)?;
        Some(Claim {
            kept,
            after,
            missed: None,
        })
    }

    /// Whether the event `seq` is still in the log (then every later one is too).
    pub(crate) fn is_logged(&self, seq: u64) -> bool {
        self.log.binary_search_by_key(&seq, |l| l.seq).is_ok()
    }

    /// The events of `kept`'s namespace after `after` that reached its rooms, oldest first.
    pub(crate) fn missed(&self, kept: &Kept, after: u64) -> Vec<Packet> {
        let start = match self.log.binary_search_by_key(&after, |l| l.seq) {
            Ok(i) => i.saturating_add(1),
            Err(i) => i,
        };
        self.log
            .range(start..)
            .filter(|l| l.ns == kept.ns && kept.wants(&l.rooms, &l.except))
            .map(|l| l.packet.clone())
            .collect()
    }

    /// Drops every session and event older than the duration at `now` (node keeps a
    /// session while `disconnectedAt + duration >= now`).
    pub(crate) fn expire(&mut self, now: Instant) {
        let max = self.config.max_disconnection_duration;
        let expired = |at: Instant| crate::timer::after(at, max) < now;
        while let Some((_, pid)) = self.order.first_key_value() {
            let pid = pid.clone();
            match self.sessions.get(&pid) {
                Some(k) if !expired(k.since) => break,
                _ => {
                    self.order.pop_first();
                    self.remove_session(&pid);
                }
            }
        }
        while self.log.front().is_some_and(|l| expired(l.at)) {
            self.pop_packet();
        }
    }

    /// When the oldest session or event expires: just past its duration.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let oldest_session = self
            .order
            .first_key_value()
            .and_then(|(_, pid)| self.sessions.get(pid))
            .map(|k| k.since);
        let oldest_packet = self.log.front().map(|l| l.at);
        let oldest = match (oldest_session, oldest_packet) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        let max = self
            .config
            .max_disconnection_duration
            .saturating_add(Duration::from_nanos(1));
        Some(crate::timer::after(oldest, max))
    }

    /// How many sessions are kept.
    pub(crate) fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// How many events are logged, and their bytes.
    pub(crate) fn log_size(&self) -> (usize, usize) {
        (self.log.len(), self.bytes)
    }
}
