//! Sans-IO Socket.IO server state machine. Filled by the socketio-engine issue; empty until then.
#![forbid(unsafe_code)]
