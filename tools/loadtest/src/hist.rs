//! A fixed-size log-linear latency histogram (microseconds) and its percentile math.
//!
//! Theory of operation: values below [`EXACT_BELOW`] get one bucket each (exact). Above it,
//! every power-of-two range `[2^e, 2^(e+1))` is split into [`SUB_BUCKETS`] equal buckets, so a
//! value is known to within 1/64 (~1.6 %) of itself; values above [`MAX_VALUE_US`] are
//! clamped into the last bucket. Recording is an index computation and an increment, so
//! every client task keeps its own histogram on the hot path and the scenario merges them at
//! the end (no locks, no per-sample allocation, bounded memory whatever the sample count).
//! The exact minimum, maximum and sum are kept beside the buckets.
//!
//! Percentiles use the nearest-rank definition: p-th percentile = the smallest recorded value
//! whose rank is at least `ceil(p/100 * n)`. The bucket's highest value is reported (never
//! above the exact maximum), so a reported percentile is never lower than the true one.

/// Values below this are recorded exactly (one bucket per microsecond).
const EXACT_BELOW: u64 = 128;
/// Buckets per power-of-two range above [`EXACT_BELOW`]: the relative precision is 1/64.
const SUB_BUCKETS: u64 = 64;
/// log2(SUB_BUCKETS).
const SUB_BITS: u32 = 6;
/// log2(EXACT_BELOW).
const EXACT_BITS: u32 = 7;
/// The largest value kept distinct: 2^40 µs, about 12.7 days. Larger values are clamped to it
/// (a load test never waits that long; clamping keeps the bucket table small).
pub(crate) const MAX_VALUE_US: u64 = (1 << 40) - 1;
/// Number of buckets: the exact ones, then 64 per power of two from 2^7 to 2^39.
const BUCKETS: usize = (EXACT_BELOW + SUB_BUCKETS * (40 - EXACT_BITS as u64)) as usize;

/// A latency histogram in microseconds.
#[derive(Clone)]
pub(crate) struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum: u128,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

/// The bucket a value falls into.
fn bucket_of(value: u64) -> usize {
    let v = value.min(MAX_VALUE_US);
    if v < EXACT_BELOW {
        return usize::try_from(v).unwrap_or(0);
    }
    let exp = 63_u32.saturating_sub(v.leading_zeros()); // floor(log2 v), >= 7
    let shift = exp.saturating_sub(SUB_BITS);
    let mantissa = (v >> shift).saturating_sub(SUB_BUCKETS); // 0..64
    let base = EXACT_BELOW + u64::from(exp.saturating_sub(EXACT_BITS)) * SUB_BUCKETS;
    usize::try_from(base.saturating_add(mantissa)).unwrap_or(BUCKETS.saturating_sub(1))
}

/// The highest value that maps to bucket `index`.
fn bucket_high(index: usize) -> u64 {
    let i = u64::try_from(index).unwrap_or(u64::MAX);
    if i < EXACT_BELOW {
        return i;
    }
    let above = i.saturating_sub(EXACT_BELOW);
    let exp = u32::try_from(above / SUB_BUCKETS).unwrap_or(0) + EXACT_BITS;
    let mantissa = above % SUB_BUCKETS + SUB_BUCKETS;
    let shift = exp.saturating_sub(SUB_BITS);
    ((mantissa + 1) << shift).saturating_sub(1)
}

