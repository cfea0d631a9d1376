//! Another server's broadcast with acks (node's `io.timeout(ms).emitWithAck`, request type
//! 7) reaching this server's clients: the client count goes back at once, then each ack as
//! it arrives, as node's servers answer.
//!
//! Each selected socket gets the event with an ack of its own (rather than one local
//! broadcast-with-ack group, which reports only when all answered): so each answer can go
//! back the moment it comes, before the requester's timeout, and one slow client does not
//! hold back the others' answers.

use std::time::{Duration, Instant};

use socketio_proto::Str;
use socketio_proto::cluster::{BroadcastOpts, ClusterPacket, ResponseBody, Value};

use crate::action::Action;
use crate::engine::Engine;
use crate::event::Event;
use crate::sio::broadcast::BroadcastTarget;

impl Engine {
    /// Delivers another server's broadcast with acks; answers with the client count.
    pub(crate) fn cluster_remote_broadcast_with_ack(
        &mut self,
        now: Instant,
        nsp: &Str,
        requester: &Str,
        request_id: Str,
        packet: &ClusterPacket,
        opts: BroadcastOpts,
    ) -> bool {
        let Some(c) = &self.cluster else {
            return false;
        };
        // The requester stops listening at its timeout; ours ends the acks then too.
        let timeout = opts
            .flags
            .timeout
            .map_or(c.config.requests_timeout, Duration::from_millis);
        let name = match packet.data.first() {
            Some(Value::Str(s)) => s.to_string(),
            _ => return false,
        };
        let Ok((args, binary)) = packet.args_json() else {
            return false;
        };
        let mut target = BroadcastTarget::namespace(nsp.clone());
        target.rooms = opts.rooms;
        target.except_rooms = opts.except;
        let list = self.sio.select(&target).unwrap_or_default();
        let mut count = 0u64;
        for socket in list {
            // A reserved name or a socket at `max_pending_acks` is not asked.
            if let Ok(ack) = self.sio.emit_with_ack(
                now,
                &mut self.eio,
                socket,
                &name,
                &args,
                binary.clone(),
                timeout,
            ) {
                count = count.saturating_add(1);
                if let Some(c) = &mut self.cluster {
                    c.remote_acks
                        .insert(ack, (nsp.clone(), requester.clone(), request_id.clone()));
                }
            }
        }
        self.cluster_respond(nsp, requester, request_id, ResponseBody::ClientCount(count))
    }

    /// Takes an ack event that belongs to another server's broadcast (publishing the answer);
    /// gives back every other action.
    pub(crate) fn cluster_take_ack(&mut self, a: Action<Event>) -> Option<Action<Event>> {
        let Some(c) = &mut self.cluster else {
            return Some(a);
        };
        if c.remote_acks.is_empty() {
            return Some(a);
        }
        match a {
            Action::Dispatch(Event::AckReply {
                ack, args, binary, ..
            }) if c.remote_acks.contains_key(&ack) => {
                let (nsp, requester, request_id) = c.remote_acks.remove(&ack)?;
                // node sends the ack's first argument only.
                let first = match Value::from_json(args.as_str(), &binary) {
                    Ok(Value::Array(mut items)) if !items.is_empty() => items.swap_remove(0),
                    _ => Value::Nil,
                };
                self.cluster_respond(
                    &nsp,
                    &requester,
                    request_id,
                    ResponseBody::BroadcastAck(first),
                );
                None
            }
            Action::Dispatch(Event::AckTimeout { ack, .. }) if c.remote_acks.contains_key(&ack) => {
                c.remote_acks.remove(&ack);
                None
            }
            a => Some(a),
        }
    }
}
