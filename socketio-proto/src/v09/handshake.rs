//! [`Handshake`]: the body of the 0.9 handshake response.

use super::{HandshakeError, sub};
use crate::Str;

/// What the server answers to a 0.9 handshake request (`POST /socket.io/1/`):
/// `sid:heartbeat:close:transports`, e.g.
/// `4d4f185e96a7b:15:25:websocket,xhr-polling,jsonp-polling,htmlfile`.
///
/// Timeouts are in seconds. An empty heartbeat timeout means neither side sends heartbeats;
/// the reference server also writes an empty close timeout when it has none configured, so
/// both are optional here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The session id. Must be non-empty and free of `:`.
    pub sid: Str,
    /// Seconds within which a heartbeat must arrive, or `None` for no heartbeats.
    pub heartbeat_timeout: Option<u64>,
    /// Seconds after a transport closes before the session is considered gone, or `None`.
    pub close_timeout: Option<u64>,
    /// The transports the client may use, in order of preference. Each name must be
    /// non-empty and free of `,` and `:`.
    pub transports: Vec<Str>,
}

impl Handshake {
    /// Parses a handshake response body. The fields slice `body` rather than copying it.
    ///
    /// # Errors
    /// A [`HandshakeError`] naming the first field that is wrong.
    pub fn parse(body: &Str) -> Result<Self, HandshakeError> {
        let text = body.as_str();
        let found = text.split(':').count();
        let mut fields = text.split(':');
        let (Some(sid), Some(heartbeat), Some(close), Some(transports), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(HandshakeError::WrongFieldCount { found });
        };
        if sid.is_empty() {
            return Err(HandshakeError::InvalidSid);
        }
        let transports = if transports.is_empty() {
            Vec::new()
        } else {
            transports
                .split(',')
                .map(|name| {
                    if name.is_empty() {
                        Err(HandshakeError::InvalidTransport)
                    } else {
                        Ok(sub(body, name))
                    }
                })
                .collect::<Result<_, _>>()?
        };
        Ok(Self {
            sid: sub(body, sid),
            heartbeat_timeout: parse_timeout(heartbeat, "heartbeat")?,
            close_timeout: parse_timeout(close, "close")?,
            transports,
        })
    }

    /// Writes the handshake response body.
    ///
    /// # Errors
    /// [`HandshakeError::InvalidSid`] or [`HandshakeError::InvalidTransport`] when a field
    /// holds a separator (or is empty), so the body would not parse back to `self`.
    pub fn encode(&self) -> Result<Str, HandshakeError> {
        if self.sid.is_empty() || self.sid.contains(':') {
            return Err(HandshakeError::InvalidSid);
        }
        if self
            .transports
            .iter()
            .any(|t| t.is_empty() || t.contains([',', ':']))
        {
            return Err(HandshakeError::InvalidTransport);
        }
        let mut out = String::with_capacity(
            self.sid.len().saturating_add(48).saturating_add(
                self.transports
                    .iter()
                    .fold(0usize, |n, t| n.saturating_add(t.len()).saturating_add(1)),
            ),
        );
        out.push_str(&self.sid);
        for timeout in [self.heartbeat_timeout, self.close_timeout] {
            out.push(':');
            if let Some(secs) = timeout {
                out.push_str(&secs.to_string());
            }
        }
        out.push(':');
        for (i, t) in self.transports.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(t);
        }
        Ok(Str::from(out))
    }
}

fn parse_timeout(field: &str, name: &'static str) -> Result<Option<u64>, HandshakeError> {
    if field.is_empty() {
        return Ok(None);
    }
    if !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HandshakeError::InvalidTimeout(name));
    }
    field
        .parse()
        .map(Some)
        .map_err(|_| HandshakeError::InvalidTimeout(name))
}
