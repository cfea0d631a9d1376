//! [`HandshakeHeaders`]: the handshake request's headers, kept compactly for the session's
//! lifetime.
//!
//! Why not keep the `http::HeaderMap`: a map of 8 headers costs about 1 KiB in its index and
//! entry tables (half the idle-socket budget), and a driver such as hyper hands over values
//! that are slices of the connection's read buffer, so keeping them would pin that whole
//! buffer for as long as the session lives. Here every header is copied into ONE exact-size
//! allocation as `len name len value` records (lengths as 4-byte little-endian), which needs
//! no separator that a value could contain. Lookups scan the records; they are rare (the
//! application reads a header or two when a client connects).

use std::fmt;

/// The headers of the request that opened a session (Node's `socket.handshake.headers`).
///
/// Names are lowercase, as `http` normalizes them; lookups ignore ASCII case. Values are the
/// raw bytes (usually visible ASCII; see [`get_str`](Self::get_str)). Repeated headers keep
/// every value, in order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HandshakeHeaders {
    records: Box<[u8]>,
}

impl HandshakeHeaders {
    /// Copies every header of `map` (a header too long to record, over 4 GiB, is skipped).
    #[must_use]
    pub fn from_header_map(map: &http::HeaderMap) -> Self {
        let size = map
            .iter()
            .map(|(k, v)| k.as_str().len().saturating_add(v.len()).saturating_add(8))
            .fold(0usize, usize::saturating_add);
        let mut records = Vec::with_capacity(size);
        for (name, value) in map {
            let (Ok(nl), Ok(vl)) = (
                u32::try_from(name.as_str().len()),
                u32::try_from(value.len()),
            ) else {
                continue;
            };
            records.extend_from_slice(&nl.to_le_bytes());
            records.extend_from_slice(name.as_str().as_bytes());
            records.extend_from_slice(&vl.to_le_bytes());
            records.extend_from_slice(value.as_bytes());
        }
        Self {
            records: records.into_boxed_slice(),
        }
    }

    /// Every `(name, value)` pair, in request order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        Records {
            rest: &self.records,
        }
    }

    /// The first value of header `name` (any ASCII case).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The first value of header `name` as text, when it is valid UTF-8.
    #[must_use]
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of header `name` (any ASCII case), in request order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Number of header lines.
    #[must_use]
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the request had no headers.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The headers as an `http::HeaderMap` (built on each call).
    #[must_use]
    pub fn to_header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in self.iter() {
            if let (Ok(k), Ok(v)) = (
                http::HeaderName::from_bytes(k.as_bytes()),
                http::HeaderValue::from_bytes(v),
            ) {
                map.append(k, v);
            }
        }
        map
    }
}

impl From<&http::HeaderMap> for HandshakeHeaders {
    fn from(map: &http::HeaderMap) -> Self {
        Self::from_header_map(map)
    }
}

impl fmt::Debug for HandshakeHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (k, String::from_utf8_lossy(v))))
            .finish()
    }
}

/// Walks the records; stops at the first malformed one (none is ever written).
struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Records<'a> {
    fn field(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        let (field, rest) = rest.split_at_checked(len)?;
        self.rest = rest;
        Some(field)
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (&'a str, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let name = self.field().and_then(|n| std::str::from_utf8(n).ok());
        let value = self.field();
        match (name, value) {
            (Some(n), Some(v)) => Some((n, v)),
            _ => {
                self.rest = &[];
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> http::HeaderMap {
        let mut m = http::HeaderMap::new();
        m.insert("host", "example.com".parse().unwrap());
        m.append("cookie", "a=1".parse().unwrap());
        m.append("cookie", "b=2".parse().unwrap());
        m.insert(
            "x-bin",
            http::HeaderValue::from_bytes(b"caf\xc3\xa9 \xff").unwrap(),
        );
        m.insert("empty", http::HeaderValue::from_static(""));
        m
    }

    #[test]
    fn lookups_are_case_insensitive_and_keep_repeats() {
        let h = HandshakeHeaders::from_header_map(&map());
        assert_eq!(h.get_str("Host"), Some("example.com"));
        assert_eq!(h.get_all("COOKIE").collect::<Vec<_>>(), [b"a=1", b"b=2"]);
        assert_eq!(h.get("x-bin"), Some(&b"caf\xc3\xa9 \xff"[..]));
        assert_eq!(h.get_str("x-bin"), None, "not UTF-8");
        assert_eq!(h.get_str("empty"), Some(""));
        assert_eq!(h.get("missing"), None);
        assert_eq!(h.len(), 5);
        assert!(!h.is_empty() && HandshakeHeaders::default().is_empty());
    }

    #[test]
    fn round_trips_through_header_map_in_one_exact_allocation() {
        let m = map();
        let h = HandshakeHeaders::from(&m);
        assert_eq!(h.to_header_map(), m);
        let payload: usize = m.iter().map(|(k, v)| k.as_str().len() + v.len() + 8).sum();
        assert_eq!(h.records.len(), payload);
        assert!(format!("{h:?}").contains("\"host\": \"example.com\""));
    }
}
