//! The cluster adapter on a real Redis with our tokio server and node's (scenario in
//! `adapter_core::cluster_interop`): a broadcast from each server reaches the other's
//! socket.io-client, and node's `fetchSockets` / `allRooms` list our socket.

use adapter_tokio::TokioRuntime;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasts_and_requests_cross_with_node() {
    let out = adapter_core::cluster_interop::broadcasts_and_requests_cross_with_node(
        TokioRuntime::current(),
    )
    .await;
    println!("{out}");
}

/// Redis killed and restarted on its port mid-test: both servers reconnect and resubscribe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_a_redis_restart() {
    let out =
        adapter_core::cluster_interop::survives_a_redis_restart(TokioRuntime::current()).await;
    println!("{out}");
}
