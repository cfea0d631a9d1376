//! [`SioConfig`]: every Socket.IO-layer limit and timeout, with its default and why.
//!
//! Setters are builder-style (`&mut self -> &mut Self`), as in quinn-proto's config. The
//! Engine.IO limits (payload size, ping timing, outbox) live in the Engine.IO config.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use socketio_proto::Str;

use socketio_proto::msgpack::MsgpackLimits;

use super::parser::Parser;
use super::recovery_config::RecoveryConfig;

/// Decides whether a namespace name not registered up front may be created on first connect.
pub type NamespacePredicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Socket.IO-layer configuration.
#[derive(Clone)]
pub struct SioConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) max_namespaces_per_session: usize,
    pub(crate) max_pending_acks: usize,
    pub(crate) max_pending_broadcast_acks: usize,
    pub(crate) max_attachments: usize,
    pub(crate) max_binary_bytes: usize,
    pub(crate) namespaces: Vec<Str>,
    pub(crate) dynamic_namespaces: Option<NamespacePredicate>,
    pub(crate) max_dynamic_namespaces: usize,
    pub(crate) rng_seed: Option<[u8; 32]>,
    pub(crate) recovery: Option<RecoveryConfig>,
    pub(crate) parser: Parser,
    pub(crate) msgpack_limits: MsgpackLimits,
}

impl Default for SioConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_millis(45_000),
            max_namespaces_per_session: 32,
            max_pending_acks: 256,
            max_pending_broadcast_acks: 1024,
            max_attachments: 10,
            max_binary_bytes: 1_000_000,
            namespaces: vec![Str::from_static("/")],
            dynamic_namespaces: None,
            max_dynamic_namespaces: 1024,
            rng_seed: None,
            recovery: None,
            parser: Parser::Default,
            msgpack_limits: MsgpackLimits::default(),
        }
    }
}

impl fmt::Debug for SioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SioConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field(
                "max_namespaces_per_session",
                &self.max_namespaces_per_session,
            )
            .field("max_pending_acks", &self.max_pending_acks)
            .field(
                "max_pending_broadcast_acks",
                &self.max_pending_broadcast_acks,
            )
            .field("max_attachments", &self.max_attachments)
            .field("max_binary_bytes", &self.max_binary_bytes)
            .field("namespaces", &self.namespaces)
            .field("dynamic_namespaces", &self.dynamic_namespaces.is_some())
            .field("max_dynamic_namespaces", &self.max_dynamic_namespaces)
            .field("connection_state_recovery", &self.recovery)
            .field("parser", &self.parser)
            .field("msgpack_limits", &self.msgpack_limits)
            .finish_non_exhaustive()
    }
}

impl SioConfig {
    /// How long a session may stay open without any namespace connected before it is closed.
    /// Default 45 000 ms, Node's `connectTimeout`: it stops clients that open an Engine.IO
    /// session and never speak Socket.IO from holding a session slot.
    pub fn connect_timeout(&mut self, d: Duration) -> &mut Self {
        self.connect_timeout = d;
        self
    }

    /// Most namespaces one session may have connected or awaiting the application's answer.
    /// Default 32. A CONNECT beyond it gets CONNECT_ERROR `{"message":"Too many namespaces"}`.
    /// Bounds the sockets (and the application's connect events) one client can create.
    pub fn max_namespaces_per_session(&mut self, n: usize) -> &mut Self {
        self.max_namespaces_per_session = n;
        self
    }

    /// Most acknowledgements one socket may owe the server at once (`emit_with_ack`).
    /// Default 256; beyond it `emit_with_ack` returns `UsageError::TooManyPendingAcks`.
    /// Worst case about 64 bytes per pending ack.
    pub fn max_pending_acks(&mut self, n: usize) -> &mut Self {
        self.max_pending_acks = n;
        self
    }

    /// Most broadcasts with acks waiting for replies at once, engine-wide. Default 1024.
    /// Each holds a set of the recipients still owing a reply and the replies so far.
    pub fn max_pending_broadcast_acks(&mut self, n: usize) -> &mut Self {
        self.max_pending_broadcast_acks = n;
        self
    }

    /// Most binary attachments one received packet may announce. Default 10, as the Node
    /// parser's `maxAttachments`; more is a parse error that closes the session.
    pub fn max_attachments(&mut self, n: usize) -> &mut Self {
        self.max_attachments = n;
        self
    }

    /// Most bytes of attachments buffered for one packet being reassembled. Default 1 000 000
    /// (Engine.IO's `maxHttpBufferSize`); more is a parse error that closes the session.
    pub fn max_binary_bytes(&mut self, n: usize) -> &mut Self {
        self.max_binary_bytes = n;
        self
    }

    /// Namespaces that exist from the start. Default `["/"]`. Clients connecting to any other
    /// name get CONNECT_ERROR `{"message":"Invalid namespace"}` unless the dynamic predicate
    /// accepts it.
    pub fn namespaces(&mut self, names: impl IntoIterator<Item = Str>) -> &mut Self {
        self.namespaces = names.into_iter().collect();
        self
    }

    /// Accept namespaces created on first connect when `predicate(name)` is true (Node's
    /// `io.of(regex or function)`). Default none.
    pub fn dynamic_namespaces(
        &mut self,
        predicate: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> &mut Self {
        self.dynamic_namespaces = Some(Arc::new(predicate));
        self
    }

    /// Most namespaces created dynamically (they are never deleted). Default 1024; a matching
    /// name beyond it is refused as an invalid namespace. Bounds memory when the predicate
    /// accepts names chosen by clients.
    pub fn max_dynamic_namespaces(&mut self, n: usize) -> &mut Self {
        self.max_dynamic_namespaces = n;
        self
    }

    /// Seed of the generator of socket ids. Default `None`: seeded from the operating system,
    /// so ids are unguessable. Set it only in tests, for reproducible ids.
    pub fn rng_seed(&mut self, seed: [u8; 32]) -> &mut Self {
        self.rng_seed = Some(seed);
        self
    }

    /// Connection state recovery (node's `connectionStateRecovery`): `Some` turns it on with
    /// those settings. Default `None` (off, as in node). When on, the CONNECT answer carries
    /// `pid` beside `sid`, every event sent without an ack and not volatile carries its
    /// offset as its last argument, and a socket that ended for a transport reason is kept
    /// for [`RecoveryConfig::max_disconnection_duration`].
    pub fn connection_state_recovery(&mut self, recovery: Option<RecoveryConfig>) -> &mut Self {
        self.recovery = recovery;
        self
    }

    /// The parser this server speaks (node's `parser` option). Default [`Parser::Default`],
    /// socket.io-parser; [`Parser::Msgpack`] is socket.io-msgpack-parser 3.x. Clients must
    /// use the same one. The application sees the same events, arguments and binaries
    /// either way.
    pub fn parser(&mut self, parser: Parser) -> &mut Self {
        self.parser = parser;
        self
    }

    /// Bounds on one packet received under [`Parser::Msgpack`]: bytes, nesting depth and
    /// number of values. Default [`MsgpackLimits::default`] (16 MiB, 100 levels, 2^18
    /// values; Engine.IO's message size limit applies first). More is a parse error that
    /// closes the session.
    pub fn msgpack_limits(&mut self, limits: MsgpackLimits) -> &mut Self {
        self.msgpack_limits = limits;
        self
    }
}
