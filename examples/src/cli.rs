//! Command-line options shared by the example servers: `--port N` (or env `PORT`,
//! default [`DEFAULT_PORT`]), `--client-js PATH` (or env `SOCKETIO_CLIENT_JS`) and
//! `--redis URL` (or env `REDIS_URL`: the chat as one instance of several on that Redis) and
//! `--recovery-ms N` (the chat's connection state recovery window, 0 for off) and `--admin`
//! (the Socket.IO admin UI's namespace `/admin`, without authentication).

use std::path::PathBuf;

use crate::assets::default_client_js;

/// The port the examples listen on unless told otherwise.
pub const DEFAULT_PORT: u16 = 3000;

/// Parsed options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// TCP port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// socket.io-client's `dist/socket.io.min.js`.
    pub client_js: PathBuf,
    /// The Redis of a cluster of chat instances (`redis://127.0.0.1:6379`), if any.
    pub redis: Option<String>,
    /// Connection state recovery's window in milliseconds (0: off); default
    /// [`DEFAULT_RECOVERY_MS`].
    pub recovery_ms: u64,
    /// `--admin`: serve the Socket.IO admin UI's namespace (`/admin`, no authentication).
    pub admin: bool,
}

/// The chat's default recovery window: node's default `maxDisconnectionDuration`, 2 minutes.
pub const DEFAULT_RECOVERY_MS: u64 = 120_000;

/// Why the command line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// `--help` was asked for; the text is the usage.
    #[error("{0}")]
    Help(String),
    /// A port that is not a number in 0..=65535.
    #[error("invalid port {0:?}")]
    BadPort(String),
    /// An option without its value.
    #[error("{0} needs a value")]
    MissingValue(String),
    /// A duration that is not a number of milliseconds.
    #[error("invalid number of milliseconds {0:?}")]
    BadMillis(String),
    /// An option this program does not know.
    #[error("unknown argument {0:?} (try --help)")]
    Unknown(String),
}

fn port(s: &str) -> Result<u16, CliError> {
    s.parse().map_err(|_| CliError::BadPort(s.to_owned()))
}

impl Options {
    /// Parses `args` (without the program name); `env` looks up environment variables.
    ///
    /// # Errors
    /// See [`CliError`].
    pub fn parse(
        program: &str,
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CliError> {
        let mut o = Self {
            port: env("PORT").map_or(Ok(DEFAULT_PORT), |p| port(&p))?,
            client_js: env("SOCKETIO_CLIENT_JS").map_or_else(default_client_js, PathBuf::from),
            redis: env("REDIS_URL"),
            recovery_ms: DEFAULT_RECOVERY_MS,
            admin: false,
        };
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            let mut value = || args.next().ok_or_else(|| CliError::MissingValue(a.clone()));
            match a.as_str() {
                "--port" | "-p" => o.port = port(&value()?)?,
                "--client-js" => o.client_js = PathBuf::from(value()?),
                "--redis" => o.redis = Some(value()?),
                "--recovery-ms" => {
                    let v = value()?;
                    o.recovery_ms = v.parse().map_err(|_| CliError::BadMillis(v))?;
                }
                "--admin" => o.admin = true,
                "--help" | "-h" => {
                    return Err(CliError::Help(format!(
                        "usage: {program} [--port N] [--client-js PATH] [--redis URL] [--recovery-ms N] [--admin]\n  \
                         --port N          listen on 127.0.0.1:N (env PORT, default {DEFAULT_PORT}; 0 picks one)\n  \
                         --client-js PATH  socket.io-client's dist/socket.io.min.js (env SOCKETIO_CLIENT_JS)\n  \
                         --redis URL       one chat instance of several sharing this Redis (env REDIS_URL)\n  \
                         --recovery-ms N   connection state recovery window (default {DEFAULT_RECOVERY_MS}; 0: off)\n  \
                         --admin           serve the admin UI's namespace /admin (no auth; open https://admin.socket.io)"
                    )));
                }
                _ => return Err(CliError::Unknown(a)),
            }
        }
        Ok(o)
    }

    /// The recovery window as a duration, `None` when off.
    #[must_use]
    pub fn recovery(&self) -> Option<std::time::Duration> {
        (self.recovery_ms > 0).then(|| std::time::Duration::from_millis(self.recovery_ms))
    }

    /// Parses the process's arguments and environment, or prints the problem and exits
    /// (0 for `--help`, 2 otherwise).
    #[must_use]
    pub fn from_env() -> Self {
        let mut args = std::env::args();
        let program = args.next().unwrap_or_else(|| "chat".to_owned());
        match Self::parse(&program, args, |k| std::env::var(k).ok()) {
            Ok(o) => o,
            Err(CliError::Help(h)) => {
                println!("{h}");
                std::process::exit(0);
            }
            Err(e) => {
                eprintln!("{program}: {e}");
                std::process::exit(2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], port_env: Option<&str>) -> Result<Options, CliError> {
        let port_env = port_env.map(str::to_owned);
        Options::parse("chat", args.iter().map(|s| (*s).to_owned()), move |k| {
            (k == "PORT").then(|| port_env.clone()).flatten()
        })
    }

    #[test]
    fn port_from_flag_env_or_default() {
        assert_eq!(parse(&[], None).unwrap().port, DEFAULT_PORT);
        assert_eq!(parse(&[], Some("4000")).unwrap().port, 4000);
        assert_eq!(parse(&["--port", "0"], Some("4000")).unwrap().port, 0);
        assert_eq!(
            parse(&["--port", "70000"], None),
            Err(CliError::BadPort("70000".into()))
        );
        assert_eq!(parse(&[], Some("x")), Err(CliError::BadPort("x".into())));
        assert_eq!(
            parse(&["--port"], None),
            Err(CliError::MissingValue("--port".into()))
        );
        assert_eq!(
            parse(&["--nope"], None),
            Err(CliError::Unknown("--nope".into()))
        );
        assert!(matches!(parse(&["--help"], None), Err(CliError::Help(h)) if h.contains("--port")));
        assert_eq!(parse(&[], None).unwrap().redis, None);
        let o = parse(&["--redis", "redis://127.0.0.1:1"], None).unwrap();
        assert_eq!(o.redis.as_deref(), Some("redis://127.0.0.1:1"));
        assert_eq!(
            parse(&[], None).unwrap().recovery(),
            Some(std::time::Duration::from_secs(120))
        );
        assert_eq!(
            parse(&["--recovery-ms", "0"], None).unwrap().recovery(),
            None
        );
        assert_eq!(
            parse(&["--recovery-ms", "1500"], None).unwrap().recovery_ms,
            1500
        );
        assert_eq!(
            parse(&["--recovery-ms", "soon"], None),
            Err(CliError::BadMillis("soon".into()))
        );
        let o = parse(&["--client-js", "/x.js"], None).unwrap();
        assert_eq!(o.client_js, PathBuf::from("/x.js"));
        assert!(
            parse(&[], None)
                .unwrap()
                .client_js
                .ends_with("dist/socket.io.min.js")
        );
    }
}
