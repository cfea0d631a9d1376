//! End-to-end tests of the Socket.IO server against real clients: the test application
//! ([`app`]) served by the `e2e-server` binary on each runtime.
#![forbid(unsafe_code)]

pub mod admin;
pub mod app;
pub mod cluster;
