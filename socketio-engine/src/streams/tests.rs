//! Unit tests of the streams backend's state: node's defaults, the uid's form, and the
//! pending-appends limit.

use std::time::Instant;

use super::*;
use crate::engine::{Engine, EngineConfig};
use crate::sio::broadcast::BroadcastTarget;
use crate::sio::error::UsageError;
use socketio_proto::sio::Args;

#[test]
fn defaults_are_nodes() {
    let c = StreamsConfig::default();
    assert_eq!(c.stream, "socket.io");
    assert_eq!(c.max_len, 10_000);
    assert_eq!(c.session_key_prefix, "sio:session:");
    assert_eq!(c.max_restore_entries, 100 * 100);
    let s = StreamsState::new(c);
    assert_eq!(s.uid.len(), 16);
    assert!(s.uid.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn max_pending_appends_refuses_the_next_broadcast() {
    let config = EngineConfig {
        streams: Some(StreamsConfig {
            max_pending_appends: 2,
            ..StreamsConfig::default()
        }),
        ..EngineConfig::default()
    };
    let mut e = Engine::new(config);
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now();
    let all = BroadcastTarget::namespace("/");
    let a = Args::from_values([]);
    assert!(e.broadcast(now, &all, "x", &a, vec![]).is_ok());
    assert!(e.broadcast(now, &all, "x", &a, vec![]).is_ok());
    assert_eq!(
        e.broadcast(now, &all, "x", &a, vec![]),
        Err(UsageError::TooManyPendingAppends)
    );
    // A reserved name is refused before anything is appended.
    assert!(matches!(
        e.broadcast(now, &all, "connect", &a, vec![]),
        Err(UsageError::ReservedEventName(_))
    ));
}
