//! State-machine fuzzing of the whole [`Engine`]: [`run`] reads arbitrary bytes as a
//! sequence of client operations over several clients, application commands and clock
//! advances, and checks the driver-side and memory invariants after every step (see
//! `driver.rs`). A broken invariant panics, which the fuzzer reports as a crash.
//!
//! The bytes are interpreted by hand (one byte picks the operation, the next ones its
//! arguments; the run stops when the bytes do), so any input is a valid program and a
//! minimized crash reads as a short list of operations (`describe`). The fuzz target
//! (`fuzz/fuzz_targets/engine_ops.rs`) and a property test both call [`run`].
//!
//! The config is small on purpose so limits are reached: 6 sessions, 300 queued bytes, 2
//! namespaces per session, 3 pending acks per socket, 2 broadcast acks.

// Test support: an invariant that breaks must panic.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod client;
mod driver;
mod ops;

use std::time::{Duration, Instant};

use socketio_proto::Str;

use self::driver::Driver;
pub use self::driver::Summary;
pub use self::ops::Op;
use crate::engine::{Engine, EngineConfig};

/// How many operations one input may run at most (bounds the time per input).
const MAX_OPS: usize = 400;

/// The small-limits config the fuzzer runs with.
#[must_use]
pub fn config() -> EngineConfig {
    let mut c = EngineConfig::default();
    c.eio.rng_seed = Some([9; 32]);
    c.eio.max_sessions = 6;
    c.eio.max_outbox_bytes = 300;
    c.eio.max_payload_packets = 8;
    c.eio.max_http_buffer_size = 400;
    c.eio.allow_eio3 = true;
    c.eio.allow_v09 = true;
    c.sio
        .rng_seed([8; 32])
        .namespaces(["/", "/chat"].map(Str::from_static))
        .dynamic_namespaces(|n| n.starts_with("/d"))
        .max_dynamic_namespaces(2)
        .max_namespaces_per_session(2)
        .max_pending_acks(3)
        .max_pending_broadcast_acks(2)
        .max_attachments(2)
        .max_binary_bytes(64)
        .connect_timeout(Duration::from_secs(45));
    c
}

/// [`config`] with connection state recovery on, its store small enough to fill: 3
/// sessions, 5 events, 300 bytes, kept for 10 s.
#[must_use]
pub fn recovery_config() -> EngineConfig {
    let mut c = config();
    let mut r = crate::sio::RecoveryConfig::default();
    r.max_disconnection_duration(Duration::from_secs(10))
        .max_sessions(3)
        .max_packets(5)
        .max_bytes(300);
    c.sio.connection_state_recovery(Some(r));
    c
}

/// As [`run`], with [`recovery_config`]: clients also reconnect with the last `pid` and
/// offset they were sent, so sessions are kept, claimed, restored and expired.
///
/// # Panics
/// When an invariant breaks.
pub fn run_recovering(data: &[u8]) -> Summary {
    run_config(data, recovery_config())
}

/// Reads `data` as operations and runs them against a fresh engine, checking every
/// invariant after each one and, at the end, that a shutdown leaves nothing behind.
///
/// # Panics
/// When an invariant breaks (that is the point).
pub fn run(data: &[u8]) {
    let _ = run_with_summary(data);
}

/// As [`run`], returning what the run reached.
///
/// # Panics
/// When an invariant breaks.
pub fn run_with_summary(data: &[u8]) -> Summary {
    run_config(data, config())
}

fn run_config(data: &[u8], config: EngineConfig) -> Summary {
    // Only differences from this instant matter.
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now();
    let mut d = Driver::new(Engine::new(config), now);
    let mut input = ops::Input::new(data);
    for _ in 0..MAX_OPS {
        let Some(op) = Op::read(&mut input) else {
            break;
        };
        op.apply(&mut d);
        d.drain();
        d.check();
    }
    d.finish();
    d.summary
}

/// The operations `data` stands for, one per line (to read a crash input).
#[must_use]
pub fn describe(data: &[u8]) -> String {
    let mut input = ops::Input::new(data);
    let mut out = String::new();
    for _ in 0..MAX_OPS {
        let Some(op) = Op::read(&mut input) else {
            break;
        };
        out.push_str(&format!("{op:?}\n"));
    }
    out
}
