//! The chat application.

pub mod state;
