//! [`ClusterState`]: the cluster adapter's part of the engine: this server's uid, the
//! channels of each namespace, the server count and the requests in flight.

use std::collections::HashMap;

use super::ClusterAction;
use super::config::{ClusterConfig, ClusterMode, ShardedSubscription};
use super::requests::Pending;
use super::wire::Wire;
use crate::sio::ids::AckId;
use crate::sio::namespace::{Namespaces, NsId};
use crate::timer::TimerTable;
use socketio_proto::Str;

/// The cluster adapter's state (present only when the cluster is configured).
#[derive(Debug)]
pub(crate) struct ClusterState {
    pub(crate) config: ClusterConfig,
    pub(crate) uid: Str,
    /// How every namespace subscribed so far talks on Redis, in namespace order.
    pub(crate) channels: Vec<(Str, Wire)>,
    /// Servers on the request channel, this one included (at least 1).
    pub(crate) server_count: usize,
    pub(crate) next_request: u64,
    pub(crate) pending: HashMap<u64, Pending>,
    /// Wire request id → local id, to match responses.
    pub(crate) by_wire: HashMap<String, u64>,
    /// Request deadlines (the table type the rest of the engine uses).
    pub(crate) timers: TimerTable<u64, ()>,
    /// Messages dropped: malformed, oversized, unknown, or for nobody here.
    pub(crate) dropped: u64,
    /// Acks our clients owe another server's broadcast with acks: namespace, requesting
    /// server and the request's wire id, by the ack the engine asked for.
    pub(crate) remote_acks: HashMap<AckId, (Str, Str, Str)>,
}

impl ClusterState {
    pub(crate) fn new(config: ClusterConfig) -> Self {
        // node's sharded adapter uses 16 hex characters: its response channel sits among
        // the room channels, so a short id could be a room's name.
        let len = match config.mode {
            ClusterMode::Classic => 6,
            _ => 16,
        };
        let uid = config.uid.clone().unwrap_or_else(|| random_uid(len));
        Self {
            uid: Str::from(uid),
            config,
            channels: Vec::new(),
            server_count: 1,
            next_request: 0,
            pending: HashMap::new(),
            by_wire: HashMap::new(),
            timers: TimerTable::new(),
            dropped: 0,
            remote_acks: HashMap::new(),
        }
    }

    /// How namespace `nsp` talks on Redis, if subscribed.
    pub(crate) fn wire_of(&self, nsp: &str) -> Option<&Wire> {
        self.channels
            .iter()
            .find(|(n, _)| n.as_str() == nsp)
            .map(|(_, c)| c)
    }

    /// The subscriptions to make: for namespaces created since the last call, and (in the
    /// sharded dynamic mode) for rooms that appeared or emptied since.
    pub(crate) fn sync(
        &mut self,
        namespaces: &mut Namespaces,
        out: &mut impl Extend<ClusterAction>,
    ) {
        while let Ok(i) = u32::try_from(self.channels.len()) {
            let Some(ns) = namespaces.get_mut(NsId(i)) else {
                break;
            };
            let wire = Wire::new(self.config.mode, &self.config.prefix, &ns.name, &self.uid);
            out.extend([wire.subscribe()]);
            if wire.follows_rooms() {
                ns.rooms.follow();
            }
            self.channels.push((ns.name.clone(), wire));
        }
        if !matches!(
            self.config.mode,
            ClusterMode::Sharded(ShardedSubscription::Dynamic)
        ) {
            return;
        }
        for (i, (_, wire)) in self.channels.iter().enumerate() {
            if !wire.follows_rooms() {
                continue;
            }
            let Some(ns) = u32::try_from(i)
                .ok()
                .and_then(|i| namespaces.get_mut(NsId(i)))
            else {
                continue;
            };
            for (room, created) in ns.rooms.take_changes() {
                out.extend(wire.room_changed(&room, created));
            }
        }
    }
}

/// `len` characters from the operating system's randomness: alphanumeric as node's
/// `uid2(6)` for 6, lowercase hex as its `randomBytes(8).toString("hex")` for 16.
fn random_uid(len: usize) -> String {
    let mut rng = crate::ids::SidGenerator::new(None);
    let mut uid = String::new();
    let keep = |c: &char| {
        if len == 6 {
            c.is_ascii_alphanumeric()
        } else {
            c.is_ascii_digit() || ('a'..='f').contains(c)
        }
    };
    while uid.len() < len {
        let sid = rng.next_sid().to_string();
        uid.extend(sid.chars().filter(keep).take(len - uid.len()));
    }
    uid
}
