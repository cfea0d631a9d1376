//! Acknowledgements the server asked for: one table for single acks (`emit_with_ack`) and
//! broadcast acks (one id shared by every recipient).
//!
//! Theory of operation:
//! - Ids come from one engine-wide counter and are written on the wire as is. A reply is
//!   matched by id and accepted only from a socket the ack was sent to, so a client cannot
//!   answer (or cancel) another client's ack.
//! - Each entry is removed exactly once: by its reply (single), by the last reply (group), or
//!   by its deadline. The caller keeps the deadline in its timer table and calls `expire`.
//! - A socket that disconnects does not cancel its entries: they end by their deadline, as a
//!   reply that never comes would. Memory stays bounded by the per-socket and broadcast caps.
//! - Per-socket counts (for `max_pending_acks`) are kept by the caller on the socket; the
//!   outcomes here name the socket so the caller can decrement.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::ids::{AckId, SocketId};

/// A broadcast ack still gathering replies.
#[derive(Debug)]
pub(crate) struct Group<R> {
    waiting: HashSet<SocketId>,
    replies: Vec<(SocketId, R)>,
    pub(crate) deadline: Instant,
}

#[derive(Debug)]
enum Pending<R> {
    Single { socket: SocketId, deadline: Instant },
    Group(Box<Group<R>>),
}

/// What a reply did.
#[derive(Debug, PartialEq)]
pub(crate) enum ReplyOutcome<R> {
    /// No such ack, or not from a socket it was sent to, or already answered: ignored.
    Ignored,
    /// A single ack was answered; its timer must be cancelled at `deadline`.
    Single {
        ack: AckId,
        deadline: Instant,
        reply: R,
    },
    /// A group got one more reply and still waits for others.
    GroupProgress,
    /// A group got its last reply; its timer must be cancelled at `deadline`.
    GroupDone {
        ack: AckId,
        deadline: Instant,
        replies: Vec<(SocketId, R)>,
    },
}

/// What a deadline did.
#[derive(Debug, PartialEq)]
pub(crate) enum Expired<R> {
    /// A single ack timed out.
    Single { ack: AckId, socket: SocketId },
    /// A group timed out: the replies received and the sockets that did not reply.
    Group {
        ack: AckId,
        replies: Vec<(SocketId, R)>,
        timed_out: Vec<SocketId>,
    },
}

/// The table of pending acks.
#[derive(Debug)]
pub(crate) struct Acks<R> {
    pending: HashMap<AckId, Pending<R>>,
    next_id: u64,
    groups: usize,
}

impl<R> Default for Acks<R> {
    fn default() -> Self {
        Self {
            pending: HashMap::new(),
            next_id: 0,
            groups: 0,
        }
    }
}

