//! Identifiers: small `Copy` newtypes with private fields.
//!
//! [`Sid`] names an Engine.IO session on the wire, so it must be unguessable: it is 15 bytes
//! from a CSPRNG (ChaCha, seeded from the OS or from [`EioConfig::rng_seed`] in tests),
//! rendered as 20 characters of unpadded base64url. [`RequestId`] and [`ConnId`] are local
//! counters that never leave the process, so they are plain `u64`s.
//!
//! [`EioConfig::rng_seed`]: crate::eio::EioConfig::rng_seed

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_chacha::ChaCha12Rng;
use rand_core::{RngCore, SeedableRng};

/// Number of random bytes in a [`Sid`]: 120 bits, the same entropy as node's `base64id`.
const SID_BYTES: usize = 15;
/// Length of a [`Sid`] on the wire: 15 bytes in base64 are exactly 20 characters, no padding.
const SID_CHARS: usize = 20;

/// An Engine.IO session id, as sent in the `sid` query parameter and the open packet.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sid([u8; SID_BYTES]);

impl Hash for Sid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(&self.0);
    }
}

/// Hashes a [`Sid`] by taking its first 8 random bytes, with no mixing.
///
/// Safe against hash flooding because sids are CSPRNG output chosen by the server: a peer
/// can look up any sid it likes, but every key actually stored is uniformly random, so
/// buckets stay balanced. It saves a SipHash per lookup on the broadcast path.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SidHasher(u64);

impl Hasher for SidHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut word = [0u8; 8];
        for (dst, src) in word.iter_mut().zip(bytes) {
            *dst = *src;
        }
        self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by [`Sid`] using [`SidHasher`].
pub(crate) type SidMap<V> = HashMap<Sid, V, BuildHasherDefault<SidHasher>>;

impl Sid {
    /// The raw random bytes (for hashing into shards, logging, or tests).
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; SID_BYTES] {
        &self.0
    }

    /// A sid made from chosen bytes; for tests and tools, never for real sessions.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; SID_BYTES]) -> Self {
        Self(bytes)
    }
}

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; SID_CHARS];
        // 15 bytes always encode to exactly 20 characters, so this cannot fail; fall back to
        // an error rather than panic all the same.
        let n = URL_SAFE_NO_PAD
            .encode_slice(self.0, &mut buf)
            .map_err(|_| fmt::Error)?;
        let text = buf.get(..n).ok_or(fmt::Error)?;
        f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sid({self})")
    }
}

/// Why a string is not a [`Sid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseSidError {
    /// The text is not exactly 20 characters long.
    #[error("a sid is 20 characters long")]
    Length,
    /// The text is not base64url.
    #[error("a sid is base64url text")]
    Alphabet,
}

impl FromStr for Sid {
    type Err = ParseSidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != SID_CHARS {
            return Err(ParseSidError::Length);
        }
        let mut out = [0u8; SID_BYTES];
        let n = URL_SAFE_NO_PAD
            .decode_slice(s, &mut out)
            .map_err(|_| ParseSidError::Alphabet)?;
        if n != SID_BYTES {
            return Err(ParseSidError::Length);
        }
        let sid = Self(out);
        // Non-canonical encodings (stray low bits in the last character) would let two
        // strings name one session; accept only the canonical spelling.
        if sid.to_string() != s {
            return Err(ParseSidError::Alphabet);
        }
        Ok(sid)
    }
}

/// The generator of session ids: a ChaCha CSPRNG seeded once.
pub(crate) struct SidGenerator(ChaCha12Rng);

impl SidGenerator {
    /// Seeds from `seed` (deterministic tests) or from the operating system.
    pub(crate) fn new(seed: Option<[u8; 32]>) -> Self {
        Self(match seed {
            Some(seed) => ChaCha12Rng::from_seed(seed),
            None => ChaCha12Rng::from_os_rng(),
        })
    }

    /// A fresh random sid.
    pub(crate) fn next_sid(&mut self) -> Sid {
        let mut bytes = [0u8; SID_BYTES];
        self.0.fill_bytes(&mut bytes);
        Sid(bytes)
    }
}

/// An HTTP request the engine has accepted and will answer exactly once through
/// [`Action::Respond`](crate::Action::Respond) (or [`Action::AcceptWebSocket`](crate::Action::AcceptWebSocket)).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct RequestId(u64);

/// A WebSocket connection the engine asked the driver to accept.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ConnId(u64);

macro_rules! counter_id {
    ($t:ty) => {
        impl $t {
            /// The raw number, for logs and driver-side maps.
            #[must_use]
            pub const fn get(self) -> u64 {
                self.0
            }

            /// An id from a raw number; for tests and drivers that persist ids.
            #[must_use]
            pub const fn from_raw(n: u64) -> Self {
                Self(n)
            }
        }
    };
}
counter_id!(RequestId);
counter_id!(ConnId);

/// Hands out [`RequestId`]s and [`ConnId`]s in increasing order.
#[derive(Debug, Default)]
pub(crate) struct IdCounter(u64);

impl IdCounter {
    /// The next raw number; wraps after 2^64 ids, which no process reaches.
    pub(crate) fn next_raw(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(1);
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_is_20_base64url_chars_and_round_trips() {
        let mut g = SidGenerator::new(Some([7; 32]));
        let sid = g.next_sid();
        let text = sid.to_string();
        assert_eq!(text.len(), 20);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(text.parse::<Sid>().unwrap(), sid);
    }

    #[test]
    fn seeded_generator_is_deterministic_and_ids_differ() {
        let mut a = SidGenerator::new(Some([1; 32]));
        let mut b = SidGenerator::new(Some([1; 32]));
        let (a1, a2) = (a.next_sid(), a.next_sid());
        assert_eq!(a1, b.next_sid());
        assert_ne!(a1, a2);
    }

    #[test]
    fn bad_sids_are_rejected() {
        assert_eq!("short".parse::<Sid>(), Err(ParseSidError::Length));
        assert_eq!(
            "!!!!!!!!!!!!!!!!!!!!".parse::<Sid>(),
            Err(ParseSidError::Alphabet)
        );
        assert!(
            "ééééééééééééééééééé".parse::<Sid>().is_err(),
            "non-ascii is never a sid"
        );
    }
}
