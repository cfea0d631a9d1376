//! Deterministic test harness.

pub mod sio_client;
