//! Runtime-neutral HTTP/1.1 and WebSocket server that drives the engine. Empty until the adapters issue.
#![forbid(unsafe_code)]
