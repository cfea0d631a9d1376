//! Settling server-requested acks: a reply arrived, or a deadline passed. Turns the ack
//! table's outcomes into events, cancels timers and keeps each socket's pending count.

use bytes::Bytes;
use socketio_proto::sio::Args;

use super::acks::{Expired, ReplyOutcome};
use super::ids::{AckId, SocketId};
use super::state::{Reply, SioState};
use super::timers::SioTimer;
use crate::event::{AckResponse, Event};

impl SioState {
    /// `socket` sent ACK `id`.
    pub(crate) fn handle_ack_reply(
        &mut self,
        socket: SocketId,
        id: u64,
        data: Args,
        binary: Vec<Bytes>,
    ) {
        match self.acks.reply(socket, id, (data, binary)) {
            ReplyOutcome::Ignored | ReplyOutcome::GroupProgress => {}
            ReplyOutcome::Single {
                ack,
                reply: (args, binary),
            } => {
                self.timers.cancel(SioTimer::AckDeadline(ack));
                self.release_ack(socket);
                self.events.push_back(Event::AckReply {
                    ack,
                    socket,
                    args,
                    binary,
                });
            }
            ReplyOutcome::GroupDone { ack, replies } => {
                self.timers.cancel(SioTimer::AckDeadline(ack));
                self.events.push_back(Event::BroadcastAck {
                    ack,
                    replies: responses(replies),
                    timed_out: Vec::new(),
                });
            }
        }
    }

    /// The deadline of `ack` passed.
    pub(crate) fn expire_ack(&mut self, ack: AckId) {
        match self.acks.expire(ack) {
            None => {}
            Some(Expired::Single { ack, socket }) => {
                self.release_ack(socket);
                self.events.push_back(Event::AckTimeout { ack, socket });
            }
            Some(Expired::Group {
                ack,
                replies,
                timed_out,
            }) => self.events.push_back(Event::BroadcastAck {
                ack,
                replies: responses(replies),
                timed_out,
            }),
        }
    }

    fn release_ack(&mut self, socket: SocketId) {
        if let Some(s) = self.sockets.get_mut(socket) {
            s.pending_acks = s.pending_acks.saturating_sub(1);
        }
    }
}

fn responses(replies: Vec<(SocketId, Reply)>) -> Vec<AckResponse> {
    replies
        .into_iter()
        .map(|(socket, (args, binary))| AckResponse {
            socket,
            args,
            binary,
        })
        .collect()
}
