//! CORS headers, as node's `cors` middleware (used by `engine.io`) writes them.
//!
//! Every polling response (data, "ok", and the JSON errors) carries the simple-request
//! headers; an `OPTIONS` request is a preflight and is answered here with 204 and the
//! preflight headers, before any Engine.IO validation. WebSocket upgrades carry none.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Which origins may read responses (`Access-Control-Allow-Origin`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigin {
    /// `*`: any origin (cannot be combined with credentials by browsers).
    Any,
    /// Reflect the request's `Origin`, whatever it is (node's `origin: true`).
    Mirror,
    /// Always this origin (node's `origin: "https://a.example"`).
    Exact(String),
    /// Reflect the request's `Origin` only when it is one of these; otherwise send no
    /// `Access-Control-Allow-Origin`, so the browser blocks the response.
    List(Vec<String>),
}

/// CORS settings. `CorsConfig::default()` is node's `cors: {}`: origin `*`, no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsConfig {
    /// Allowed origins. Default [`CorsOrigin::Any`].
    pub origin: CorsOrigin,
    /// Send `Access-Control-Allow-Credentials: true`. Default false.
    pub credentials: bool,
    /// Methods announced in preflight answers. Default `GET,HEAD,PUT,PATCH,POST,DELETE`.
    pub methods: Vec<http::Method>,
    /// Headers announced in preflight answers; `None` (default) reflects the request's
    /// `Access-Control-Request-Headers`.
    pub allowed_headers: Option<Vec<String>>,
    /// `Access-Control-Expose-Headers` on ordinary responses. Default none.
    pub exposed_headers: Vec<String>,
    /// `Access-Control-Max-Age` in seconds on preflight answers. Default none.
    pub max_age: Option<u32>,
}

impl Default for CorsConfig {
    fn default() -> Self {
        use http::Method;
        Self {
            origin: CorsOrigin::Any,
            credentials: false,
            methods: vec![
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::PATCH,
                Method::POST,
                Method::DELETE,
            ],
            allowed_headers: None,
            exposed_headers: Vec::new(),
            max_age: None,
        }
    }
}

impl CorsConfig {
    /// Adds the headers of an ordinary (non-preflight) response for a request whose
    /// `Origin` was `origin`.
    pub(crate) fn apply(&self, origin: Option<&HeaderValue>, out: &mut HeaderMap) {
        self.apply_origin(origin, out);
        self.apply_credentials(out);
        if !self.exposed_headers.is_empty() {
            insert_joined(
                out,
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                &self.exposed_headers,
            );
        }
    }

    /// Adds the headers of a preflight answer.
    pub(crate) fn apply_preflight(&self, req: &HeaderMap, out: &mut HeaderMap) {
        self.apply_origin(req.get(header::ORIGIN), out);
        self.apply_credentials(out);
        let methods: Vec<&str> = self.methods.iter().map(http::Method::as_str).collect();
        insert_joined(out, header::ACCESS_CONTROL_ALLOW_METHODS, &methods);
        match &self.allowed_headers {
            Some(list) => {
                if !list.is_empty() {
                    insert_joined(out, header::ACCESS_CONTROL_ALLOW_HEADERS, list);
                }
            }
            None => {
                if let Some(asked) = req.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
                    out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
                    append_vary(out, "Access-Control-Request-Headers");
                }
            }
        }
        if let Some(age) = self.max_age {
            out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(age));
        }
        if !self.exposed_headers.is_empty() {
            insert_joined(
                out,
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                &self.exposed_headers,
            );
        }
    }

    fn apply_origin(&self, origin: Option<&HeaderValue>, out: &mut HeaderMap) {
        let allow = match &self.origin {
            CorsOrigin::Any => {
                out.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                );
                return;
            }
            CorsOrigin::Exact(o) => HeaderValue::from_str(o).ok(),
            CorsOrigin::Mirror => origin.cloned(),
            CorsOrigin::List(list) => origin
                .filter(|o| {
                    list.iter()
                        .any(|allowed| allowed.as_bytes() == o.as_bytes())
                })
                .cloned(),
        };
        if let Some(allow) = allow {
            out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        }
        // The answer depends on the request's Origin, so caches must key on it.
        append_vary(out, "Origin");
    }

    fn apply_credentials(&self, out: &mut HeaderMap) {
        if self.credentials {
            out.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

fn insert_joined<S: AsRef<str>>(out: &mut HeaderMap, name: HeaderName, items: &[S]) {
    let joined = items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(",");
    if let Ok(v) = HeaderValue::from_str(&joined) {
        out.insert(name, v);
    }
}

fn append_vary(out: &mut HeaderMap, what: &'static str) {
    out.append(header::VARY, HeaderValue::from_static(what));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_reflects_allowed_origin_only() {
        let cfg = CorsConfig {
            origin: CorsOrigin::List(vec!["https://a.example".into()]),
            ..CorsConfig::default()
        };
        let mut out = HeaderMap::new();
        cfg.apply(
            Some(&HeaderValue::from_static("https://a.example")),
            &mut out,
        );
        assert_eq!(
            out[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://a.example"
        );
        assert_eq!(out[header::VARY], "Origin");
        let mut out = HeaderMap::new();
        cfg.apply(
            Some(&HeaderValue::from_static("https://evil.example")),
            &mut out,
        );
        assert!(out.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    }

    #[test]
    fn preflight_reflects_requested_headers_by_default() {
        let cfg = CorsConfig {
            credentials: true,
            max_age: Some(600),
            ..CorsConfig::default()
        };
        let mut req = HeaderMap::new();
        req.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static("x-custom"),
        );
        let mut out = HeaderMap::new();
        cfg.apply_preflight(&req, &mut out);
        assert_eq!(out[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(out[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        assert_eq!(
            out[header::ACCESS_CONTROL_ALLOW_METHODS],
            "GET,HEAD,PUT,PATCH,POST,DELETE"
        );
        assert_eq!(out[header::ACCESS_CONTROL_ALLOW_HEADERS], "x-custom");
        assert_eq!(out[header::ACCESS_CONTROL_MAX_AGE], "600");
    }
}
