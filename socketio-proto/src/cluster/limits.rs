//! [`ClusterLimits`]: what the cluster codec accepts from Redis.
//!
//! Every server of the cluster can publish, and Redis relays anything: a message is as
//! untrusted as a client's packet. These bounds keep one message from costing more memory or
//! stack than the engine gives a client packet.

/// Bounds on one message decoded from Redis. Anything over a bound is a typed error
/// ([`DecodeError`](super::DecodeError)), never a partial value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterLimits {
    /// Most bytes in one message. Default
    /// [`DEFAULT_MAX_MESSAGE_BYTES`](Self::DEFAULT_MAX_MESSAGE_BYTES).
    pub max_message_bytes: usize,
    /// Most levels of nested arrays and maps. Default
    /// [`DEFAULT_MAX_DEPTH`](Self::DEFAULT_MAX_DEPTH).
    pub max_depth: usize,
    /// Most values (scalars, containers, map keys) in one message. Default
    /// [`DEFAULT_MAX_VALUES`](Self::DEFAULT_MAX_VALUES).
    pub max_values: usize,
}

impl ClusterLimits {
    /// 16 MiB, the most bytes the engine holds for one client packet
    /// ([`ReassemblerLimits::DEFAULT_MAX_BYTES`](crate::sio::ReassemblerLimits::DEFAULT_MAX_BYTES)):
    /// whatever a client may send and another server re-broadcasts fits, with room for the
    /// envelope. (Redis itself would relay up to 512 MB.)
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
    /// 100 levels. A broadcast's event arguments sit two levels down (`[uid, {data: [..]}]`),
    /// so every accepted event stays within serde_json's 128-level recursion limit, which
    /// typed access to the arguments uses; it also bounds the decoder's recursion.
    pub const DEFAULT_MAX_DEPTH: usize = 100;
    /// 262 144 (2^18) values. A decoded value takes about 40 bytes, so one message costs at
    /// most about 10 MiB of tree however small its values are on the wire (a 16 MiB message
    /// of one-byte integers would otherwise be 16 million of them).
    pub const DEFAULT_MAX_VALUES: usize = 1 << 18;
}

impl ClusterLimits {
    /// The same bounds for the MessagePack decoder.
    pub(crate) const fn msgpack(&self) -> crate::msgpack::MsgpackLimits {
        crate::msgpack::MsgpackLimits {
            max_message_bytes: self.max_message_bytes,
            max_depth: self.max_depth,
            max_values: self.max_values,
        }
    }
}

impl Default for ClusterLimits {
    fn default() -> Self {
        Self {
            max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_values: Self::DEFAULT_MAX_VALUES,
        }
    }
}
