//! The rooms of one namespace: a two-way index, room → sockets and socket → rooms.
//!
//! Theory of operation:
//! - A room exists while it has members: the first `join` creates it, the last `leave`
//!   deletes it (as Node's in-memory adapter does), so memory follows membership.
//! - Rooms are numbered (`u32` slots reused through a free list); a socket's side of the
//!   index is a short list of those numbers, allocated only for sockets that joined a room,
//!   so an idle socket costs nothing here.
//! - The room named by a socket's own id is not stored here: the namespace resolves it from
//!   the socket's name (see `broadcast.rs`), which saves one room per socket.
//! - Both sides change together in every method, so they never disagree.
//! - Only when asked (`follow`, by the sharded cluster adapter's dynamic mode), rooms that
//!   appear and empty are also written down in order, for the engine to turn into
//!   (un)subscriptions; otherwise nothing is recorded.

use std::collections::{HashMap, HashSet};

use socketio_proto::Str;

use super::ids::SocketId;
use super::name_key::NameKey;

/// One room: its name and members.
#[derive(Debug)]
pub(crate) struct Room {
    pub(crate) name: Str,
    pub(crate) members: HashSet<SocketId>,
}

/// The two-way room index of one namespace.
#[derive(Debug, Default)]
pub(crate) struct Rooms {
    by_name: HashMap<NameKey, u32>,
    rooms: Vec<Option<Room>>,
    free: Vec<u32>,
    of_socket: HashMap<SocketId, Vec<u32>>,
    /// Rooms that appeared (`true`) or emptied (`false`) since the last `take_changes`,
    /// kept only while following.
    changes: Option<Vec<(Str, bool)>>,
}

impl Rooms {
    /// Adds `socket` to `room`; false if it was already a member (or no room slot is left).
    pub(crate) fn join(&mut self, socket: SocketId, room: &Str) -> bool {
        let idx = match self.by_name.get(room.as_str()) {
            Some(&idx) => idx,
            None => {
                let Some(idx) = self.create(room.clone()) else {
                    return false;
                };
                idx
            }
        };
        let Some(Some(r)) = self.rooms.get_mut(idx as usize) else {
            return false;
        };
        if !r.members.insert(socket) {
            return false;
        }
        self.of_socket.entry(socket).or_default().push(idx);
        true
    }

    fn create(&mut self, name: Str) -> Option<u32> {
        let room = Room {
            name: name.clone(),
            members: HashSet::new(),
        };
        let idx = if let Some(idx) = self.free.pop() {
            *self.rooms.get_mut(idx as usize)? = Some(room);
            idx
        } else {
            let idx = u32::try_from(self.rooms.len()).ok()?;
            self.rooms.push(Some(room));
            idx
        };
        if let Some(changes) = &mut self.changes {
            changes.push((name.clone(), true));
        }
        self.by_name.insert(NameKey(name), idx);
        Some(idx)
    }

    /// Removes `socket` from `room`; false if it was not a member.
    pub(crate) fn leave(&mut self, socket: SocketId, room: &str) -> bool {
        let Some(&idx) = self.by_name.get(room) else {
            return false;
        };
        let Some(list) = self.of_socket.get_mut(&socket) else {
            return false;
        };
        let Some(pos) = list.iter().position(|&r| r == idx) else {
            return false;
        };
        list.swap_remove(pos);
        if list.is_empty() {
            self.of_socket.remove(&socket);
        }
        self.remove_member(idx, socket);
        true
    }

    /// Removes `socket` from every room; returns how many it left.
    pub(crate) fn leave_all(&mut self, socket: SocketId) -> usize {
        let Some(list) = self.of_socket.remove(&socket) else {
            return 0;
        };
        for &idx in &list {
            self.remove_member(idx, socket);
        }
        list.len()
    }

    fn remove_member(&mut self, idx: u32, socket: SocketId) {
        let Some(slot) = self.rooms.get_mut(idx as usize) else {
            return;
        };
        let now_empty = match slot {
            Some(room) => {
                room.members.remove(&socket);
                room.members.is_empty()
            }
            None => false,
        };
        if now_empty && let Some(room) = slot.take() {
            self.by_name.remove(room.name.as_str());
            self.free.push(idx);
            if let Some(changes) = &mut self.changes {
                changes.push((room.name, false));
            }
        }
    }

