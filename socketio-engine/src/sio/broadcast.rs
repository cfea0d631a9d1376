//! Broadcast planning: who receives a packet sent to a namespace, some rooms, minus some
//! rooms and sockets.
//!
//! Theory of operation (Node's in-memory adapter `apply`): with no rooms, every socket of
//! the namespace is a candidate; with rooms, the union of their members (each socket once);
//! then sockets in any except room and the except sockets are dropped. A room named by a
//! socket's own id resolves to that socket (see `rooms.rs`). Volatile delivery is decided
//! later, per recipient, from the transport's writability.
//!
//! Planning does not encode or send: the caller encodes the packet once per protocol version
//! and clones the frame for each recipient.

use std::collections::HashSet;

use socketio_proto::Str;

use super::ids::SocketId;
use super::namespace::Namespace;

/// Which sockets a broadcast reaches. Built with chained calls:
/// `BroadcastTarget::namespace("/chat").to("room1").except("room2").volatile()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BroadcastTarget {
    pub(crate) nsp: Str,
    pub(crate) rooms: Vec<Str>,
    pub(crate) except_rooms: Vec<Str>,
    pub(crate) except_sockets: Vec<SocketId>,
    pub(crate) volatile: bool,
    /// This server only, not the other servers of a cluster.
    pub(crate) local: bool,
}

impl BroadcastTarget {
    /// Every socket of namespace `nsp`.
    #[must_use]
    pub fn namespace(nsp: impl Into<Str>) -> Self {
        Self {
            nsp: nsp.into(),
            rooms: Vec::new(),
            except_rooms: Vec::new(),
            except_sockets: Vec::new(),
            volatile: false,
            local: false,
        }
    }

    /// Restricts to members of `room` (calls add up: the union of the rooms). A socket's own
    /// id names a room holding just that socket.
    #[must_use]
    pub fn to(mut self, room: impl Into<Str>) -> Self {
        self.rooms.push(room.into());
        self
    }

    /// Leaves out members of `room`.
    #[must_use]
    pub fn except(mut self, room: impl Into<Str>) -> Self {
        self.except_rooms.push(room.into());
        self
    }

    /// Leaves out `socket` (e.g. the sender, as Node's `socket.broadcast`).
    #[must_use]
    pub fn except_socket(mut self, socket: SocketId) -> Self {
        self.except_sockets.push(socket);
        self
    }

    /// Drops the packet for recipients whose transport is not writable right now instead of
    /// queueing it (Node's `volatile`).
    #[must_use]
    pub fn volatile(mut self) -> Self {
        self.volatile = true;
        self
    }

    /// Reaches this server's sockets only, not those of the other servers of a cluster
    /// (node's `local`).
    #[must_use]
    pub fn local(mut self) -> Self {
        self.local = true;
        self
    }

    /// Whether it stays on this server ([`local`](Self::local)).
    #[must_use]
    pub const fn is_local(&self) -> bool {
        self.local
    }

    /// The namespace name.
    #[must_use]
    pub fn nsp(&self) -> &Str {
        &self.nsp
    }

    /// Whether delivery is volatile.
    #[must_use]
    pub fn is_volatile(&self) -> bool {
        self.volatile
    }
}

/// The recipients of `target` in `ns`. `own_room(name)` resolves a room name that is the id
/// of a socket of this namespace.
pub(crate) fn recipients(
    ns: &Namespace,
    target: &BroadcastTarget,
    own_room: impl Fn(&str) -> Option<SocketId>,
) -> Vec<SocketId> {
    // Except sets: explicit rooms by reference (no copying of members), single sockets
    // (own-id rooms and except_sockets) in one small set.
    let mut except_ids: HashSet<SocketId> = target.except_sockets.iter().copied().collect();
    let mut except_rooms = Vec::new();
    for name in &target.except_rooms {
        if let Some(room) = ns.rooms.get(name) {
            except_rooms.push(&room.members);
        }
        if let Some(id) = own_room(name) {
            except_ids.insert(id);
        }
    }
    let excluded = |id: &SocketId| {
        (!except_ids.is_empty() && except_ids.contains(id))
            || except_rooms.iter().any(|m| m.contains(id))
    };

    if target.rooms.is_empty() {
        return ns
            .sockets
            .iter()
            .filter(|id| !excluded(id))
            .copied()
            .collect();
    }

    let mut sources: Vec<&HashSet<SocketId>> = Vec::new();
    let mut singles: Vec<SocketId> = Vec::new();
    for name in &target.rooms {
        if let Some(room) = ns.rooms.get(name) {
            sources.push(&room.members);
        }
        if let Some(id) = own_room(name) {
            singles.push(id);
        }
    }
    let total = sources.iter().map(|s| s.len()).sum::<usize>() + singles.len();
    let mut out = Vec::with_capacity(total);
    if sources.len() == 1 && singles.is_empty() {
        // The common case (one room): members are distinct, no dedup set needed.
        for room in sources {
            out.extend(room.iter().filter(|id| !excluded(id)).copied());
        }
        return out;
    }
    let mut seen = HashSet::with_capacity(total);
    for id in sources.into_iter().flatten().chain(singles.iter()) {
        if !excluded(id) && seen.insert(*id) {
            out.push(*id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sio::rooms::Rooms;

    fn sock(i: u32) -> SocketId {
        SocketId {
            index: i,
            generation: 0,
        }
    }

    fn ns() -> Namespace {
        let mut ns = Namespace {
            name: Str::from("/"),
            sockets: (0..6).map(sock).collect(),
            rooms: Rooms::default(),
        };
        for i in 0..4 {
            ns.rooms.join(sock(i), &Str::from("a"));
        }
        for i in 2..6 {
            ns.rooms.join(sock(i), &Str::from("b"));
        }
        ns.rooms.join(sock(1), &Str::from("x"));
        ns
    }

    fn own(name: &str) -> Option<SocketId> {
        name.strip_prefix("id")
            .and_then(|n| n.parse().ok())
            .map(sock)
    }

    fn plan(t: &BroadcastTarget) -> Vec<u32> {
        let mut v: Vec<u32> = recipients(&ns(), t, own).iter().map(|s| s.index).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn whole_namespace() {
        assert_eq!(plan(&BroadcastTarget::namespace("/")), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn rooms_union_without_duplicates() {
        assert_eq!(plan(&BroadcastTarget::namespace("/").to("a")), [0, 1, 2, 3]);
        assert_eq!(
            plan(&BroadcastTarget::namespace("/").to("a").to("b")),
            [0, 1, 2, 3, 4, 5]
        );
        assert!(plan(&BroadcastTarget::namespace("/").to("nope")).is_empty());
    }

    #[test]
    fn except_rooms_and_sockets() {
        let t = BroadcastTarget::namespace("/").to("a").except("b");
        assert_eq!(plan(&t), [0, 1]);
        let t = BroadcastTarget::namespace("/")
            .except("x")
            .except_socket(sock(5));
        assert_eq!(plan(&t), [0, 2, 3, 4]);
    }

    #[test]
    fn own_id_rooms() {
        assert_eq!(plan(&BroadcastTarget::namespace("/").to("id4")), [4]);
        assert_eq!(
            plan(&BroadcastTarget::namespace("/").to("id4").to("a")),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(
            plan(&BroadcastTarget::namespace("/").to("a").except("id0")),
            [1, 2, 3]
        );
    }

    #[test]
    fn builder_flags() {
        let t = BroadcastTarget::namespace("/n").volatile();
        assert!(t.is_volatile());
        assert_eq!(t.nsp(), "/n");
    }
}
