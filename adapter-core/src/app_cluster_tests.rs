//! The application's cluster calls on the fake runtime (see `hub_tests`), without Redis:
//! with no cluster they give the local answer; with the cluster on and no other server,
//! requests end at once and a broadcast with acks still waits for its local part. (Across
//! real servers: `cluster_interop`, run by each adapter's `cluster_redis` test.)

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use socketio_engine::cluster::ClusterConfig;
use socketio_proto::Str;

use crate::app::{App, Namespace, ServerHandle};
use crate::hub_tests::{Harness, drain, ws_open, ws_send};
use crate::outq::OutRx;
use socketio_engine::ConnId;

/// Runs the hub until `fut` is ready (it only waits for the hub).
fn run<T>(h: &Harness, fut: impl Future<Output = T>) -> T {
    let mut fut = Box::pin(fut);
    let waker = futures_util::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    for _ in 0..20 {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        h.rt.run();
    }
    panic!("the hub never answered");
}

/// A server whose `/` sockets join the room their `join` event names; one client in `r1`.
fn one_client_in_r1(cluster: bool) -> (Harness, ServerHandle, ConnId, OutRx) {
    let app = App::new()
        .configure(|c| {
            if cluster {
                c.cluster = Some(ClusterConfig::default());
            }
        })
        .namespace(Namespace::new("/").on("join", |socket, data| async move {
            socket.join(data.arg::<String>().unwrap());
        }));
    let h = Harness::new(app);
    let handle = ServerHandle::new(h.ctl.clone(), Arc::new(()));
    let (conn, rx) = ws_open(&h);
    ws_send(&h, conn, "40");
    ws_send(&h, conn, "42[\"join\",\"r1\"]");
    h.rt.run();
    let out = drain(&rx);
    assert!(out.iter().any(|f| f.starts_with("40{")), "{out:?}");
    (h, handle, conn, rx)
}

#[test]
fn without_a_cluster_the_cluster_calls_give_the_local_answer() {
    let (h, handle, _conn, _rx) = one_client_in_r1(false);
    let rooms = run(&h, handle.all_rooms("/")).unwrap();
    assert!(rooms.contains(&Str::from("r1")), "{rooms:?}");
    assert_eq!(rooms.len(), 2, "r1 and the socket's own room: {rooms:?}");
    assert_eq!(run(&h, handle.server_count()).unwrap(), 1);
    let r = run(&h, handle.server_side_emit_with_ack("/", "ev", &1)).unwrap();
    assert!(r.responses.is_empty() && r.timeout.is_none(), "{r:?}");
    handle.server_side_emit("/", "ev", &1); // reaches nobody, and says nothing
    assert!(
        run(&h, handle.all_rooms("/nope")).is_err(),
        "unknown namespace"
    );
}

#[test]
fn a_lone_cluster_server_answers_at_once_and_a_broadcast_ack_waits_for_its_client() {
    let (h, handle, conn, rx) = one_client_in_r1(true);
    assert_eq!(run(&h, handle.server_count()).unwrap(), 1);
    let r = run(&h, handle.server_side_emit_with_ack("/", "ev", &1)).unwrap();
    assert!(r.responses.is_empty() && r.timeout.is_none(), "{r:?}");
    let rooms = run(&h, handle.all_rooms("/")).unwrap();
    assert!(rooms.contains(&Str::from("r1")), "{rooms:?}");

    // The remote part (no other server) ends at once; the reply still waits for the client.
    let op = handle.of("/").to("r1");
    let mut fut = Box::pin(op.emit_with_ack("q", &(), std::time::Duration::from_secs(5)));
    let waker = futures_util::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    h.rt.run();
    assert!(
        fut.as_mut().poll(&mut cx).is_pending(),
        "the client has not answered"
    );
    let out = drain(&rx);
    let asked = out.iter().find(|f| f.ends_with("[\"q\"]")).expect("asked");
    // "42<id>[\"q\"]" is answered by "43<id>[...]".
    let id = &asked[2..asked.len() - 5];
    let answer: &'static str = Box::leak(format!("43{id}[\"yes\"]").into_boxed_str());
    ws_send(&h, conn, answer);
    let r = run(&h, fut).unwrap();
    assert_eq!(r.replies.len(), 1, "{r:?}");
    assert!(r.remote.is_empty() && r.remote_timeout.is_none(), "{r:?}");
}
