use std::sync::{Arc, Mutex};

use super::*;

/// The shared state plus each user's own record, as the sockets' objects hold them.
#[derive(Default)]
struct Sim {
    state: ChatState,
    users: HashMap<String, User>,
}

impl Sim {
    fn new() -> Self {
        Self::default()
    }
    fn set_nick(&mut self, sid: &str, nick: &str) -> Result<String, ChatError> {
        let user = self.users.entry(sid.to_owned()).or_default();
        self.state.set_nick(sid, user, nick)
    }
    fn join(&mut self, sid: &str, room: &str) -> Result<Joined, ChatError> {
        let user = self.users.entry(sid.to_owned()).or_default();
        self.state.join(sid, user, room)
    }
    fn say(&mut self, sid: &str, text: &str, ts: u64) -> Result<ChatMessage, ChatError> {
        let user = self.users.entry(sid.to_owned()).or_default();
        self.state.say(user, text, ts)
    }
    fn remove(&mut self, sid: &str) -> Departed {
        let user = self.users.remove(sid).unwrap_or_default();
        self.state.remove(sid, user)
    }
    fn room(&self, sid: &str) -> Option<&str> {
        self.users.get(sid)?.room.as_deref()
    }
    fn members(&self, room: &str) -> Vec<String> {
        self.state.members(room)
    }
    fn stats(&self) -> Stats {
        self.state.stats()
    }
}

fn with_nicks(pairs: &[(&str, &str)]) -> Sim {
    let mut s = Sim::new();
    for (sid, nick) in pairs {
        s.set_nick(sid, nick).unwrap();
    }
    s
}

#[test]
fn nicknames_are_unique_case_insensitively_and_trimmed() {
    let mut s = Sim::new();
    assert_eq!(s.set_nick("a", "  Ada ").unwrap(), "Ada");
    assert_eq!(s.set_nick("b", "ada"), Err(ChatError::NickTaken));
    assert_eq!(s.set_nick("b", "ADA"), Err(ChatError::NickTaken));
    // The owner may re-register (a reconnecting page does) or rename.
    assert_eq!(s.set_nick("a", "Ada").unwrap(), "Ada");
    assert_eq!(s.set_nick("a", "Lovelace").unwrap(), "Lovelace");
    // The old one is free again.
    assert_eq!(s.set_nick("b", "ada").unwrap(), "ada");
    assert_eq!(s.stats().online, 2);
}

#[test]
fn nickname_limits() {
    let mut s = Sim::new();
    assert_eq!(s.set_nick("a", ""), Err(ChatError::BadNick));
    assert_eq!(s.set_nick("a", "   "), Err(ChatError::BadNick));
    assert_eq!(s.set_nick("a", "a\u{7}b"), Err(ChatError::BadNick));
    let max = "é".repeat(MAX_NICK_CHARS);
    assert_eq!(s.set_nick("a", &max).unwrap(), max);
    let over = "é".repeat(MAX_NICK_CHARS + 1);
    assert_eq!(s.set_nick("b", &over), Err(ChatError::BadNick));
}

#[test]
fn join_needs_a_nick_and_moves_between_rooms() {
    let mut s = Sim::new();
    assert_eq!(s.join("a", "lobby"), Err(ChatError::NoNick));
    s.set_nick("a", "Ada").unwrap();
    s.set_nick("b", "bob").unwrap();
    let j = s.join("a", "lobby").unwrap();
    assert_eq!((j.room.as_str(), j.left.clone()), ("lobby", None));
    assert_eq!(j.members, ["Ada"]);
    let j = s.join("b", "lobby").unwrap();
    assert_eq!(j.members, ["Ada", "bob"]);
    let j = s.join("b", "rust").unwrap();
    assert_eq!(j.left.as_deref(), Some("lobby"));
    assert_eq!(s.members("lobby"), ["Ada"]);
    assert_eq!(s.room("b"), Some("rust"));
    assert!(j.entered);
    // Joining the room one is in changes nothing, and is not news for the room.
    let again = s.join("b", "rust").unwrap();
    assert_eq!((again.left, again.entered), (None, false));
    assert_eq!(s.members("rust"), ["bob"]);
    // A new nickname shows in the member list.
    s.set_nick("b", "Bobby").unwrap();
    assert_eq!(s.members("rust"), ["Bobby"]);
}

