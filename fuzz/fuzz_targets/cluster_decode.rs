//! The cluster codec (MessagePack values, broadcasts, requests and responses from Redis, and
//! the sharded adapter's messages) over arbitrary bytes; anything that decodes must re-encode
//! to bytes that decode the same.
//! The body lives in the library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_proto::cluster::fuzz::fuzz_decode_all(data));