impl Histogram {
    /// An empty histogram.
    pub(crate) fn new() -> Self {
        Self {
            counts: vec![0; BUCKETS],
            total: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    /// Records one value in microseconds.
    pub(crate) fn record(&mut self, value_us: u64) {
        if let Some(c) = self.counts.get_mut(bucket_of(value_us)) {
            *c = c.saturating_add(1);
        }
        self.total = self.total.saturating_add(1);
        self.sum = self.sum.saturating_add(u128::from(value_us));
        self.min = self.min.min(value_us);
        self.max = self.max.max(value_us);
    }

    /// Adds every sample of `other`.
    pub(crate) fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        self.total = self.total.saturating_add(other.total);
        self.sum = self.sum.saturating_add(other.sum);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of recorded samples.
    pub(crate) fn len(&self) -> u64 {
        self.total
    }

    /// The exact largest sample, `None` when empty.
    pub(crate) fn max(&self) -> Option<u64> {
        (self.total > 0).then_some(self.max)
    }

    /// The exact mean, `None` when empty.
    pub(crate) fn mean(&self) -> Option<f64> {
        // u128 -> f64 loses precision only far beyond any real sum of latencies.
        #[allow(clippy::cast_precision_loss)]
        (self.total > 0).then(|| self.sum as f64 / self.total as f64)
    }

    /// The nearest-rank `p`-th percentile (`p` in 0..=100, clamped), `None` when empty.
    pub(crate) fn percentile(&self, p: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let rank = nearest_rank(p, self.total);
        let mut seen = 0_u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen = seen.saturating_add(c);
            if seen >= rank {
                return Some(bucket_high(i).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }
}

/// The 1-based nearest rank of percentile `p` among `n` samples: `ceil(p/100 * n)`, at least
/// 1 and at most `n`.
pub(crate) fn nearest_rank(p: f64, n: u64) -> u64 {
    let p = if p.is_nan() {
        100.0
    } else {
        p.clamp(0.0, 100.0)
    };
    // n is a sample count (well below 2^53), so the float math is exact enough; the result
    // is clamped into 1..=n before use.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rank = (p / 100.0 * n as f64).ceil() as u64;
    rank.clamp(1, n.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_has_no_percentiles() {
        let h = Histogram::new();
        assert_eq!(h.percentile(50.0), None);
        assert_eq!(h.max(), None);
        assert_eq!(h.mean(), None);
    }

    #[test]
    fn nearest_rank_definition() {
        assert_eq!(nearest_rank(50.0, 100), 50);
        assert_eq!(nearest_rank(99.0, 100), 99);
        assert_eq!(nearest_rank(99.9, 100), 100);
        assert_eq!(nearest_rank(0.0, 100), 1);
        assert_eq!(nearest_rank(100.0, 7), 7);
        assert_eq!(nearest_rank(50.0, 1), 1);
        assert_eq!(nearest_rank(50.0, 3), 2);
        assert_eq!(nearest_rank(f64::NAN, 3), 3);
        assert_eq!(nearest_rank(250.0, 3), 3);
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new();
        for v in (1..=100).rev() {
            h.record(v);
        }
        assert_eq!(h.percentile(50.0), Some(50));
        assert_eq!(h.percentile(90.0), Some(90));
        assert_eq!(h.percentile(99.0), Some(99));
        assert_eq!(h.percentile(100.0), Some(100));
        assert_eq!(h.percentile(0.0), Some(1));
        assert_eq!(h.mean(), Some(50.5));
    }

    #[test]
    fn large_values_within_one_sixty_fourth_and_never_below() {
        for v in [128_u64, 129, 1000, 4095, 4096, 123_456, 9_999_999, 1 << 39] {
            let mut h = Histogram::new();
            h.record(v);
            h.record(v.saturating_mul(3)); // a larger max so the clamp to max does not hide errors
            let p = h.percentile(50.0).unwrap();
            assert!(p >= v, "{p} < {v}");
            assert!((p - v) * 64 <= v, "{p} too far above {v}");
        }
    }

    #[test]
    fn every_value_lands_in_a_bucket_whose_high_covers_it() {
        let mut v = 0_u64;
        while v < MAX_VALUE_US {
            let b = bucket_of(v);
            assert!(b < BUCKETS);
            assert!(bucket_high(b) >= v);
            if b > 0 {
                assert!(bucket_high(b - 1) < v, "value {v} bucket {b}");
            }
            v = v * 2 + 1 + v / 3;
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn percentile_is_clamped_to_exact_max() {
        let mut h = Histogram::new();
        h.record(1000); // bucket high is 1007
        assert_eq!(h.percentile(99.0), Some(1000));
    }

    #[test]
    fn merge_adds_samples() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        for v in 1..=50 {
            a.record(v);
        }
        for v in 51..=100 {
            b.record(v);
        }
        a.merge(&b);
        assert_eq!(a.len(), 100);
        assert_eq!(a.percentile(50.0), Some(50));
        assert_eq!(a.percentile(99.0), Some(99));
        assert_eq!(a.max(), Some(100));
        assert_eq!(a.percentile(0.0), Some(1));
    }

    #[test]
    fn skewed_distribution_tail() {
        let mut h = Histogram::new();
        for _ in 0..990 {
            h.record(10);
        }
        for _ in 0..10 {
            h.record(5000);
        }
        assert_eq!(h.percentile(50.0), Some(10));
        assert_eq!(h.percentile(99.0), Some(10));
        let p999 = h.percentile(99.9).unwrap();
        assert_eq!(p999, 5000);
    }
}
