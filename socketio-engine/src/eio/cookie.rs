//! The optional sid cookie on the handshake response (node's `cookie` option), used by
//! load balancers for sticky sessions.

use http::HeaderValue;

use crate::ids::Sid;

/// The cookie's `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax` (node's default).
    Lax,
    /// `SameSite=None` (browsers then require `Secure`).
    None,
}

/// Settings of the sid cookie; `CookieConfig::default()` is node's `cookie: true`:
/// `io=<sid>; Path=/; HttpOnly; SameSite=Lax`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieConfig {
    /// Cookie name. Default `"io"`.
    pub name: String,
    /// `Path` attribute. Default `Some("/")`.
    pub path: Option<String>,
    /// `HttpOnly` attribute. Default true.
    pub http_only: bool,
    /// `SameSite` attribute. Default `Some(SameSite::Lax)`.
    pub same_site: Option<SameSite>,
    /// `Secure` attribute. Default false.
    pub secure: bool,
    /// `Max-Age` in seconds. Default none (a session cookie).
    pub max_age: Option<u64>,
    /// `Domain` attribute. Default none.
    pub domain: Option<String>,
}

impl Default for CookieConfig {
    fn default() -> Self {
        Self {
            name: "io".to_owned(),
            path: Some("/".to_owned()),
            http_only: true,
            same_site: Some(SameSite::Lax),
            secure: false,
            max_age: None,
            domain: None,
        }
    }
}

impl CookieConfig {
    /// The `Set-Cookie` value for `sid`, attributes in the order node's `cookie` package
    /// writes them; `None` when the configured text is not a valid header value.
    pub(crate) fn header_value(&self, sid: Sid) -> Option<HeaderValue> {
        let mut s = format!("{}={sid}", self.name);
        if let Some(age) = self.max_age {
            s.push_str(&format!("; Max-Age={age}"));
        }
        if let Some(domain) = &self.domain {
            s.push_str(&format!("; Domain={domain}"));
        }
        if let Some(path) = &self.path {
            s.push_str(&format!("; Path={path}"));
        }
        if self.http_only {
            s.push_str("; HttpOnly");
        }
        if self.secure {
            s.push_str("; Secure");
        }
        match self.same_site {
            Some(SameSite::Strict) => s.push_str("; SameSite=Strict"),
            Some(SameSite::Lax) => s.push_str("; SameSite=Lax"),
            Some(SameSite::None) => s.push_str("; SameSite=None"),
            None => {}
        }
        HeaderValue::from_str(&s).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_cookie_is_nodes() {
        let sid = Sid::from_bytes([0; 15]);
        let v = CookieConfig::default().header_value(sid).unwrap();
        assert_eq!(v, "io=AAAAAAAAAAAAAAAAAAAA; Path=/; HttpOnly; SameSite=Lax");
    }
}
