//! The whole engine as a state machine: bytes → client operations, app commands and clock
//! steps, with every invariant checked after each (body in `socketio_engine::testing::fuzz`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_engine::testing::fuzz::run(data));
