//! The cluster adapter on a real Redis with our smol server (redis-rs' smol runtime) and
//! node's (scenario in `adapter_core::cluster_interop`): a broadcast from each server reaches
//! the other's socket.io-client, and node's `fetchSockets` / `allRooms` list our socket.

#[test]
fn broadcasts_and_requests_cross_with_node() {
    let out = smol::block_on(
        adapter_core::cluster_interop::broadcasts_and_requests_cross_with_node(adapter_smol::SMOL),
    );
    println!("{out}");
}

/// Redis killed and restarted on its port mid-test: both servers reconnect and resubscribe.
#[test]
fn survives_a_redis_restart() {
    let out = smol::block_on(adapter_core::cluster_interop::survives_a_redis_restart(
        adapter_smol::SMOL,
    ));
    println!("{out}");
}
