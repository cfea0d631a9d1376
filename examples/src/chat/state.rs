//! The chat's data: what one user is ([`User`], kept by that user's namespace object) and
//! what everyone shares ([`ChatState`]: the nickname registry, the rooms with their members
//! and recent messages). Pure data with no I/O, so every rule is unit-tested here.
//!
//! # Theory of operation
//! Each connected socket's `/chat` object owns its [`User`] (nickname and room), so nothing
//! per-socket sits behind a shared lock, and a socket's requests are handled one at a time,
//! in order, by its object: its own view cannot race with itself. The [`ChatState`] is
//! shared by every socket, so the application keeps it behind one mutex and does each step
//! (check, change, and the engine commands that follow) under that lock: the hub applies
//! commands in the order they were sent, so the engine's rooms change in the same order as
//! this state does, and two users racing for one nickname cannot both get it. Every method
//! that changes a user takes its [`User`] too and updates both sides together.
//!
//! Rooms listed in [`DEFAULT_ROOMS`] always exist; any other room is created by its first
//! member and dropped with its last one, so the room list stays bounded by [`MAX_ROOMS`].

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

/// Longest nickname, in characters.
pub const MAX_NICK_CHARS: usize = 24;
/// Longest room name, in characters.
pub const MAX_ROOM_CHARS: usize = 32;
/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Messages each room remembers for people who join later.
pub const HISTORY_LEN: usize = 50;
/// Rooms that may exist at once (the default rooms included).
pub const MAX_ROOMS: usize = 100;
/// Rooms that always exist, shown first.
pub const DEFAULT_ROOMS: [&str; 3] = ["lobby", "rust", "random"];

/// Why a request was refused; the text is what the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Someone else has this nickname (compared case-insensitively).
    #[error("nickname is taken")]
    NickTaken,
    /// The nickname is empty, too long or has control characters.
    #[error("nickname must be 1 to 24 characters, without control characters")]
    BadNick,
    /// The room name is empty, too long or has control characters.
    #[error("room name must be 1 to 32 characters, without control characters")]
    BadRoom,
    /// The message is empty, too long or not text.
    #[error("message must be 1 to 2000 characters")]
    BadMessage,
    /// The user must pick a nickname first.
    #[error("pick a nickname first")]
    NoNick,
    /// The user must join a room first.
    #[error("join a room first")]
    NoRoom,
    /// [`MAX_ROOMS`] rooms exist already.
    #[error("too many rooms")]
    TooManyRooms,
}

/// One chat message as clients receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    /// Unique within this server run, increasing.
    pub id: u64,
    /// The room it was said in.
    pub room: String,
    /// The author's nickname.
    pub nick: String,
    /// The text.
    pub text: String,
    /// Milliseconds since the Unix epoch, server time.
    pub ts: u64,
}

/// A room in the room list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoomInfo {
    /// Its name.
    pub name: String,
    /// How many users are in it.
    pub users: usize,
}

/// What everyone watching presence sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Users with a nickname.
    pub online: usize,
    /// Every room, default rooms first, then by name.
    pub rooms: Vec<RoomInfo>,
}

/// The outcome of a successful join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Joined {
    /// The room joined.
    pub room: String,
    /// The room the user was in before, if another one.
    #[serde(skip)]
    pub left: Option<String>,
    /// Whether the user came into the room now (false: they were in it already, so nobody
    /// is told they joined).
    #[serde(skip)]
    pub entered: bool,
    /// The nicknames now in the room, sorted, the joiner included.
    pub members: Vec<String>,
    /// Recent messages, oldest first.
    pub history: Vec<ChatMessage>,
}

/// What a departing user leaves behind, for the notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departed {
    /// Their nickname, if they had one.
    pub nick: Option<String>,
    /// Their room, if they were in one.
    pub room: Option<String>,
}

/// One user: what their own socket knows of itself (its namespace object keeps it).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct User {
    /// The nickname, once chosen.
    pub nick: Option<String>,
    /// The room, once joined.
    pub room: Option<String>,
}

#[derive(Debug, Default)]
struct Room {
    /// Socket id → nickname of each member.
    members: BTreeMap<String, String>,
    history: VecDeque<ChatMessage>,
}

