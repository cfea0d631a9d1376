//! The cluster adapter's Redis connection (features `cluster-redis-tokio`,
//! `cluster-redis-smol`): redis-rs, one subscriber connection and one publisher per server,
//! between Redis and a hub whose engine speaks the cluster protocol as data.
//!
//! # Theory of operation
//! The link is one task plus a reader task. The reader forwards every message of the
//! subscriber connection (channel and bytes as Redis delivered them) to the hub's bounded
//! network queue, so a flood from Redis waits there like client input does. The link task
//! carries the engine's [`ClusterAction`]s out: `Subscribe` on the subscriber connection
//! (remembering the request channels), `Publish` on the publisher; and every
//! [`SERVER_COUNT_INTERVAL`] it asks Redis how many servers are subscribed to the first
//! request channel (`PUBSUB NUMSUB`, node's `serverCount`) and tells the hub. It ends when
//! the hub drops its side (shutdown).
//!
//! Not yet: reconnecting. The first connection is retried with backoff until Redis
//! answers; a connection lost later is logged, and the cluster stays down for this server
//! (its own clients are still served) until a restart.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::{Either, select};
use redis::AsyncCommands;
use socketio_engine::ClusterAction;

use crate::msg::NetMsg;
use crate::runtime::Runtime;

/// How often the server count is asked for: node asks before every request; asking once a
/// second keeps Redis traffic flat, and a server that joined is counted within a second.
pub const SERVER_COUNT_INTERVAL: Duration = Duration::from_secs(1);

/// The first wait before retrying a failed first connection (doubling up to
/// [`CONNECT_BACKOFF_MAX`]); node's redis client retries at a similar pace.
pub const CONNECT_BACKOFF_MIN: Duration = Duration::from_millis(50);
/// The longest wait between two connection attempts.
pub const CONNECT_BACKOFF_MAX: Duration = Duration::from_secs(2);

/// Starts the link to Redis at `url` for a hub whose network queue is `net`; returns where
/// the hub sends its cluster actions.
pub(crate) fn spawn<R: Runtime>(
    rt: &R,
    url: String,
    net: async_channel::Sender<NetMsg>,
) -> async_channel::Sender<ClusterAction> {
    let (tx, rx) = async_channel::unbounded();
    let task_rt = rt.clone();
    rt.spawn(Box::pin(async move {
        if let Err(e) = run(task_rt, &url, net, rx).await {
            tracing::warn!(error = %e, "cluster: Redis link ended");
        }
    }));
    tx
}

async fn connect<R: Runtime>(
    rt: &R,
    client: &redis::Client,
) -> (redis::aio::PubSub, redis::aio::MultiplexedConnection) {
    let mut backoff = CONNECT_BACKOFF_MIN;
    loop {
        let attempt = async {
            let sub = client.get_async_pubsub().await?;
            let publisher = client.get_multiplexed_async_connection().await?;
            Ok::<_, redis::RedisError>((sub, publisher))
        };
        match attempt.await {
            Ok(pair) => return pair,
            Err(e) => {
                tracing::debug!(error = %e, "cluster: Redis not reachable yet");
                rt.timer_at(rt.now() + backoff).await;
                backoff = (backoff * 2).min(CONNECT_BACKOFF_MAX);
            }
        }
    }
}

async fn run<R: Runtime>(
    rt: R,
    url: &str,
    net: async_channel::Sender<NetMsg>,
    actions: async_channel::Receiver<ClusterAction>,
) -> redis::RedisResult<()> {
    let client = redis::Client::open(url)?;
    let (sub, mut publisher) = connect(&rt, &client).await;
    let (mut sink, mut stream) = sub.split();
    let reader_net = net.clone();
    rt.spawn(Box::pin(async move {
        while let Some(msg) = stream.next().await {
            let m = NetMsg::Cluster {
                channel: msg.get_channel_name().to_owned(),
                payload: bytes::Bytes::copy_from_slice(msg.get_payload_bytes()),
            };
            if reader_net.send(m).await.is_err() {
                return;
            }
        }
        tracing::warn!("cluster: Redis subscriber connection closed");
    }));
    let mut count_channel: Option<String> = None;
    let mut tick = rt.timer_at(rt.now() + SERVER_COUNT_INTERVAL);
    loop {
        let next = match select(Box::pin(actions.recv()), &mut tick).await {
            Either::Left((Ok(a), _)) => Some(a),
            // The hub stopped.
            Either::Left((Err(_), _)) => return Ok(()),
            Either::Right(((), _)) => None,
        };
        match next {
            Some(ClusterAction::Subscribe { channels, patterns }) => {
                sink.subscribe(&channels).await?;
                sink.psubscribe(&patterns).await?;
                if count_channel.is_none() {
                    count_channel = channels.first().cloned();
                }
                count(&mut publisher, count_channel.as_deref(), &net).await;
            }
            Some(ClusterAction::Publish { channel, payload }) => {
                let sent: redis::RedisResult<i64> =
                    publisher.publish(&channel, payload.as_ref()).await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, %channel, "cluster: publish failed");
                }
            }
            Some(_) => {}
            None => {
                use crate::runtime::Timer;
                tick.reset(rt.now() + SERVER_COUNT_INTERVAL);
                count(&mut publisher, count_channel.as_deref(), &net).await;
            }
        }
    }
}

/// Asks Redis for the subscriber count of `channel` and tells the hub.
async fn count(
    publisher: &mut redis::aio::MultiplexedConnection,
    channel: Option<&str>,
    net: &async_channel::Sender<NetMsg>,
) {
    let Some(channel) = channel else {
        return;
    };
    let reply: redis::RedisResult<(String, usize)> = redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(channel)
        .query_async(publisher)
        .await;
    match reply {
        Ok((_, n)) => {
            let _ = net.send(NetMsg::ClusterServers(n)).await;
        }
        Err(e) => tracing::warn!(error = %e, "cluster: PUBSUB NUMSUB failed"),
    }
}
