//! Unit tests of the cluster state: defaults, the uid, request bookkeeping.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use socketio_proto::cluster::ResponseBody;

use super::requests::Gathered;
use super::*;

#[test]
fn defaults_are_nodes() {
    let c = ClusterConfig::default();
    assert_eq!(c.prefix, "socket.io");
    assert_eq!(c.requests_timeout, Duration::from_millis(5000));
    assert!(c.uid.is_none());
}

#[test]
fn a_random_uid_is_six_alphanumerics_and_differs() {
    let a = ClusterState::new(ClusterConfig::default());
    let b = ClusterState::new(ClusterConfig::default());
    assert_eq!(a.uid.len(), 6);
    assert!(a.uid.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(a.uid, b.uid);
}

#[test]
fn a_request_ends_once_whatever_comes_after() {
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now();
    let mut c = ClusterState::new(ClusterConfig {
        uid: Some("u".into()),
        ..ClusterConfig::default()
    });
    c.server_count = 2;
    let mut events = VecDeque::new();
    let (_, wire) = c.start(now, Gathered::Rooms(Vec::new()), &mut events);
    let wire = wire.unwrap();
    assert!(events.is_empty());
    assert!(c.respond(&wire, ResponseBody::Rooms(vec!["r".into()]), &mut events));
    assert_eq!(events.len(), 1);
    // A late duplicate answers nothing, and the timer is gone.
    assert!(!c.respond(&wire, ResponseBody::Rooms(vec![]), &mut events));
    assert_eq!(c.timers.next_deadline(), None);
    c.expire(now + Duration::from_secs(10), &mut events);
    assert_eq!(events.len(), 1);
}
