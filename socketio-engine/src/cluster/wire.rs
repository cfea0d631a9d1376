//! [`Wire`]: the one place where the two Redis adapters of node differ, for one namespace:
//! channel names, which subscriptions to hold, and how an operation is enclosed in bytes.
//! Everything else in the cluster adapter works on the operations themselves
//! (`BroadcastMessage`, `Request`, `Response`), whichever adapter the cluster speaks.

use bytes::Bytes;
use socketio_proto::Str;
use socketio_proto::cluster::{
    BroadcastMessage, ChannelKind, Channels, ClusterLimits, DecodeError, Request, Response,
    ShardedBody, ShardedChannelKind, ShardedChannels, ShardedMessage,
};

use super::ClusterAction;
use super::config::{ClusterMode, ShardedSubscription};

/// How one namespace talks on Redis.
#[derive(Debug, Clone)]
pub(crate) enum Wire {
    /// `createAdapter`: `PUBLISH`, `PSUBSCRIBE` for broadcasts, `SUBSCRIBE` for the rest.
    Classic(Channels),
    /// `createShardedAdapter`: `SPUBLISH` / `SSUBSCRIBE` on shard channels.
    Sharded {
        channels: ShardedChannels,
        subscription: ShardedSubscription,
    },
}

/// A received message, as the operation it carries.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A broadcast; `room` is set when it came on a single room's channel.
    Broadcast {
        room: Option<Str>,
        message: BroadcastMessage,
    },
    Request(Request),
    Response(Response),
    /// A heartbeat or a closing adapter: nothing to do.
    Presence,
}

impl Wire {
    pub(crate) fn new(mode: ClusterMode, prefix: &str, nsp: &str, uid: &str) -> Self {
        match mode {
            ClusterMode::Classic => Self::Classic(Channels::new(prefix, nsp, uid)),
            ClusterMode::Sharded(subscription) => Self::Sharded {
                channels: ShardedChannels::new(prefix, nsp, uid),
                subscription,
            },
        }
    }

    /// What to subscribe to when the namespace appears.
    pub(crate) fn subscribe(&self) -> ClusterAction {
        match self {
            Self::Classic(c) => ClusterAction::Subscribe {
                channels: c.subscriptions().map(str::to_owned).to_vec(),
                patterns: vec![c.broadcast_pattern()],
            },
            Self::Sharded { channels, .. } => ClusterAction::ShardSubscribe {
                channels: vec![
                    channels.main().to_owned(),
                    channels.own_response().to_owned(),
                ],
            },
        }
    }

    /// Whether rooms appearing and emptying here change the subscriptions (node's
    /// `"dynamic"` subscription mode).
    pub(crate) fn follows_rooms(&self) -> bool {
        matches!(
            self,
            Self::Sharded {
                subscription: ShardedSubscription::Dynamic,
                ..
            }
        )
    }

    /// The (un)subscription for a local room that appeared (`created`) or emptied.
    pub(crate) fn room_changed(&self, room: &str, created: bool) -> Option<ClusterAction> {
        let Self::Sharded { channels, .. } = self else {
            return None;
        };
        if !self.follows_rooms() {
            return None;
        }
        let channels = vec![channels.room(room)];
        Some(if created {
            ClusterAction::ShardSubscribe { channels }
        } else {
            ClusterAction::ShardUnsubscribe { channels }
        })
    }

    /// Whether other servers answer `allRooms` (node's sharded adapter does not: its
    /// `allRooms` lists the local rooms only).
    pub(crate) fn asks_all_rooms(&self) -> bool {
        matches!(self, Self::Classic(_))
    }

    /// What `channel` carries for this namespace `nsp`: `None` when it is not one of its
    /// channels, else the decoded operation or why it was refused.
    pub(crate) fn decode(
        &self,
        nsp: &str,
        channel: &str,
        payload: &Bytes,
        limits: &ClusterLimits,
    ) -> Option<Result<Inbound, DecodeError>> {
        match self {
            Self::Classic(c) => Some(match c.classify(channel)? {
                ChannelKind::Broadcast { room } => {
                    BroadcastMessage::decode(payload, limits).map(|message| Inbound::Broadcast {
                        room: room.map(Str::from),
                        message,
                    })
                }
                ChannelKind::Request => Request::decode(payload, limits).map(Inbound::Request),
                ChannelKind::Response => Response::decode(payload, limits).map(Inbound::Response),
            }),
            Self::Sharded { channels, .. } => {
                let kind = channels.classify(channel)?;
                let room = match kind {
                    ShardedChannelKind::Room => channel
                        .get(channels.main().len()..channel.len().saturating_sub(1))
                        .map(Str::from),
                    _ => None,
                };
                Some(ShardedMessage::decode(payload, limits).and_then(|m| {
                    if m.nsp.as_str() != nsp {
                        return Err(DecodeError::Shape("namespace of another channel"));
                    }
                    Ok(match m.body {
                        ShardedBody::Broadcast(message) => Inbound::Broadcast { room, message },
                        ShardedBody::Request(r) => Inbound::Request(r),
                        ShardedBody::Response(r) => Inbound::Response(r),
                        _ => Inbound::Presence,
                    })
                }))
            }
        }
    }

    /// A broadcast to publish.
    pub(crate) fn broadcast(&self, nsp: &Str, message: BroadcastMessage) -> Option<ClusterAction> {
        match self {
            Self::Classic(c) => Some(ClusterAction::Publish {
                channel: c.broadcast_to(&message.opts.rooms),
                payload: message.encode(),
            }),
            Self::Sharded { channels, .. } => {
                // As node: one public room goes to its own channel in dynamic mode (a name
                // of 20 UTF-16 units looks like a socket id and stays on the main one).
                let channel = match message.opts.rooms.as_slice() {
                    [room] if self.follows_rooms() && room.encode_utf16().count() != 20 => {
                        channels.room(room)
                    }
                    _ => channels.main().to_owned(),
                };
                let uid = message.uid.clone();
                sharded(channel, uid, nsp, ShardedBody::Broadcast(message))
            }
        }
    }

    /// A request to every server of the namespace.
    pub(crate) fn request(&self, nsp: &Str, request: Request) -> Option<ClusterAction> {
        match self {
            Self::Classic(c) => Some(ClusterAction::Publish {
                channel: c.request().to_owned(),
                payload: request.encode().ok()?,
            }),
            Self::Sharded { channels, .. } => {
                let uid = request.uid().clone();
                sharded(
                    channels.main().to_owned(),
                    uid,
                    nsp,
                    ShardedBody::Request(request),
                )
            }
        }
    }

    /// This server's (`uid`) answer to a request of server `requester`.
    pub(crate) fn respond(
        &self,
        uid: &Str,
        nsp: &Str,
        requester: &str,
        response: Response,
    ) -> Option<ClusterAction> {
        match self {
            Self::Classic(c) => Some(ClusterAction::Publish {
                channel: c.response().to_owned(),
                payload: response.encode().ok()?,
            }),
            Self::Sharded { channels, .. } => sharded(
                channels.response_of(requester),
                uid.clone(),
                nsp,
                ShardedBody::Response(response),
            ),
        }
    }
}

fn sharded(channel: String, uid: Str, nsp: &Str, body: ShardedBody) -> Option<ClusterAction> {
    let payload = ShardedMessage {
        uid,
        nsp: nsp.clone(),
        body,
    }
    .encode()
    .ok()?;
    Some(ClusterAction::ShardPublish { channel, payload })
}
