//! [`MsgpackLimits`]: what the MessagePack decoder accepts.

/// Bounds on one decoded MessagePack message. Anything over a bound is a typed error
/// ([`MsgpackError`](super::MsgpackError)), never a partial value. The cluster codec derives
/// its bounds from [`ClusterLimits`](crate::cluster::ClusterLimits); the msgpack packet parser
/// uses [`Default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MsgpackLimits {
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

impl MsgpackLimits {
    /// 16 MiB, the most bytes the engine holds for one client packet
    /// ([`ReassemblerLimits::DEFAULT_MAX_BYTES`](crate::sio::ReassemblerLimits::DEFAULT_MAX_BYTES)).
    /// A client's packets are also bounded by the Engine.IO message size before they get here.
    pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;
    /// 100 levels. An event's arguments sit at most two levels down in any message that
    /// carries them, so every accepted event stays within serde_json's 128-level recursion
    /// limit, which typed access to the arguments uses; it also bounds the decoder's
    /// recursion.
    pub const DEFAULT_MAX_DEPTH: usize = 100;
    /// 262 144 (2^18) values. A decoded value takes about 40 bytes, so one message costs at
    /// most about 10 MiB of tree however small its values are on the wire (a 16 MiB message
    /// of one-byte integers would otherwise be 16 million of them).
    pub const DEFAULT_MAX_VALUES: usize = 1 << 18;
}

impl Default for MsgpackLimits {
    fn default() -> Self {
        Self {
            max_message_bytes: Self::DEFAULT_MAX_MESSAGE_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_values: Self::DEFAULT_MAX_VALUES,
        }
    }
}
