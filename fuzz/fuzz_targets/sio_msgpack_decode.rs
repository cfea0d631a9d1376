//! The msgpack parser (socket.io-msgpack-parser's packets) over arbitrary bytes; anything
//! that decodes must re-encode to bytes that decode the same. The body lives in the library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_proto::sio::fuzz_decode_msgpack(data));
