//! The chat page's files: `index.html`, `app.js` and `style.css` are compiled into the
//! binary; socket.io-client's browser bundle is read once at startup from the npm package
//! that `tools/chat.sh` installs, and served as `/vendor/socket.io.min.js`.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::{Method, Response, StatusCode, header};

const INDEX_HTML: &str = include_str!("../chat/static/index.html");
const APP_JS: &str = include_str!("../chat/static/app.js");
const STYLE_CSS: &str = include_str!("../chat/static/style.css");

/// Where `npm ci` in `examples/chat/` puts the browser bundle.
#[must_use]
pub fn default_client_js() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("chat/node_modules/socket.io-client/dist/socket.io.min.js")
}

/// The static files of the chat page.
#[derive(Debug, Clone)]
pub struct Assets {
    client_js: Bytes,
}

impl Assets {
    /// Loads socket.io-client's browser bundle from `client_js`.
    ///
    /// # Errors
    /// The file cannot be read (the error says how to install it).
    pub fn load(client_js: &Path) -> io::Result<Self> {
        let data = std::fs::read(client_js).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot read {} ({e}); run tools/chat.sh, or `npm ci` in examples/chat",
                    client_js.display()
                ),
            )
        })?;
        Ok(Self {
            client_js: Bytes::from(data),
        })
    }

    /// Assets with a stand-in bundle (for tests that never run the page's script).
    #[must_use]
    pub fn with_client_js(client_js: Bytes) -> Self {
        Self { client_js }
    }

    /// The content type and body of the file at `path`, if there is one.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<(&'static str, Bytes)> {
        Some(match path {
            "/" | "/index.html" => (
                "text/html; charset=utf-8",
                Bytes::from_static(INDEX_HTML.as_bytes()),
            ),
            "/app.js" => (
                "text/javascript; charset=utf-8",
                Bytes::from_static(APP_JS.as_bytes()),
            ),
            "/style.css" => (
                "text/css; charset=utf-8",
                Bytes::from_static(STYLE_CSS.as_bytes()),
            ),
            "/vendor/socket.io.min.js" => {
                ("text/javascript; charset=utf-8", self.client_js.clone())
            }
            _ => return None,
        })
    }

    /// The whole answer to a request for `path`: the file (GET, HEAD), 405 for other
    /// methods, 404 for unknown paths.
    #[must_use]
    pub fn respond(&self, method: &Method, path: &str) -> Response<Bytes> {
        let Some((ty, body)) = self.get(path) else {
            return text(StatusCode::NOT_FOUND, "not found");
        };
        if method != Method::GET && method != Method::HEAD {
            return text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        }
        let len = body.len();
        let body = if method == Method::HEAD {
            Bytes::new()
        } else {
            body
        };
        let mut r = Response::new(body);
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(ty));
        h.insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
        // The page is tiny and changes with the binary; never serve a stale one.
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-cache"),
        );
        r
    }
}

fn text(status: StatusCode, msg: &'static str) -> Response<Bytes> {
    let mut r = Response::new(Bytes::from_static(msg.as_bytes()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_page_and_refuses_the_rest() {
        let a = Assets::with_client_js(Bytes::from_static(b"/*io*/"));
        let r = a.respond(&Method::GET, "/");
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            std::str::from_utf8(r.body())
                .unwrap()
                .contains("/vendor/socket.io.min.js")
        );
        assert_eq!(
            a.respond(&Method::GET, "/vendor/socket.io.min.js")
                .body()
                .as_ref(),
            b"/*io*/"
        );
        assert_eq!(
            a.respond(&Method::GET, "/app.js").headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        let head = a.respond(&Method::HEAD, "/style.css");
        assert!(head.body().is_empty());
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            STYLE_CSS.len().to_string().as_str()
        );
        assert_eq!(
            a.respond(&Method::POST, "/").status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            a.respond(&Method::GET, "/../Cargo.toml").status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn a_missing_bundle_says_how_to_install_it() {
        let e = Assets::load(Path::new("/nonexistent/socket.io.min.js")).unwrap_err();
        assert!(e.to_string().contains("tools/chat.sh"), "{e}");
    }
}
