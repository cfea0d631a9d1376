//! The cluster adapter's Redis connection (features `cluster-redis-tokio`,
//! `cluster-redis-smol`): redis-rs, one subscriber connection and one publisher per server,
//! between Redis and a hub whose engine speaks the cluster protocol as data.
//!
//! # Theory of operation
//! The link is one task plus, per connection, a reader task. The reader forwards every
//! message of the subscriber connection (channel and bytes as Redis delivered them) to the
//! hub's bounded network queue, so a flood from Redis waits there like client input does.
//! The link task carries the engine's [`ClusterAction`]s out: `Subscribe` on the subscriber
//! connection (and remembered), `Publish` on the publisher; and every
//! [`SERVER_COUNT_INTERVAL`] it asks Redis how many servers are subscribed to the first
//! request channel (`PUBSUB NUMSUB`, node's `serverCount`) and tells the hub. It ends when
//! the hub drops its side (shutdown).
//!
//! Which of node's adapters the cluster speaks is the engine's to say: its first action
//! subscribes its first namespace, `Subscribe` for the classic adapter, `ShardSubscribe` for
//! the sharded one, and that fixes the link's dialect (`PUBLISH`/`SUBSCRIBE` on a
//! RESP2 pub/sub connection, or `SPUBLISH`/`SSUBSCRIBE` on a RESP3 connection whose push
//! messages carry what arrives). The link does not look at anything else to decide.
//!
//! Faults: when either connection fails (Redis restarted, the network dropped), the link
//! reconnects with backoff ([`CONNECT_BACKOFF_MIN`] doubling to [`CONNECT_BACKOFF_MAX`]),
//! subscribes again to everything it had, and then sends what was published meanwhile, once
//! the other servers are subscribed again (at most [`REJOIN_WAIT_MAX`] later: node sends at
//! once, so its servers that reconnect later miss those messages). As
//! node's Redis client, it queues those publishes, but only up to
//! [`MAX_QUEUED_PUBLISHES`]; later ones are dropped (and logged), so an outage cannot grow
//! memory without bound. Local clients are served throughout.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{Either, select};
use socketio_engine::ClusterAction;

use crate::cluster_redis_sub::{Dialect, Subscriber};
use crate::msg::NetMsg;
use crate::runtime::{Runtime, Timer};

/// How often the server count is asked for: node asks before every request; asking once a
/// second keeps Redis traffic flat, and a server that joined is counted within a second.
pub const SERVER_COUNT_INTERVAL: Duration = Duration::from_secs(1);

/// The first wait before a reconnection attempt, doubling up to [`CONNECT_BACKOFF_MAX`]:
/// node's servers are back 0.5–1 s after a Redis restart; this matches that.
pub const CONNECT_BACKOFF_MIN: Duration = Duration::from_millis(50);
/// The longest wait between two connection attempts.
pub const CONNECT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// After a reconnection, how long queued publishes wait for the other servers to be back on
/// Redis (the server count as high as before the outage) before they are sent anyway: a
/// message published before a server has subscribed again never reaches it. node sends its
/// queue at once, and its servers that reconnect later miss it; node's Redis client waits
/// up to 2 s between attempts, so 3 s covers node's servers and ours (1 s).
pub const REJOIN_WAIT_MAX: Duration = Duration::from_secs(3);

/// Publishes kept while Redis is unreachable, sent after reconnecting. 10 000 broadcasts of
/// a few hundred bytes are a few MB; past it new publishes are dropped, as a bounded
/// version of node's offline queue (which has no bound).
pub const MAX_QUEUED_PUBLISHES: usize = 10_000;

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
        match redis::Client::open(url.as_str()) {
            Ok(client) => {
                Link {
                    rt: task_rt,
                    client,
                    net,
                    actions: rx,
                    dialect: Dialect::Classic,
                    channels: Vec::new(),
                    patterns: Vec::new(),
                    queue: OfflineQueue::new(MAX_QUEUED_PUBLISHES),
                    servers: 0,
                }
                .run()
                .await;
            }
            Err(e) => tracing::error!(error = %e, "cluster: bad Redis URL"),
        }
    }));
    tx
}

/// The link's state across connections.
struct Link<R> {
    rt: R,
    client: redis::Client,
    net: async_channel::Sender<NetMsg>,
    actions: async_channel::Receiver<ClusterAction>,
    /// Classic or sharded pub/sub, as the engine's first action said.
    dialect: Dialect,
    /// Everything subscribed so far (shard channels in the sharded dialect), subscribed
    /// again after a reconnection; the first one's subscriber count is the server count.
    channels: Vec<String>,
    patterns: Vec<String>,
    /// Publishes waiting for a connection.
    queue: OfflineQueue,
    /// The server count Redis last gave (this one included).
    servers: usize,
}

