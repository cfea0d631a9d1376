//! Socket.IO server on the smol runtime. Empty until the adapters issue.
#![forbid(unsafe_code)]
