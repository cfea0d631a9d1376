//! Decimal length prefixes, written without allocating.

/// The decimal digits of `n`, most significant first, in `buf`, each as `zero` plus its value:
/// `zero` is `0` for the v3 binary format's raw digit bytes and `b'0'` for ASCII.
pub(super) fn decimal(mut n: usize, zero: u8, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        // `n % 10` is below 10, so the narrowing is exact.
        *slot = zero.saturating_add(u8::try_from(n % 10).unwrap_or_default());
        n /= 10;
        start = start.saturating_sub(1);
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
}

/// How many decimal digits `n` has.
pub(super) const fn count(n: usize) -> usize {
    match n.checked_ilog10() {
        Some(log) => log as usize + 1,
        None => 1,
    }
}

/// Appends the ASCII decimal digits of `n`.
pub(super) fn put_ascii(n: usize, out: &mut Vec<u8>) {
    let mut buf = [0; 20];
    out.extend_from_slice(decimal(n, b'0', &mut buf));
}

/// Accumulates one more decimal digit, or `None` on overflow.
pub(super) fn push_digit(acc: usize, digit: u8) -> Option<usize> {
    acc.checked_mul(10)?.checked_add(usize::from(digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        let mut buf = [0; 20];
        assert_eq!(decimal(0, 0, &mut buf), &[0]);
        assert_eq!(decimal(907, 0, &mut buf), &[9, 0, 7]);
        assert_eq!(decimal(usize::MAX, b'0', &mut buf).len(), count(usize::MAX));
        assert_eq!(count(0), 1);
        assert_eq!(count(9), 1);
        assert_eq!(count(10), 2);
        let mut out = Vec::new();
        put_ascii(1024, &mut out);
        assert_eq!(&out[..], b"1024");
        assert_eq!(push_digit(12, 3), Some(123));
        assert_eq!(push_digit(usize::MAX / 10 + 1, 0), None);
    }
}