#[test]
fn room_name_limits() {
    let mut s = with_nicks(&[("a", "Ada")]);
    assert_eq!(s.join("a", " "), Err(ChatError::BadRoom));
    assert_eq!(s.join("a", "x\ny"), Err(ChatError::BadRoom));
    assert_eq!(
        s.join("a", &"r".repeat(MAX_ROOM_CHARS + 1)),
        Err(ChatError::BadRoom)
    );
    assert!(s.join("a", &"r".repeat(MAX_ROOM_CHARS)).is_ok());
}

#[test]
fn user_rooms_vanish_when_empty_default_rooms_stay() {
    let mut s = with_nicks(&[("a", "Ada"), ("b", "bob")]);
    s.join("a", "knitting").unwrap();
    s.join("b", "knitting").unwrap();
    s.join("a", "lobby").unwrap();
    assert!(s.stats().rooms.iter().any(|r| r.name == "knitting"));
    s.remove("b");
    assert!(!s.stats().rooms.iter().any(|r| r.name == "knitting"));
    s.remove("a");
    let names: Vec<_> = s.stats().rooms.into_iter().map(|r| r.name).collect();
    assert_eq!(names, DEFAULT_ROOMS);
}

#[test]
fn stats_list_default_rooms_first_then_by_name() {
    let mut s = with_nicks(&[("a", "Ada"), ("b", "bob"), ("c", "cy")]);
    s.join("a", "zebra").unwrap();
    s.join("b", "apple").unwrap();
    s.join("c", "rust").unwrap();
    let st = s.stats();
    assert_eq!(st.online, 3);
    let rooms: Vec<_> = st
        .rooms
        .iter()
        .map(|r| (r.name.as_str(), r.users))
        .collect();
    assert_eq!(
        rooms,
        [
            ("lobby", 0),
            ("rust", 1),
            ("random", 0),
            ("apple", 1),
            ("zebra", 1)
        ]
    );
}

#[test]
fn room_count_is_capped() {
    let mut s = Sim::new();
    let extra = MAX_ROOMS - DEFAULT_ROOMS.len();
    for i in 0..extra {
        let sid = format!("s{i}");
        s.set_nick(&sid, &format!("n{i}")).unwrap();
        s.join(&sid, &format!("room{i}")).unwrap();
    }
    s.set_nick("late", "late").unwrap();
    assert_eq!(s.join("late", "one-more"), Err(ChatError::TooManyRooms));
    // Existing rooms can still be joined.
    assert!(s.join("late", "room0").is_ok());
    assert_eq!(s.stats().rooms.len(), MAX_ROOMS);
}

#[test]
fn messages_need_nick_room_and_sane_text() {
    let mut s = Sim::new();
    assert_eq!(s.say("a", "hi", 1), Err(ChatError::NoNick));
    s.set_nick("a", "Ada").unwrap();
    assert_eq!(s.say("a", "hi", 1), Err(ChatError::NoRoom));
    s.join("a", "lobby").unwrap();
    assert_eq!(s.say("a", "  ", 1), Err(ChatError::BadMessage));
    let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
    assert_eq!(s.say("a", &long, 1), Err(ChatError::BadMessage));
    let m = s.say("a", " hello ", 7).unwrap();
    assert_eq!(
        (m.room.as_str(), m.nick.as_str(), m.text.as_str(), m.ts),
        ("lobby", "Ada", "hello", 7)
    );
    let m2 = s.say("a", &"x".repeat(MAX_MESSAGE_CHARS), 8).unwrap();
    assert!(m2.id > m.id);
}

#[test]
fn history_keeps_the_latest_messages() {
    let mut s = with_nicks(&[("a", "Ada"), ("b", "bob")]);
    s.join("a", "lobby").unwrap();
    for i in 0..HISTORY_LEN + 5 {
        s.say("a", &format!("m{i}"), 0).unwrap();
    }
    let j = s.join("b", "lobby").unwrap();
    assert_eq!(j.history.len(), HISTORY_LEN);
    assert_eq!(j.history.first().unwrap().text, "m5");
    assert_eq!(
        j.history.last().unwrap().text,
        format!("m{}", HISTORY_LEN + 4)
    );
}

