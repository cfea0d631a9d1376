//! Sans-IO Socket.IO server state machine. Filled by the socketio-engine issue; empty until then.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::expect_used
)]

pub mod event;
pub mod sio;
