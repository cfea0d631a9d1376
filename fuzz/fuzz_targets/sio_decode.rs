//! The Socket.IO decoder and the binary-attachment reassembler over arbitrary bytes; anything
//! that decodes must re-encode to the same packet. The body lives in the library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_proto::sio::fuzz::fuzz_decode_all(data));
