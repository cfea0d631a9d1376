//! The legacy decoders (Socket.IO 0.9 packets, payloads and handshakes; Engine.IO v3 JSONP
//! index and form body) over arbitrary bytes; anything that decodes must re-encode to the same
//! value. The body lives in the library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| socketio_proto::v09::fuzz::fuzz_decode_all(data));