/// A user whose connection dropped, kept for connection state recovery: their nickname and
/// room membership stay theirs until `until_ms`.
#[derive(Debug)]
struct Away {
    user: User,
    until_ms: u64,
}

/// What every user shares: nicknames and rooms. Users are named by socket id
/// (`Socket::id`).
#[derive(Debug)]
pub struct ChatState {
    /// Lowercased nickname → socket id.
    nicks: HashMap<String, String>,
    rooms: BTreeMap<String, Room>,
    /// Socket id → a dropped user waiting to come back (see [`ChatState::hold`]).
    away: HashMap<String, Away>,
    next_id: u64,
}

impl Default for ChatState {
    fn default() -> Self {
        Self::new()
    }
}

/// Trims `s` and checks it is 1..=`max` characters without control characters.
fn clean(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    let n = s.chars().count();
    (n >= 1 && n <= max && !s.chars().any(char::is_control)).then(|| s.to_owned())
}

impl ChatState {
    /// An empty chat with the default rooms.
    #[must_use]
    pub fn new() -> Self {
        Self {
            nicks: HashMap::new(),
            rooms: DEFAULT_ROOMS
                .iter()
                .map(|r| ((*r).to_owned(), Room::default()))
                .collect(),
            away: HashMap::new(),
            next_id: 1,
        }
    }

    /// Gives user `sid` the nickname `nick` (releasing its previous one); returns it
    /// trimmed.
    ///
    /// # Errors
    /// [`ChatError::BadNick`], [`ChatError::NickTaken`].
    pub fn set_nick(
        &mut self,
        sid: &str,
        user: &mut User,
        nick: &str,
    ) -> Result<String, ChatError> {
        let nick = clean(nick, MAX_NICK_CHARS).ok_or(ChatError::BadNick)?;
        let key = nick.to_lowercase();
        match self.nicks.get(&key) {
            Some(owner) if owner != sid => return Err(ChatError::NickTaken),
            _ => {}
        }
        if let Some(old) = user.nick.replace(nick.clone()) {
            self.nicks.remove(&old.to_lowercase());
        }
        self.nicks.insert(key, sid.to_owned());
        if let Some(r) = user.room.as_ref().and_then(|r| self.rooms.get_mut(r)) {
            r.members.insert(sid.to_owned(), nick.clone());
        }
        Ok(nick)
    }

    /// Moves user `sid` into `room` (creating it), out of its previous room (dropping that
    /// one if it was a user-made room and is now empty).
    ///
    /// # Errors
    /// [`ChatError::NoNick`], [`ChatError::BadRoom`], [`ChatError::TooManyRooms`].
    pub fn join(&mut self, sid: &str, user: &mut User, room: &str) -> Result<Joined, ChatError> {
        let room = clean(room, MAX_ROOM_CHARS).ok_or(ChatError::BadRoom)?;
        let nick = user.nick.clone().ok_or(ChatError::NoNick)?;
        if !self.rooms.contains_key(&room) && self.rooms.len() >= MAX_ROOMS {
            return Err(ChatError::TooManyRooms);
        }
        let entered = user.room.as_deref() != Some(room.as_str());
        let left = match user.room.replace(room.clone()) {
            Some(p) if p != room => {
                self.leave_room(sid, &p);
                Some(p)
            }
            _ => None,
        };
        let r = self.rooms.entry(room.clone()).or_default();
        r.members.insert(sid.to_owned(), nick);
        let history = r.history.iter().cloned().collect();
        let members = self.members(&room);
        Ok(Joined {
            room,
            left,
            entered,
            members,
            history,
        })
    }

    fn leave_room(&mut self, sid: &str, room: &str) {
        let empty = self.rooms.get_mut(room).is_some_and(|r| {
            r.members.remove(sid);
            r.members.is_empty()
        });
        if empty && !DEFAULT_ROOMS.contains(&room) {
            self.rooms.remove(room);
        }
    }

