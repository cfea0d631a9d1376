//! Identifiers of the Socket.IO layer: [`SocketId`] (one per namespace socket), [`AckId`] (one
//! per acknowledgement the server asked for) and [`SocketName`] (the random id a client sees).
//!
//! `SocketId` is a slot handle (index + generation) rather than the wire string: every
//! broadcast resolves thousands of them, and a slab lookup is an array index where a string
//! would be a hash. The generation makes a stale handle miss instead of aliasing a newer socket.

use std::fmt;

/// One socket: a client connected to one namespace over one Engine.IO session.
///
/// Cheap to copy and compare. A handle of a disconnected socket never refers to another socket
/// (its slot's generation has moved on), so commands on it return `UsageError::UnknownSocket`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

impl fmt::Debug for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SocketId({}v{})", self.index, self.generation)
    }
}

/// An acknowledgement the server requested (`emit_with_ack`, or a broadcast with acks).
///
/// The number is also the ack id written on the wire: ids are unique across the whole engine,
/// so a reply is matched by one map lookup, and checked against the socket it was sent to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct AckId(pub(crate) u64);

impl AckId {
    /// The id as written on the wire.
    #[must_use]
    pub fn get(self) -> u64 {
        self.0
    }
}

/// Length of a [`SocketName`] in ASCII characters (15 random bytes in base64url, like Node's
/// `base64id`).
pub const SOCKET_NAME_LEN: usize = 20;

/// The public id of a socket, and the name of the room every socket is implicitly a member
/// of. For Socket.IO 5 clients it is random and sent in the CONNECT reply (`{"sid":..}`).
/// Older clients are never told their id and derive it from the session id, so theirs is
/// what node gives them: the session id on `/`, `<nsp>#<session id>` elsewhere.
///
/// Stored inline (20 bytes) rather than as a heap string, as it exists once per socket; only
/// the derived `<nsp>#<sid>` form of older clients' namespace sockets is shared text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SocketName(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline([u8; SOCKET_NAME_LEN]),
    /// Always holds a `#`, so it never equals an inline name.
    Derived(socketio_proto::Str),
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl SocketName {
    /// Encodes 15 random bytes as 20 base64url characters.
    pub(crate) fn from_random(random: [u8; 15]) -> Self {
        let mut out = [b'A'; SOCKET_NAME_LEN];
        for (chunk, dst) in random.chunks(3).zip(out.chunks_mut(4)) {
            let word = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            for (i, slot) in dst.iter_mut().enumerate() {
                let shift = 18u32.saturating_sub(6u32.saturating_mul(i as u32));
                let sextet = ((word >> shift) & 0x3f) as usize;
                *slot = B64URL.get(sextet).copied().unwrap_or(b'A');
            }
        }
        Self(Repr::Inline(out))
    }

    /// The id node gives a socket of an older client (Engine.IO 3, or 0.9) on `nsp` of
    /// session `sid`: `sid` itself on `/`, else `<nsp>#<sid>`.
    pub(crate) fn derived(nsp: &str, sid: crate::ids::Sid) -> Self {
        if nsp == "/" {
            // The same 15 bytes in the same base64url: the sid's text.
            return Self::from_random(*sid.as_bytes());
        }
        Self(Repr::Derived(socketio_proto::Str::from(format!(
            "{nsp}#{sid}"
        ))))
    }

    /// Parses a name: 20 base64url characters, or a derived `<nsp>#<sid>` name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        if let Some((nsp, sid)) = s.rsplit_once('#') {
            return (nsp.starts_with('/') && Self::parse(sid).is_some())
                .then(|| Self(Repr::Derived(socketio_proto::Str::from(s))));
        }
        let bytes: [u8; SOCKET_NAME_LEN] = s.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(|b| B64URL.contains(b))
            .then_some(Self(Repr::Inline(bytes)))
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always ASCII: built only from the base64url alphabet (from_random, parse).
            Repr::Inline(bytes) => std::str::from_utf8(bytes).unwrap_or(""),
            Repr::Derived(text) => text.as_str(),
        }
    }
}

impl fmt::Display for SocketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SocketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SocketName({})", self.as_str())
    }
}

/// Draws socket names from the same generator as Engine.IO session ids (ChaCha12, seeded
/// from the operating system unless a test seeds it): 15 random bytes, like Node's
/// `base64id`, so names are as unguessable as sids.
pub(crate) struct NameRng(crate::ids::SidGenerator);

impl NameRng {
    pub(crate) fn new(seed: Option<[u8; 32]>) -> Self {
        Self(crate::ids::SidGenerator::new(seed))
    }

    pub(crate) fn next_name(&mut self) -> SocketName {
        SocketName::from_random(*self.0.next_sid().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_20_base64url_chars_and_parse_back() {
        let mut rng = NameRng::new(Some([7; 32]));
        let a = rng.next_name();
        let b = rng.next_name();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), SOCKET_NAME_LEN);
        assert_eq!(SocketName::parse(a.as_str()), Some(a));
        assert_eq!(SocketName::parse("short"), None);
        assert_eq!(SocketName::parse("!!!!!!!!!!!!!!!!!!!!"), None);
    }

    #[test]
    fn known_encoding() {
        // 15 zero bytes -> 20 'A'; 0xff.. -> '_'
        assert_eq!(
            SocketName::from_random([0; 15]).as_str(),
            "AAAAAAAAAAAAAAAAAAAA"
        );
        assert_eq!(
            SocketName::from_random([0xff; 15]).as_str(),
            "____________________"
        );
        let mut r = [0u8; 15];
        r[0] = 0b0000_0100; // first sextet 1 -> 'B'
        assert!(SocketName::from_random(r).as_str().starts_with("B"));
    }

    #[test]
    fn same_seed_same_names() {
        let mut a = NameRng::new(Some([42; 32]));
        let mut b = NameRng::new(Some([42; 32]));
        assert_eq!(a.next_name(), b.next_name());
    }
}