/// Publishes kept while Redis is away, oldest first, at most `max`; later ones are dropped
/// (and counted).
#[derive(Debug)]
struct OfflineQueue {
    items: VecDeque<(String, Bytes)>,
    max: usize,
    dropped: u64,
}

impl OfflineQueue {
    fn new(max: usize) -> Self {
        Self {
            items: VecDeque::new(),
            max,
            dropped: 0,
        }
    }

    /// Keeps a publish; false (dropped) when full.
    fn push(&mut self, channel: String, payload: Bytes) -> bool {
        if self.items.len() >= self.max {
            self.dropped = self.dropped.saturating_add(1);
            return false;
        }
        self.items.push_back((channel, payload));
        true
    }
}

/// Why a connection's loop ended.
enum End {
    /// The hub stopped: the link ends.
    Stopped,
    /// The connection failed: reconnect.
    Lost,
}

impl<R: Runtime> Link<R> {
    async fn run(mut self) {
        // The engine's first action subscribes its first namespace; its kind is the mode.
        match self.actions.recv().await {
            Ok(a) => {
                self.dialect = Dialect::of(&a);
                self.hold(a);
            }
            Err(_) => return,
        }
        let mut backoff = CONNECT_BACKOFF_MIN;
        loop {
            match self.connected().await {
                Ok(End::Stopped) => return,
                Ok(End::Lost) => backoff = CONNECT_BACKOFF_MIN,
                Err(e) => tracing::debug!(error = %e, "cluster: Redis unreachable"),
            }
            // Wait before the next attempt, taking the hub's actions meanwhile.
            let mut timer = self.rt.timer_at(self.rt.now() + backoff);
            backoff = (backoff * 2).min(CONNECT_BACKOFF_MAX);
            loop {
                match select(Box::pin(self.actions.recv()), &mut timer).await {
                    Either::Left((Ok(a), _)) => self.hold(a),
                    Either::Left((Err(_), _)) => return,
                    Either::Right(((), _)) => break,
                }
            }
        }
    }

    /// Keeps an action for the next connection.
    fn hold(&mut self, a: ClusterAction) {
        match a {
            ClusterAction::Subscribe { channels, patterns } => {
                self.channels.extend(channels);
                self.patterns.extend(patterns);
            }
            ClusterAction::ShardSubscribe { channels } => self.channels.extend(channels),
            ClusterAction::ShardUnsubscribe { channels } => {
                self.channels.retain(|c| !channels.contains(c));
            }
            ClusterAction::Publish { channel, payload }
            | ClusterAction::ShardPublish { channel, payload } => {
                let kept = self.queue.push(channel, payload);
                if !kept {
                    tracing::warn!(
                        dropped = self.queue.dropped,
                        "cluster: Redis away and the queue full, publish dropped"
                    );
                }
            }
            _ => {}
        }
    }

