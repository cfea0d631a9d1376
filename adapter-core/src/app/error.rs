//! [`Error`]: why an application call did not happen.

use socketio_engine::UsageError;

/// An application call that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server has stopped; its handles no longer reach it.
    #[error("the server has stopped")]
    Stopped,
    /// The engine refused the command (unknown socket, reserved event name, ...).
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The arguments could not be turned into JSON.
    #[error("arguments could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The client did not acknowledge in time (or disconnected first).
    #[error("acknowledgement timed out")]
    AckTimeout,
    /// Not every other server of the cluster answered in time.
    #[error(transparent)]
    ClusterTimeout(#[from] socketio_engine::cluster::RequestTimeout),
}

/// Logs the failure of a fire-and-forget call, which its caller could not act on. A stopped
/// server is expected during shutdown (debug); anything else is a bug or a race (warn).
pub(crate) fn log_failure(what: &str, r: Result<(), Error>) {
    match r {
        Ok(()) => {}
        Err(Error::Stopped) => tracing::debug!("{what}: the server has stopped"),
        Err(e) => tracing::warn!("{what}: {e}"),
    }
}