    /// Starts writing down rooms that appear and empty; the rooms that exist now count as
    /// just appeared.
    pub(crate) fn follow(&mut self) {
        if self.changes.is_none() {
            let now = self.rooms.iter().flatten().map(|r| (r.name.clone(), true));
            self.changes = Some(now.collect());
        }
    }

    /// The rooms that appeared (`true`) or emptied (`false`) since the last call, in order
    /// (nothing unless following).
    pub(crate) fn take_changes(&mut self) -> Vec<(Str, bool)> {
        match &mut self.changes {
            Some(c) if !c.is_empty() => std::mem::take(c),
            _ => Vec::new(),
        }
    }

    /// The room called `name`, if it has members.
    pub(crate) fn get(&self, name: &str) -> Option<&Room> {
        let idx = *self.by_name.get(name)?;
        self.rooms.get(idx as usize)?.as_ref()
    }

    /// The names of the rooms `socket` explicitly joined (not including its own-id room).
    pub(crate) fn rooms_of(&self, socket: SocketId) -> impl Iterator<Item = &Str> + '_ {
        self.of_socket
            .get(&socket)
            .into_iter()
            .flatten()
            .filter_map(|&idx| Some(&self.rooms.get(idx as usize)?.as_ref()?.name))
    }

    /// Whether `socket` is a member of `room`.
    #[cfg(test)]
    pub(crate) fn contains(&self, room: &str, socket: SocketId) -> bool {
        self.get(room).is_some_and(|r| r.members.contains(&socket))
    }

    /// Every room (with members).
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Room> + '_ {
        self.rooms.iter().flatten()
    }

    /// Number of rooms with members.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_name.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sock(i: u32) -> SocketId {
        SocketId {
            index: i,
            generation: 0,
        }
    }

    fn names(r: &Rooms, s: SocketId) -> Vec<String> {
        let mut v: Vec<String> = r.rooms_of(s).map(|n| n.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn join_leave_two_way() {
        let mut r = Rooms::default();
        assert!(r.join(sock(1), &Str::from("a")));
        assert!(!r.join(sock(1), &Str::from("a")), "second join is a no-op");
        assert!(r.join(sock(1), &Str::from("b")));
        assert!(r.join(sock(2), &Str::from("a")));
        assert_eq!(names(&r, sock(1)), ["a", "b"]);
        assert_eq!(r.get("a").unwrap().members.len(), 2);
        assert!(r.contains("b", sock(1)));
        assert!(!r.contains("b", sock(2)));

        assert!(r.leave(sock(1), "a"));
        assert!(!r.leave(sock(1), "a"));
        assert!(!r.leave(sock(1), "nope"));
        assert_eq!(names(&r, sock(1)), ["b"]);
        assert_eq!(r.get("a").unwrap().members.len(), 1);
    }

    #[test]
    fn empty_rooms_are_deleted_and_slots_reused() {
        let mut r = Rooms::default();
        r.join(sock(1), &Str::from("a"));
        r.join(sock(1), &Str::from("b"));
        assert_eq!(r.len(), 2);
        assert_eq!(r.leave_all(sock(1)), 2);
        assert_eq!(r.len(), 0);
        assert!(r.get("a").is_none());
        assert!(r.of_socket.is_empty(), "no per-socket entry left behind");
        r.join(sock(2), &Str::from("c"));
        assert_eq!(r.rooms.len(), 2, "slot reused");
        assert_eq!(r.iter().count(), 1);
    }

    #[test]
    fn leave_all_only_touches_that_socket() {
        let mut r = Rooms::default();
        for i in 0..10 {
            r.join(sock(i), &Str::from("all"));
        }
        r.join(sock(3), &Str::from("solo"));
        assert_eq!(r.leave_all(sock(3)), 2);
        assert_eq!(r.get("all").unwrap().members.len(), 9);
        assert!(r.get("solo").is_none());
        assert_eq!(r.leave_all(sock(3)), 0);
    }
}
