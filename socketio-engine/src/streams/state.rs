//! [`StreamsState`]: the streams backend's part of the engine: this server's uid, the
//! broadcasts waiting for their entry ids (in broadcast order), and the timers.

use std::collections::VecDeque;

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::sio::Args;

use super::config::StreamsConfig;
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::ids::SocketId;
use crate::timer::TimerTable;

/// What waits for an entry id.
#[derive(Debug)]
pub(crate) enum Deferred {
    /// A broadcast, to deliver here (its target made local).
    Broadcast(BroadcastTarget),
    /// A direct emit (recovery on).
    Emit(SocketId),
}

/// One broadcast appended and not yet delivered.
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) token: u64,
    pub(crate) to: Deferred,
    pub(crate) event: String,
    pub(crate) args: Args,
    pub(crate) binary: Vec<Bytes>,
    /// `None` while unanswered; then the entry id, if the append succeeded.
    pub(crate) answer: Option<Option<Str>>,
}

/// Timer kinds of the streams backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum StreamsTimer {
    Append,
    Restore,
}

/// The streams backend's state (present only when configured).
#[derive(Debug)]
pub(crate) struct StreamsState {
    pub(crate) config: StreamsConfig,
    pub(crate) uid: Str,
    pub(crate) pending: VecDeque<Pending>,
    pub(crate) next_token: u64,
    pub(crate) timers: TimerTable<u64, StreamsTimer>,
    pub(crate) dropped: u64,
}

impl StreamsState {
    pub(crate) fn new(config: StreamsConfig) -> Self {
        let uid = config.uid.clone().unwrap_or_else(random_uid);
        Self {
            uid: Str::from(uid),
            config,
            pending: VecDeque::new(),
            next_token: 0,
            timers: TimerTable::new(),
            dropped: 0,
        }
    }

    pub(crate) fn token(&mut self) -> u64 {
        let t = self.next_token;
        self.next_token = self.next_token.wrapping_add(1);
        t
    }
}

/// 16 hex characters from the operating system's randomness, as node's `randomId()`.
fn random_uid() -> String {
    let mut rng = crate::ids::SidGenerator::new(None);
    let sid = rng.next_sid().to_string();
    sid.bytes().take(8).map(|b| format!("{b:02x}")).collect()
}
