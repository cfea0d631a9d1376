//! Maps keyed by the ids the server hands out itself (connections, sockets), hashed with a
//! multiply instead of SipHash.
//!
//! SipHash resists keys chosen to collide, which matters for keys a client controls; these
//! ids come from the engine's own counters and slot indices, so no client can pick them,
//! and SipHash was ~5 % of the server's instructions on a broadcast (one lookup per delivery).
//! The multiply (FxHash's step) spreads consecutive ids over both the bucket bits and the
//! control bits hashbrown takes from the top of the hash.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash's multiplier: odd, so the step is a bijection on `u64`.
const K: u64 = 0xf135_7aea_2e62_a9c5;

/// The hasher for server-assigned ids (see the module docs).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(26) ^ x).wrapping_mul(K);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, x: u32) {
        self.add(u64::from(x));
    }

    fn write_u64(&mut self, x: u64) {
        self.add(x);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by server-assigned ids.
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;
/// A set of server-assigned ids.
pub(crate) type IdSet<K> = HashSet<K, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, Hash};

    use super::*;

    fn hash<T: Hash>(x: T) -> u64 {
        BuildHasherDefault::<IdHasher>::default().hash_one(x)
    }

    #[test]
    fn consecutive_ids_spread_over_buckets_and_control_bits() {
        let hashes: Vec<u64> = (0u64..4096).map(hash).collect();
        let buckets: HashSet<u64> = hashes.iter().map(|h| h & 4095).collect();
        assert!(
            buckets.len() > 2500,
            "low bits: {} of 4096 distinct",
            buckets.len()
        );
        let tops: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(
            tops.len() > 100,
            "top 7 bits: {} of 128 distinct",
            tops.len()
        );
        // Two-field ids (slot, generation) differ when either field does.
        assert_ne!(hash((1u32, 2u32)), hash((2u32, 1u32)));
        assert_ne!(hash(b"ab".as_slice()), hash(b"ba".as_slice()));
    }

    #[test]
    fn maps_work_as_maps() {
        let mut m: IdMap<u64, u64> = IdMap::default();
        for i in 0..10_000 {
            m.insert(i, i * 2);
        }
        assert!((0..10_000).all(|i| m.get(&i) == Some(&(i * 2))));
        let mut s: IdSet<u64> = IdSet::default();
        assert!(s.insert(7) && !s.insert(7));
    }
}
