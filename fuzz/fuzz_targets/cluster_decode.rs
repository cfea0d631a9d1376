//! The cluster codecs (MessagePack values, broadcasts, requests and responses from Redis, the
//! sharded adapter's messages, and the streams backend's entries, pub/sub messages, sessions
//! and offsets) over arbitrary bytes; anything that decodes must re-encode to bytes that
//! decode the same.
//! The body lives in the library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_proto::cluster::fuzz::fuzz_decode_all(data));
