//! Socket.IO server on the async-std runtime. Empty until the adapters issue.
#![forbid(unsafe_code)]
