//! Deterministic test harness.
