//! The whole engine with connection state recovery on: clients reconnect with pids and
//! offsets they were sent; every invariant (the store's limits included) checked after each
//! step (body in `socketio_engine::testing::fuzz::run_recovering`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = socketio_engine::testing::fuzz::run_recovering(data);
});
