//! The cluster adapter on a real Redis with our async-std server (redis-rs has no async-std
//! runtime since 1.0; its smol one runs under async-std's reactor, which is async-io too) and
//! node's (scenario in `adapter_core::cluster_interop`).

#[test]
fn broadcasts_and_requests_cross_with_node() {
    let out = async_std::task::block_on(
        adapter_core::cluster_interop::broadcasts_and_requests_cross_with_node(
            adapter_async_std::ASYNC_STD,
        ),
    );
    println!("{out}");
}

/// Redis killed and restarted on its port mid-test: both servers reconnect and resubscribe.
#[test]
fn survives_a_redis_restart() {
    let out = async_std::task::block_on(adapter_core::cluster_interop::survives_a_redis_restart(
        adapter_async_std::ASYNC_STD,
    ));
    println!("{out}");
}
