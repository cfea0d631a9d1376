//! notepack.io's dates: the MessagePack timestamp extension read as a JavaScript `Date`, and
//! that date as `JSON.stringify` writes it (`toISOString`).

use std::fmt::Write;

/// JavaScript's `TimeClip`: a date more than 8.64e15 ms from the epoch is invalid.
const MAX_MS: f64 = 8.64e15;

/// The milliseconds since the epoch notepack.io reads from extension `ty` with `data`, or
/// `None` when it reads something else. The arithmetic is JavaScript's (doubles).
pub(crate) fn ext_millis(ty: i8, data: &[u8]) -> Option<f64> {
    let be32 = |at: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    };
    match (ty, data.len()) {
        // timestamp 32: seconds.
        (-1, 4) => Some(f64::from(be32(0)?) * 1e3),
        // timestamp 64: 30 bits of nanoseconds, 34 bits of seconds.
        (-1, 8) => {
            let (hi, lo) = (be32(0)?, be32(4)?);
            let secs = f64::from(hi & 0x3) * 4_294_967_296.0 + f64::from(lo);
            Some(secs * 1e3 + f64::from(hi >> 2) / 1e6)
        }
        // timestamp 96: 32 bits of nanoseconds, then signed 64-bit seconds (read as a signed
        // high word and an unsigned low word, as notepack.io does).
        (-1, 12) => {
            let ns = be32(0)?;
            let hi = be32(4)? as i32;
            let lo = be32(8)?;
            Some((f64::from(hi) * 4_294_967_296.0 + f64::from(lo)) * 1e3 + f64::from(ns) / 1e6)
        }
        // notepack.io's own legacy date: signed 64-bit milliseconds as two words.
        (0, 8) => {
            let hi = be32(0)? as i32;
            Some(f64::from(hi) * 4_294_967_296.0 + f64::from(be32(4)?))
        }
        _ => None,
    }
}

/// `date.toJSON()` for the date at `ms`: `"YYYY-MM-DDTHH:mm:ss.sssZ"` (years outside
/// 0..=9999 as `±YYYYYY`), or `None` for an invalid date (JSON `null`).
pub(crate) fn iso_string(ms: f64) -> Option<String> {
    if !ms.is_finite() || ms.abs() > MAX_MS {
        return None;
    }
    // TimeClip truncates towards zero; the range check makes the cast exact.
    let ms = ms.trunc() as i64;
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(27);
    if (0..=9999).contains(&y) {
        let _ = write!(out, "{y:04}");
    } else {
        let _ = write!(
            out,
            "{}{:06}",
            if y < 0 { '-' } else { '+' },
            y.unsigned_abs()
        );
    }
    let _ = write!(
        out,
        "-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    );
    Some(out)
}

/// `String(new Date(ms))` on a node whose time zone is UTC, as socket.io writes a socket's
/// `handshake.time`: `"Wed Dec 02 2026 13:29:49 GMT+0000 (Coordinated Universal Time)"`
/// (node writes its own local zone; a server of ours has no zone database, so UTC).
/// `"Invalid Date"` beyond JavaScript's dates (over 8.64e15 ms).
#[must_use]
pub fn js_date_string(ms: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Ok(ms) = i64::try_from(ms) else {
        return "Invalid Date".to_owned();
    };
    if ms > 8_640_000_000_000_000 {
        return "Invalid Date".to_owned();
    }
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday; `days` is not negative here.
    let weekday = DAYS
        .get(days.rem_euclid(7) as usize)
        .copied()
        .unwrap_or("Thu");
    let month = MONTHS
        .get((m as usize).saturating_sub(1))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{weekday} {month} {d:02} {y:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_strings_match_javascript() {
        assert_eq!(iso_string(0.0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        // new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)).toISOString()
        assert_eq!(
            iso_string(1_767_323_045_678.0).as_deref(),
            Some("2026-01-02T03:04:05.678Z")
        );
        // new Date(-1).toISOString(), new Date(-62198755200000) (year -1), 8.64e15
        assert_eq!(
            iso_string(-1.0).as_deref(),
            Some("1969-12-31T23:59:59.999Z")
        );
        assert_eq!(
            iso_string(-62_198_755_200_000.0).as_deref(),
            Some("-000001-01-01T00:00:00.000Z")
        );
        assert_eq!(
            iso_string(8.64e15).as_deref(),
            Some("+275760-09-13T00:00:00.000Z")
        );
        assert_eq!(iso_string(8.64e15 + 1.0), None);
        assert_eq!(iso_string(f64::NAN), None);
    }

    #[test]
    fn date_strings_match_node_in_utc() {
        // TZ=UTC node -e 'console.log(String(new Date(1764682189123)))'
        assert_eq!(
            js_date_string(1_764_682_189_123),
            "Tue Dec 02 2025 13:29:49 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(
            js_date_string(0),
            "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        // TZ=UTC node -e 'console.log(String(new Date(951782400000)))' (a leap day, a Tuesday)
        assert_eq!(
            js_date_string(951_782_400_000),
            "Tue Feb 29 2000 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(js_date_string(u64::MAX), "Invalid Date");
    }

    #[test]
    fn timestamps_read_as_notepack_does() {
        assert_eq!(ext_millis(-1, &[0, 0, 0, 1]), Some(1000.0));
        // timestamp 64 with 1 ms (1e6 ns << 2) and 1 s.
        let hi = 1_000_000u32 << 2;
        let mut b = hi.to_be_bytes().to_vec();
        b.extend_from_slice(&1u32.to_be_bytes());
        assert_eq!(ext_millis(-1, &b), Some(1001.0));
        // timestamp 96: -1 s.
        let mut b = 0u32.to_be_bytes().to_vec();
        b.extend_from_slice(&(-1i64).to_be_bytes());
        assert_eq!(ext_millis(-1, &b), Some(-1000.0));
        assert_eq!(ext_millis(0, &5i64.to_be_bytes()), Some(5.0));
        assert_eq!(ext_millis(3, &[0; 4]), None);
    }
}