impl<R> Acks<R> {
    fn take_id(&mut self) -> AckId {
        let id = AckId(self.next_id);
        // 2^64 acks will not happen; wrapping keeps this total without a panic path.
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    /// Registers an ack owed by `socket`.
    pub(crate) fn insert_single(&mut self, socket: SocketId, deadline: Instant) -> AckId {
        let id = self.take_id();
        self.pending
            .insert(id, Pending::Single { socket, deadline });
        id
    }

    /// Registers an ack owed by every socket of `waiting`.
    pub(crate) fn insert_group(&mut self, waiting: HashSet<SocketId>, deadline: Instant) -> AckId {
        let id = self.take_id();
        self.pending.insert(
            id,
            Pending::Group(Box::new(Group {
                waiting,
                replies: Vec::new(),
                deadline,
            })),
        );
        self.groups = self.groups.saturating_add(1);
        id
    }

    /// Number of broadcast acks gathering replies.
    pub(crate) fn group_count(&self) -> usize {
        self.groups
    }

    /// Number of entries (single and group).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }

    /// A reply with wire id `id` arrived from `socket`.
    pub(crate) fn reply(&mut self, socket: SocketId, id: u64, reply: R) -> ReplyOutcome<R> {
        let ack = AckId(id);
        match self.pending.get_mut(&ack) {
            None => ReplyOutcome::Ignored,
            Some(Pending::Single { socket: owner, .. }) if *owner != socket => {
                ReplyOutcome::Ignored
            }
            Some(Pending::Single { deadline, .. }) => {
                let deadline = *deadline;
                self.pending.remove(&ack);
                ReplyOutcome::Single {
                    ack,
                    deadline,
                    reply,
                }
            }
            Some(Pending::Group(group)) => {
                if !group.waiting.remove(&socket) {
                    return ReplyOutcome::Ignored;
                }
                group.replies.push((socket, reply));
                if !group.waiting.is_empty() {
                    return ReplyOutcome::GroupProgress;
                }
                let deadline = group.deadline;
                let Some(Pending::Group(group)) = self.pending.remove(&ack) else {
                    return ReplyOutcome::Ignored;
                };
                self.groups = self.groups.saturating_sub(1);
                ReplyOutcome::GroupDone {
                    ack,
                    deadline,
                    replies: group.replies,
                }
            }
        }
    }

    /// The deadline of `ack` passed; `None` if it was already settled.
    pub(crate) fn expire(&mut self, ack: AckId) -> Option<Expired<R>> {
        match self.pending.remove(&ack)? {
            Pending::Single { socket, .. } => Some(Expired::Single { ack, socket }),
            Pending::Group(group) => {
                self.groups = self.groups.saturating_sub(1);
                let mut timed_out: Vec<SocketId> = group.waiting.into_iter().collect();
                timed_out.sort_unstable();
                Some(Expired::Group {
                    ack,
                    replies: group.replies,
                    timed_out,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sock(i: u32) -> SocketId {
        SocketId {
            index: i,
            generation: 0,
        }
    }

    #[test]
    fn single_ack_answered_once_and_only_by_its_socket() {
        let t = crate::sio::test_epoch();
        let mut a: Acks<&str> = Acks::default();
        let id = a.insert_single(sock(1), t);
        assert_eq!(a.reply(sock(2), id.get(), "x"), ReplyOutcome::Ignored);
        assert_eq!(
            a.reply(sock(1), id.get(), "ok"),
            ReplyOutcome::Single {
                ack: id,
                deadline: t,
                reply: "ok"
            }
        );
        assert_eq!(a.reply(sock(1), id.get(), "again"), ReplyOutcome::Ignored);
        assert_eq!(a.expire(id), None, "settled acks do not time out");
        assert_eq!(a.len(), 0);
    }

    #[test]
    fn single_ack_expires() {
        let t = crate::sio::test_epoch();
        let mut a: Acks<()> = Acks::default();
        let id = a.insert_single(sock(1), t);
        let id2 = a.insert_single(sock(1), t);
        assert_ne!(id, id2);
        assert_eq!(
            a.expire(id),
            Some(Expired::Single {
                ack: id,
                socket: sock(1)
            })
        );
        assert_eq!(a.reply(sock(1), id.get(), ()), ReplyOutcome::Ignored);
    }

    #[test]
    fn group_completes_when_all_replied() {
        let t = crate::sio::test_epoch() + Duration::from_secs(1);
        let mut a: Acks<u8> = Acks::default();
        let id = a.insert_group([sock(1), sock(2)].into_iter().collect(), t);
        assert_eq!(a.group_count(), 1);
        assert_eq!(a.reply(sock(3), id.get(), 0), ReplyOutcome::Ignored);
        assert_eq!(a.reply(sock(1), id.get(), 1), ReplyOutcome::GroupProgress);
        assert_eq!(a.reply(sock(1), id.get(), 9), ReplyOutcome::Ignored, "once");
        assert_eq!(
            a.reply(sock(2), id.get(), 2),
            ReplyOutcome::GroupDone {
                ack: id,
                deadline: t,
                replies: vec![(sock(1), 1), (sock(2), 2)]
            }
        );
        assert_eq!(a.group_count(), 0);
        assert_eq!(a.expire(id), None);
    }

    #[test]
    fn group_timeout_lists_missing_sockets() {
        let t = crate::sio::test_epoch();
        let mut a: Acks<u8> = Acks::default();
        let id = a.insert_group([sock(1), sock(2), sock(3)].into_iter().collect(), t);
        a.reply(sock(2), id.get(), 7);
        assert_eq!(
            a.expire(id),
            Some(Expired::Group {
                ack: id,
                replies: vec![(sock(2), 7)],
                timed_out: vec![sock(1), sock(3)]
            })
        );
        assert_eq!(a.group_count(), 0);
    }
}