    /// One connection's life: connect, resubscribe, flush the queue, then serve actions
    /// until the hub stops or the connection fails.
    async fn connected(&mut self) -> redis::RedisResult<End> {
        let (mut sink, mut lost) =
            Subscriber::connect(&self.rt, &self.client, self.dialect, self.net.clone()).await?;
        let mut publisher = self.client.get_multiplexed_async_connection().await?;
        sink.subscribe(&self.channels, &self.patterns).await?;
        tracing::info!("cluster: connected to Redis");
        if !self.queue.items.is_empty() {
            self.await_rejoin(&mut publisher).await?;
        }
        while let Some((channel, payload)) = self.queue.items.front() {
            self.dialect
                .publish(channel, payload)
                .query_async::<i64>(&mut publisher)
                .await?;
            self.queue.items.pop_front();
        }
        self.count(&mut publisher).await?;
        let mut tick = self.rt.timer_at(self.rt.now() + SERVER_COUNT_INTERVAL);
        loop {
            let next = select(Box::pin(self.actions.recv()), &mut tick);
            let next = match select(next, &mut lost).await {
                Either::Left((Either::Left((Ok(a), _)), _)) => Some(a),
                Either::Left((Either::Left((Err(_), _)), _)) => return Ok(End::Stopped),
                Either::Left((Either::Right(((), _)), _)) => None,
                Either::Right(_) => {
                    tracing::warn!("cluster: Redis subscriber connection lost");
                    return Ok(End::Lost);
                }
            };
            match next {
                Some(
                    a @ (ClusterAction::Subscribe { .. } | ClusterAction::ShardSubscribe { .. }),
                ) => {
                    let (channels, patterns) = match a {
                        ClusterAction::Subscribe { channels, patterns } => (channels, patterns),
                        ClusterAction::ShardSubscribe { channels } => (channels, Vec::new()),
                        _ => continue,
                    };
                    self.channels.extend(channels.iter().cloned());
                    self.patterns.extend(patterns.iter().cloned());
                    sink.subscribe(&channels, &patterns).await?;
                    self.count(&mut publisher).await?;
                }
                Some(ClusterAction::ShardUnsubscribe { channels }) => {
                    self.channels.retain(|c| !channels.contains(c));
                    sink.unsubscribe(&channels).await?;
                }
                Some(
                    ClusterAction::Publish { channel, payload }
                    | ClusterAction::ShardPublish { channel, payload },
                ) => {
                    let sent = self
                        .dialect
                        .publish(&channel, &payload)
                        .query_async::<i64>(&mut publisher)
                        .await;
                    if let Err(e) = sent {
                        // Kept for the next connection, like the others while away.
                        self.hold(ClusterAction::Publish { channel, payload });
                        return Err(e);
                    }
                }
                Some(_) => {}
                None => {
                    tick.reset(self.rt.now() + SERVER_COUNT_INTERVAL);
                    self.count(&mut publisher).await?;
                }
            }
        }
    }

    /// Asks Redis for the subscriber count of the first request channel and tells the hub.
    async fn count(
        &mut self,
        publisher: &mut redis::aio::MultiplexedConnection,
    ) -> redis::RedisResult<()> {
        let Some(channel) = self.channels.first() else {
            return Ok(());
        };
        let (_, n): (String, usize) = self.dialect.count(channel).query_async(publisher).await?;
        self.servers = n;
        let _ = self.net.send(NetMsg::ClusterServers(n)).await;
        Ok(())
    }

    /// Waits until as many servers as before the outage are subscribed again, or
    /// [`REJOIN_WAIT_MAX`] passed (a server may have gone for good), asking every
    /// [`CONNECT_BACKOFF_MIN`]. The hub's actions wait in their channel meanwhile, in order.
    async fn await_rejoin(
        &mut self,
        publisher: &mut redis::aio::MultiplexedConnection,
    ) -> redis::RedisResult<()> {
        let before = self.servers;
        let started = self.rt.now();
        loop {
            self.count(publisher).await?;
            if rejoined(before, self.servers, self.rt.now().duration_since(started)) {
                return Ok(());
            }
            self.rt.timer_at(self.rt.now() + CONNECT_BACKOFF_MIN).await;
        }
    }
}

/// Whether queued publishes may go: `now` servers are subscribed, as many as `before` the
/// outage, or [`REJOIN_WAIT_MAX`] passed since the reconnection (`waited`).
fn rejoined(before: usize, now: usize, waited: Duration) -> bool {
    now >= before || waited >= REJOIN_WAIT_MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_publishes_wait_for_the_servers_or_rejoin_wait_max() {
        let short = Duration::from_millis(100);
        assert!(!rejoined(3, 1, short), "two servers not back yet");
        assert!(rejoined(3, 3, short));
        assert!(rejoined(3, 4, short), "a new server joined meanwhile");
        assert!(
            rejoined(0, 1, Duration::ZERO),
            "no count before: nothing to wait for"
        );
        assert!(!rejoined(3, 2, REJOIN_WAIT_MAX - short));
        assert!(rejoined(3, 2, REJOIN_WAIT_MAX), "a server gone for good");
        assert_eq!(REJOIN_WAIT_MAX, Duration::from_secs(3));
    }

    #[test]
    fn the_offline_queue_keeps_the_oldest_up_to_its_bound() {
        let mut q = OfflineQueue::new(2);
        assert!(q.push("a".into(), Bytes::from_static(b"1")));
        assert!(q.push("b".into(), Bytes::from_static(b"2")));
        assert!(!q.push("c".into(), Bytes::from_static(b"3")));
        assert_eq!(q.dropped, 1);
        let channels: Vec<&str> = q.items.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(channels, ["a", "b"]);
        assert_eq!(MAX_QUEUED_PUBLISHES, 10_000);
    }
}
