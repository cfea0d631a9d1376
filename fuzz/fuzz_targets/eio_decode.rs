//! Every Engine.IO decoder (frames, the three payload formats, the handshake) over arbitrary
//! bytes; anything that decodes must re-encode to the same packets. The body lives in the library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_proto::eio::fuzz::fuzz_decode_all(data));
