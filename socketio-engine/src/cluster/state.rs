//! [`ClusterState`]: the cluster adapter's part of the engine: this server's uid, the
//! channels of each namespace, the server count and the requests in flight.

use std::collections::HashMap;

use socketio_proto::Str;
use socketio_proto::cluster::Channels;

use super::config::ClusterConfig;
use super::requests::Pending;
use crate::sio::ids::AckId;
use crate::sio::namespace::{Namespaces, NsId};
use crate::timer::TimerTable;

/// The cluster adapter's state (present only when the cluster is configured).
#[derive(Debug)]
pub(crate) struct ClusterState {
    pub(crate) config: ClusterConfig,
    pub(crate) uid: Str,
    /// Channels of every namespace subscribed so far, in namespace order.
    pub(crate) channels: Vec<(Str, Channels)>,
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
    /// Acks our clients owe another server's broadcast with acks: namespace and the
    /// request's wire id, by the ack the engine asked for.
    pub(crate) remote_acks: HashMap<AckId, (Str, Str)>,
}

impl ClusterState {
    pub(crate) fn new(config: ClusterConfig) -> Self {
        let uid = config.uid.clone().unwrap_or_else(random_uid);
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

    /// The channels of namespace `nsp`, if subscribed.
    pub(crate) fn channels_of(&self, nsp: &str) -> Option<&Channels> {
        self.channels
            .iter()
            .find(|(n, _)| n.as_str() == nsp)
            .map(|(_, c)| c)
    }

    /// Namespaces not subscribed yet (created since the last call), with their channels.
    pub(crate) fn new_namespaces(&mut self, namespaces: &Namespaces) -> Vec<Channels> {
        let mut out = Vec::new();
        while let Ok(i) = u32::try_from(self.channels.len()) {
            let Some(ns) = namespaces.get(NsId(i)) else {
                break;
            };
            let c = Channels::new(&self.config.prefix, &ns.name, &self.uid);
            self.channels.push((ns.name.clone(), c.clone()));
            out.push(c);
        }
        out
    }
}

/// Six characters from the operating system's randomness, as node's `uid2(6)`.
fn random_uid() -> String {
    let mut rng = crate::ids::SidGenerator::new(None);
    let mut uid = String::new();
    while uid.len() < 6 {
        let sid = rng.next_sid().to_string();
        uid.extend(
            sid.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(6 - uid.len()),
        );
    }
    uid
}
