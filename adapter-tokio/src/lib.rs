//! Socket.IO server on the tokio runtime. Empty until the adapters issue.
#![forbid(unsafe_code)]
