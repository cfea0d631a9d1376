//! The Redis channel names of `@socket.io/redis-adapter` (the classic, non-sharded adapter).

use crate::Str;

/// The default channel prefix (the adapter's `key` option).
pub const DEFAULT_PREFIX: &str = "socket.io";

/// The channels of one namespace on one server.
///
/// For prefix `p` and namespace `nsp`:
/// - broadcasts: `p#nsp#`, or `p#nsp#room#` when a broadcast names exactly one room;
///   a server pattern-subscribes to `p#nsp#*` to get both;
/// - requests: `p-request#nsp#` (its subscriber count is the server count);
/// - responses: `p-response#nsp#`, and `p-response#nsp#uid#` for the responses meant for
///   server `uid` only (node subscribes to it, and publishes there only with its
///   `publishOnSpecificResponseChannel` option).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channels {
    broadcast: String,
    request: String,
    response: String,
    own_response: String,
}

impl Channels {
    /// The channels of namespace `nsp` for the server `uid`, under `prefix`.
    #[must_use]
    pub fn new(prefix: &str, nsp: &str, uid: &str) -> Self {
        let response = format!("{prefix}-response#{nsp}#");
        Self {
            broadcast: format!("{prefix}#{nsp}#"),
            request: format!("{prefix}-request#{nsp}#"),
            own_response: format!("{response}{uid}#"),
            response,
        }
    }

    /// Where a broadcast to `rooms` goes: the room's own channel when there is exactly one.
    #[must_use]
    pub fn broadcast_to(&self, rooms: &[Str]) -> String {
        match rooms {
            [room] => format!("{}{room}#", self.broadcast),
            _ => self.broadcast.clone(),
        }
    }

    /// The pattern to `PSUBSCRIBE` for every broadcast of the namespace.
    #[must_use]
    pub fn broadcast_pattern(&self) -> String {
        format!("{}*", self.broadcast)
    }

    /// The request channel.
    #[must_use]
    pub fn request(&self) -> &str {
        &self.request
    }

    /// The shared response channel.
    #[must_use]
    pub fn response(&self) -> &str {
        &self.response
    }

    /// This server's own response channel.
    #[must_use]
    pub fn own_response(&self) -> &str {
        &self.own_response
    }

    /// Every channel to `SUBSCRIBE` (the broadcast channels come by pattern).
    #[must_use]
    pub fn subscriptions(&self) -> [&str; 3] {
        [&self.request, &self.response, &self.own_response]
    }

    /// What `channel` is for this namespace, or `None` when it is not one of its channels.
    #[must_use]
    pub fn classify<'c>(&self, channel: &'c str) -> Option<ChannelKind<'c>> {
        if let Some(rest) = channel.strip_prefix(self.broadcast.as_str()) {
            // As node: the room is what lies between the prefix and the last character
            // (the closing `#`); an empty one is the namespace channel.
            return Some(match rest.len() {
                0 => ChannelKind::Broadcast { room: None },
                n => ChannelKind::Broadcast {
                    room: rest.get(..n.saturating_sub(1)).filter(|r| !r.is_empty()),
                },
            });
        }
        if channel == self.request {
            return Some(ChannelKind::Request);
        }
        if channel.starts_with(self.response.as_str()) {
            return Some(ChannelKind::Response);
        }
        None
    }
}

/// What a received channel carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind<'c> {
    /// A broadcast; `room` is set on a single room's channel (a server without local
    /// members of that room drops it, as node does).
    Broadcast {
        /// The room of a per-room channel.
        room: Option<&'c str>,
    },
    /// A request to every server.
    Request,
    /// A response (on the shared or a server's own response channel).
    Response,
}