    /// The sorted nicknames in `room`.
    #[must_use]
    pub fn members(&self, room: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .rooms
            .get(room)
            .map(|r| r.members.values().cloned().collect())
            .unwrap_or_default();
        v.sort_by_key(|n| n.to_lowercase());
        v
    }

    /// Records what `user` says in its room; returns the message to broadcast.
    ///
    /// # Errors
    /// [`ChatError::BadMessage`], [`ChatError::NoNick`], [`ChatError::NoRoom`].
    pub fn say(&mut self, user: &User, text: &str, ts: u64) -> Result<ChatMessage, ChatError> {
        let n = text.trim().chars().count();
        if n == 0 || n > MAX_MESSAGE_CHARS {
            return Err(ChatError::BadMessage);
        }
        let nick = user.nick.clone().ok_or(ChatError::NoNick)?;
        let room = user.room.clone().ok_or(ChatError::NoRoom)?;
        let msg = ChatMessage {
            id: self.next_id,
            room: room.clone(),
            nick,
            text: text.trim().to_owned(),
            ts,
        };
        self.next_id = self.next_id.saturating_add(1);
        if let Some(r) = self.rooms.get_mut(&room) {
            if r.history.len() >= HISTORY_LEN {
                r.history.pop_front();
            }
            r.history.push_back(msg.clone());
        }
        Ok(msg)
    }

    /// Forgets user `sid` (it disconnected): frees its nickname and leaves its room.
    pub fn remove(&mut self, sid: &str, user: User) -> Departed {
        let owned = |n: &String| self.nicks.get(&n.to_lowercase()).is_some_and(|o| o == sid);
        if let Some(n) = user.nick.as_ref().filter(|n| owned(n)) {
            self.nicks.remove(&n.to_lowercase());
        }
        if let Some(r) = &user.room {
            self.leave_room(sid, r);
        }
        Departed {
            nick: user.nick,
            room: user.room,
        }
    }

    /// Keeps user `sid`, whose connection dropped, until `until_ms`: their nickname stays
    /// taken and they stay in their room, so a page that comes back by connection state
    /// recovery (same socket id) finds everything as it was ([`resume`](Self::resume)).
    /// Nobody is told they left unless [`expire`](Self::expire) finds them still away.
    pub fn hold(&mut self, sid: &str, user: User, until_ms: u64) {
        self.away.insert(sid.to_owned(), Away { user, until_ms });
    }

    /// The user kept for `sid`, now back: theirs again, as before the drop.
    pub fn resume(&mut self, sid: &str) -> Option<User> {
        self.away.remove(sid).map(|a| a.user)
    }

    /// Forgets every held user whose time ran out by `now_ms` (the engine has dropped their
    /// sessions by then), as [`remove`](Self::remove) does; returns them for the notices.
    pub fn expire(&mut self, now_ms: u64) -> Vec<Departed> {
        let due: Vec<String> = self
            .away
            .iter()
            .filter(|(_, a)| a.until_ms <= now_ms)
            .map(|(sid, _)| sid.clone())
            .collect();
        due.into_iter()
            .filter_map(|sid| {
                let a = self.away.remove(&sid)?;
                Some(self.remove(&sid, a.user))
            })
            .collect()
    }

    /// How many dropped users are held for recovery.
    #[must_use]
    pub fn away_count(&self) -> usize {
        self.away.len()
    }

    /// Online count and the room list.
    #[must_use]
    pub fn stats(&self) -> Stats {
        let info = |(name, r): (&String, &Room)| RoomInfo {
            name: name.clone(),
            users: r.members.len(),
        };
        let defaults = DEFAULT_ROOMS
            .iter()
            .filter_map(|d| self.rooms.get_key_value(*d).map(info));
        let others = self
            .rooms
            .iter()
            .filter(|(n, _)| !DEFAULT_ROOMS.contains(&n.as_str()))
            .map(info);
        Stats {
            online: self.nicks.len(),
            rooms: defaults.chain(others).collect(),
        }
    }

    /// Whether nothing is left of any user: no nickname taken, nobody in any room (the
    /// concurrency test checks this once everyone left).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nicks.is_empty()
            && self.away.is_empty()
            && self.rooms.values().all(|r| r.members.is_empty())
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
