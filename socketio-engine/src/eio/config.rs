//! Configuration of the Engine.IO server: every limit with its name, default and reason.
//!
//! Defaults follow the node reference server (`engine.io` 6.x) unless said otherwise; the
//! limits node does not have (`max_sessions`, `max_outbox_bytes`, `max_payload_packets`) are
//! ours and exist so that no peer can make the engine hold unbounded memory.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::eio::cookie::CookieConfig;
use crate::eio::cors::CorsConfig;
use crate::http::RequestMeta;

/// Decides whether a handshake request may open a session (node's `allowRequest`).
///
/// Return `Ok(())` to accept, or `Err((status, message))` to refuse: the client then gets
/// `status` (use 403 as node does) with `{"code":4,"message":message}` (an empty message
/// becomes `"Forbidden"`). Called for handshakes only, never for requests of an existing
/// session. Shared (`Arc`) so the config stays `Clone`.
pub type AllowRequest = Arc<dyn Fn(&RequestMeta) -> Result<(), (u16, String)> + Send + Sync>;

/// Which low-level transports the server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transports {
    /// HTTP long-polling. Default: on.
    pub polling: bool,
    /// WebSocket. Default: on.
    pub websocket: bool,
}

impl Default for Transports {
    fn default() -> Self {
        Self {
            polling: true,
            websocket: true,
        }
    }
}

/// Engine.IO server settings. Build with `EioConfig::default()` and change fields.
#[derive(Clone)]
pub struct EioConfig {
    /// Path prefix of Engine.IO requests; other paths get 404. Default `"/engine.io/"` (the
    /// Socket.IO layer uses `"/socket.io/"`).
    pub path: String,
    /// Time between two server pings (v4). Default 25 s.
    pub ping_interval: Duration,
    /// How long to wait for a pong after a ping before closing with `PingTimeout`.
    /// Default 20 s.
    pub ping_timeout: Duration,
    /// How long a polling→WebSocket upgrade may take before the probe WebSocket is closed
    /// (the polling session goes on). Default 10 s.
    pub upgrade_timeout: Duration,
    /// Largest accepted request body or WebSocket message, in bytes; also announced to
    /// clients as `maxPayload` and used to bound one polling response. Default 1 000 000.
    /// The driver must stop reading a body at this size + 1 and report
    /// [`HttpBody::TooLarge`](crate::http::HttpBody::TooLarge).
    pub max_http_buffer_size: usize,
    /// Enabled transports. Default: polling and WebSocket.
    pub transports: Transports,
    /// Whether polling sessions may upgrade to WebSocket. Default true.
    pub allow_upgrades: bool,
    /// CORS headers for polling responses, and the answer to preflight `OPTIONS` requests.
    /// Default `None`: no CORS headers; an `OPTIONS` request is then an ordinary (bad)
    /// request, as in node.
    pub cors: Option<CorsConfig>,
    /// A cookie carrying the sid on the polling handshake response (for sticky sessions).
    /// Default `None`, as node.
    pub cookie: Option<CookieConfig>,
    /// Hook that accepts or refuses handshakes. Default `None` (accept all).
    pub allow_request: Option<AllowRequest>,
    /// Most sessions open at once; a handshake beyond it gets 503 with
    /// `{"code":3,"message":"Too many sessions"}`. Default 100 000 (about 2 KiB each when idle;
    /// `max_outbox_bytes` each at worst for polling sessions whose clients stop reading).
    pub max_sessions: usize,
    /// Most bytes of encoded frames held for one polling session: queued (messages wait
    /// there between two GETs) plus those of the last answered GET, kept until the next GET
    /// proves they arrived. A send beyond it closes that session with `BufferFull`; other
    /// sessions are unaffected. WebSocket sessions queue nothing here (frames go straight to
    /// the driver); adapter-core applies the same bound to the bytes a WebSocket's writer
    /// holds for a client that has not taken them. Default 8 MiB: several times
    /// `max_http_buffer_size`, so one message as large as a client may send can always be
    /// echoed while a previous response is still in flight (a default equal to it closed such
    /// sessions with `BufferFull`).
    pub max_outbox_bytes: usize,
    /// Most packets accepted in one polling request body. Default 1024: bounds the work and
    /// the event burst one POST can cause.
    pub max_payload_packets: usize,
    /// After a server-side close of a polling session with no GET waiting, how long the
    /// session lingers to hand its last packets and the close packet to the next GET.
    /// Default 30 s (node's polling `closeTimeout`).
    pub polling_close_timeout: Duration,
    /// Seed of the sid generator. Default `None`: seeded from the operating system. Set it
    /// only in tests, where deterministic sids make transcripts reproducible.
    pub rng_seed: Option<[u8; 32]>,
    /// Accept Engine.IO v3 clients (`EIO=3`). Default false: they get 400
    /// `{"code":5,"message":"Unsupported protocol version"}`.
    pub allow_eio3: bool,
    /// Accept Socket.IO 0.9 clients (handshake at `{path}1/`, transports `websocket`,
    /// `xhr-polling` and `jsonp-polling`). Default false: such requests get 400
    /// `{"code":5,"message":"Unsupported protocol version"}`.
    pub allow_v09: bool,
}

impl Default for EioConfig {
    fn default() -> Self {
        Self {
            path: "/engine.io/".to_owned(),
            ping_interval: Duration::from_millis(25_000),
            ping_timeout: Duration::from_millis(20_000),
            upgrade_timeout: Duration::from_millis(10_000),
            max_http_buffer_size: 1_000_000,
            transports: Transports::default(),
            allow_upgrades: true,
            cors: None,
            cookie: None,
            allow_request: None,
            max_sessions: 100_000,
            max_outbox_bytes: 8 * 1024 * 1024,
            max_payload_packets: 1024,
            polling_close_timeout: Duration::from_millis(30_000),
            rng_seed: None,
            allow_eio3: false,
            allow_v09: false,
        }
    }
}

impl fmt::Debug for EioConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EioConfig")
            .field("path", &self.path)
            .field("ping_interval", &self.ping_interval)
            .field("ping_timeout", &self.ping_timeout)
            .field("upgrade_timeout", &self.upgrade_timeout)
            .field("max_http_buffer_size", &self.max_http_buffer_size)
            .field("transports", &self.transports)
            .field("allow_upgrades", &self.allow_upgrades)
            .field("cors", &self.cors)
            .field("cookie", &self.cookie)
            .field("allow_request", &self.allow_request.is_some())
            .field("max_sessions", &self.max_sessions)
            .field("max_outbox_bytes", &self.max_outbox_bytes)
            .field("max_payload_packets", &self.max_payload_packets)
            .field("polling_close_timeout", &self.polling_close_timeout)
            .field("rng_seed", &self.rng_seed.is_some())
            .field("allow_eio3", &self.allow_eio3)
            .field("allow_v09", &self.allow_v09)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_node() {
        let c = EioConfig::default();
        assert_eq!(c.path, "/engine.io/");
        assert_eq!(c.ping_interval, Duration::from_secs(25));
        assert_eq!(c.ping_timeout, Duration::from_secs(20));
        assert_eq!(c.upgrade_timeout, Duration::from_secs(10));
        assert_eq!(c.max_http_buffer_size, 1_000_000);
        assert_eq!(c.transports, Transports::default());
        assert!(c.allow_upgrades && !c.allow_eio3 && !c.allow_v09);
        assert!(c.cors.is_none() && c.cookie.is_none() && c.allow_request.is_none());
        assert_eq!(c.polling_close_timeout, Duration::from_secs(30));
    }
}
