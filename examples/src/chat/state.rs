//! The chat's shared state: who is connected, their nicknames, the rooms and their recent
//! messages. Pure data with no I/O, so every rule is unit-tested here.
//!
//! # Theory of operation
//! Handlers run as concurrent tasks (on several threads under tokio), so the application
//! keeps one [`ChatState`] behind a mutex and does each step (check, change, and sending
//! the engine commands that follow from the change) under that one lock. The hub applies
//! commands in the order they were sent, so the engine's rooms change in the same order
//! as this state does, and two users racing for one nickname cannot both get it.
//!
//! A user exists from their first request until [`ChatState::remove`]; nickname and room
//! are optional until set. Rooms listed in [`DEFAULT_ROOMS`] always exist; any other room
//! is created by its first member and dropped with its last one, so the room list stays
//! bounded by [`MAX_ROOMS`].

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

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

#[derive(Debug, Default)]
struct User {
    nick: Option<String>,
    room: Option<String>,
}

#[derive(Debug, Default)]
struct Room {
    /// Socket ids of the members.
    members: BTreeSet<String>,
    history: VecDeque<ChatMessage>,
}

/// Users, nicknames and rooms. Keys are socket ids (`Socket::id`).
#[derive(Debug)]
pub struct ChatState {
    users: HashMap<String, User>,
    /// Lowercased nickname → socket id.
    nicks: HashMap<String, String>,
    rooms: BTreeMap<String, Room>,
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
            users: HashMap::new(),
            nicks: HashMap::new(),
            rooms: DEFAULT_ROOMS
                .iter()
                .map(|r| ((*r).to_owned(), Room::default()))
                .collect(),
            next_id: 1,
        }
    }

    /// Gives `sid` the nickname `nick` (releasing its previous one); returns it trimmed.
    ///
    /// # Errors
    /// [`ChatError::BadNick`], [`ChatError::NickTaken`].
    pub fn set_nick(&mut self, sid: &str, nick: &str) -> Result<String, ChatError> {
        let nick = clean(nick, MAX_NICK_CHARS).ok_or(ChatError::BadNick)?;
        let key = nick.to_lowercase();
        match self.nicks.get(&key) {
            Some(owner) if owner != sid => return Err(ChatError::NickTaken),
            _ => {}
        }
        let user = self.users.entry(sid.to_owned()).or_default();
        if let Some(old) = user.nick.replace(nick.clone()) {
            self.nicks.remove(&old.to_lowercase());
        }
        self.nicks.insert(key, sid.to_owned());
        Ok(nick)
    }

    /// The nickname of `sid`.
    #[must_use]
    pub fn nick(&self, sid: &str) -> Option<&str> {
        self.users.get(sid)?.nick.as_deref()
    }

    /// The room of `sid`.
    #[must_use]
    pub fn room(&self, sid: &str) -> Option<&str> {
        self.users.get(sid)?.room.as_deref()
    }

    /// Moves `sid` into `room` (creating it), out of its previous room (dropping that one
    /// if it was a user-made room and is now empty).
    ///
    /// # Errors
    /// [`ChatError::NoNick`], [`ChatError::BadRoom`], [`ChatError::TooManyRooms`].
    pub fn join(&mut self, sid: &str, room: &str) -> Result<Joined, ChatError> {
        let room = clean(room, MAX_ROOM_CHARS).ok_or(ChatError::BadRoom)?;
        let has_nick = self.users.get(sid).is_some_and(|u| u.nick.is_some());
        if !has_nick {
            return Err(ChatError::NoNick);
        }
        if !self.rooms.contains_key(&room) && self.rooms.len() >= MAX_ROOMS {
            return Err(ChatError::TooManyRooms);
        }
        let previous = self
            .users
            .get_mut(sid)
            .and_then(|u| u.room.replace(room.clone()));
        let left = match previous {
            Some(p) if p != room => {
                self.leave_room(sid, &p);
                Some(p)
            }
            _ => None,
        };
        let r = self.rooms.entry(room.clone()).or_default();
        r.members.insert(sid.to_owned());
        let history = r.history.iter().cloned().collect();
        let members = self.members(&room);
        Ok(Joined {
            room,
            left,
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
            .map(|r| {
                r.members
                    .iter()
                    .filter_map(|s| self.nick(s).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by_key(|n| n.to_lowercase());
        v
    }

    /// Records what `sid` says in its room; returns the message to broadcast.
    ///
    /// # Errors
    /// [`ChatError::BadMessage`], [`ChatError::NoNick`], [`ChatError::NoRoom`].
    pub fn say(&mut self, sid: &str, text: &str, ts: u64) -> Result<ChatMessage, ChatError> {
        let n = text.trim().chars().count();
        if n == 0 || n > MAX_MESSAGE_CHARS {
            return Err(ChatError::BadMessage);
        }
        let user = self.users.get(sid).ok_or(ChatError::NoNick)?;
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

    /// Forgets `sid` (it disconnected): frees its nickname and leaves its room.
    pub fn remove(&mut self, sid: &str) -> Departed {
        let Some(user) = self.users.remove(sid) else {
            return Departed {
                nick: None,
                room: None,
            };
        };
        if let Some(n) = &user.nick {
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
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