#[test]
fn remove_frees_everything() {
    let mut s = with_nicks(&[("a", "Ada")]);
    s.join("a", "rust").unwrap();
    let d = s.remove("a");
    assert_eq!(d.nick.as_deref(), Some("Ada"));
    assert_eq!(d.room.as_deref(), Some("rust"));
    assert_eq!(s.members("rust"), Vec::<String>::new());
    assert_eq!(s.stats().online, 0);
    assert!(s.set_nick("b", "ada").is_ok());
    assert!(!s.state.is_empty());
    s.remove("b");
    assert!(s.state.is_empty());
    assert_eq!(
        s.remove("nobody"),
        Departed {
            nick: None,
            room: None
        }
    );
}

#[test]
fn concurrent_registration_gives_each_nickname_once() {
    let state = Arc::new(Mutex::new(Sim::new()));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let state = state.clone();
            std::thread::spawn(move || {
                let mut won = Vec::new();
                for n in 0..50 {
                    let sid = format!("t{t}-{n}");
                    let nick = format!("nick{n}");
                    if state.lock().unwrap().set_nick(&sid, &nick).is_ok() {
                        won.push(nick);
                    }
                }
                won
            })
        })
        .collect();
    let mut all: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(before, 50, "each of the 50 nicknames is won exactly once");
    assert_eq!(all.len(), 50);
    assert_eq!(state.lock().unwrap().stats().online, 50);
}

impl Sim {
    fn hold(&mut self, sid: &str, until_ms: u64) {
        let user = self.users.remove(sid).unwrap_or_default();
        self.state.hold(sid, user, until_ms);
    }
    fn resume(&mut self, sid: &str) -> bool {
        match self.state.resume(sid) {
            Some(user) => {
                self.users.insert(sid.to_owned(), user);
                true
            }
            None => false,
        }
    }
}

#[test]
fn a_held_user_keeps_nick_and_room_and_comes_back_as_before() {
    let mut s = with_nicks(&[("a", "Ada"), ("b", "Bob")]);
    s.join("a", "garden").unwrap();
    s.join("b", "garden").unwrap();
    s.hold("a", 1_000);
    // While away the nickname stays taken and the member list keeps them.
    assert_eq!(s.set_nick("c", "ada"), Err(ChatError::NickTaken));
    assert_eq!(s.members("garden"), ["Ada", "Bob"]);
    assert!(s.state.expire(999).is_empty(), "not yet due");
    assert!(s.resume("a"));
    assert_eq!(s.room("a"), Some("garden"));
    assert_eq!(s.say("a", "back", 1).unwrap().nick, "Ada");
    // Resumed: nothing left to expire, and a second resume finds nothing.
    assert!(s.state.expire(u64::MAX).is_empty());
    assert!(!s.resume("a"));
    assert_eq!(s.state.away_count(), 0);
}

#[test]
fn a_held_user_who_never_comes_back_leaves_when_due() {
    let mut s = with_nicks(&[("a", "Ada"), ("b", "Bob")]);
    s.join("a", "attic").unwrap();
    s.hold("a", 1_000);
    s.hold("b", 5_000);
    let gone = s.state.expire(1_000);
    assert_eq!(
        gone,
        [Departed {
            nick: Some("Ada".into()),
            room: Some("attic".into()),
        }]
    );
    // Ada's nickname is free again and her user-made room is gone with her.
    assert_eq!(s.set_nick("c", "Ada").unwrap(), "Ada");
    assert!(s.stats().rooms.iter().all(|r| r.name != "attic"));
    assert!(!s.resume("a"), "an expired user cannot come back");
    assert_eq!(s.state.away_count(), 1, "Bob is still held");
    assert_eq!(s.state.expire(5_000).len(), 1);
    s.remove("c");
    assert!(s.state.is_empty());
}
