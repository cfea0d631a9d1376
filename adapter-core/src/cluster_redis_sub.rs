//! The Redis link's one seam between node's two adapters: which commands publish, count and
//! subscribe ([`Dialect`]), and the subscriber connection that goes with them
//! ([`Subscriber`]): redis-rs's RESP2 pub/sub connection for the classic adapter; for the
//! sharded one a RESP3 multiplexed connection, since redis-rs 1.8's `aio::PubSub` has no
//! `SSUBSCRIBE`: the command is sent as such and the `smessage` pushes come through the
//! connection's push sender.

use bytes::Bytes;
use futures_util::StreamExt;
use socketio_engine::ClusterAction;

use crate::msg::NetMsg;
use crate::runtime::Runtime;

/// Classic or sharded pub/sub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `PUBLISH`, `SUBSCRIBE`/`PSUBSCRIBE`, `PUBSUB NUMSUB`.
    Classic,
    /// `SPUBLISH`, `SSUBSCRIBE`/`SUNSUBSCRIBE`, `PUBSUB SHARDNUMSUB` (Redis 7).
    Sharded,
}

impl Dialect {
    /// The dialect of the engine's first action (a subscription).
    pub(crate) fn of(first: &ClusterAction) -> Self {
        match first {
            ClusterAction::ShardSubscribe { .. }
            | ClusterAction::ShardUnsubscribe { .. }
            | ClusterAction::ShardPublish { .. } => Self::Sharded,
            _ => Self::Classic,
        }
    }

    /// The command publishing `payload` on `channel`.
    pub(crate) fn publish(self, channel: &str, payload: &Bytes) -> redis::Cmd {
        let mut cmd = redis::cmd(match self {
            Self::Classic => "PUBLISH",
            Self::Sharded => "SPUBLISH",
        });
        cmd.arg(channel).arg(payload.as_ref());
        cmd
    }

    /// The command counting `channel`'s subscribers (node's `serverCount`).
    pub(crate) fn count(self, channel: &str) -> redis::Cmd {
        let mut cmd = redis::cmd("PUBSUB");
        cmd.arg(match self {
            Self::Classic => "NUMSUB",
            Self::Sharded => "SHARDNUMSUB",
        })
        .arg(channel);
        cmd
    }
}

/// The subscribing side of one connection to Redis.
pub(crate) enum Subscriber {
    Classic(redis::aio::PubSubSink),
    Sharded(redis::aio::MultiplexedConnection),
}

impl Subscriber {
    /// Connects, and spawns the reader that forwards every message to `net`; the receiver
    /// completes when the connection is lost.
    pub(crate) async fn connect<R: Runtime>(
        rt: &R,
        client: &redis::Client,
        dialect: Dialect,
        net: async_channel::Sender<NetMsg>,
    ) -> redis::RedisResult<(Self, futures_channel::oneshot::Receiver<()>)> {
        let (lost_tx, lost) = futures_channel::oneshot::channel::<()>();
        match dialect {
            Dialect::Classic => {
                let (sink, mut stream) = client.get_async_pubsub().await?.split();
                rt.spawn(Box::pin(async move {
                    while let Some(msg) = stream.next().await {
                        let m = NetMsg::Cluster {
                            channel: msg.get_channel_name().to_owned(),
                            payload: Bytes::copy_from_slice(msg.get_payload_bytes()),
                        };
                        if net.send(m).await.is_err() {
                            return;
                        }
                    }
                    let _ = lost_tx.send(());
                }));
                Ok((Self::Classic(sink), lost))
            }
            Dialect::Sharded => {
                let info = client.get_connection_info().clone();
                let resp3 = info
                    .redis_settings()
                    .clone()
                    .set_protocol(redis::ProtocolVersion::RESP3);
                let resp3 = redis::Client::open(info.set_redis_settings(resp3))?;
                // The push sender must not block the connection: an unbounded hop, drained
                // at once into the hub's bounded queue (where a flood waits, as with the
                // classic connection's own queue).
                let (tx, mut rx) = futures_channel::mpsc::unbounded::<redis::PushInfo>();
                let config = redis::AsyncConnectionConfig::new()
                    .set_push_sender(move |p| tx.unbounded_send(p));
                let conn = resp3
                    .get_multiplexed_async_connection_with_config(&config)
                    .await?;
                rt.spawn(Box::pin(async move {
                    while let Some(push) = rx.next().await {
                        match (push.kind, push.data.as_slice()) {
                            (
                                redis::PushKind::SMessage,
                                [
                                    redis::Value::BulkString(channel),
                                    redis::Value::BulkString(payload),
                                ],
                            ) => {
                                let m = NetMsg::Cluster {
                                    channel: String::from_utf8_lossy(channel).into_owned(),
                                    payload: Bytes::copy_from_slice(payload),
                                };
                                if net.send(m).await.is_err() {
                                    return;
                                }
                            }
                            (redis::PushKind::Disconnection, _) => break,
                            _ => {}
                        }
                    }
                    let _ = lost_tx.send(());
                }));
                Ok((Self::Sharded(conn), lost))
            }
        }
    }

    /// Subscribes to `channels` (shard channels in the sharded dialect) and `patterns`
    /// (classic only; the sharded adapter has none).
    pub(crate) async fn subscribe(
        &mut self,
        channels: &[String],
        patterns: &[String],
    ) -> redis::RedisResult<()> {
        match self {
            Self::Classic(sink) => {
                if !channels.is_empty() {
                    sink.subscribe(channels).await?;
                }
                if !patterns.is_empty() {
                    sink.psubscribe(patterns).await?;
                }
            }
            Self::Sharded(conn) => {
                // One channel per command: each is confirmed by one push, which redis-rs
                // takes as the command's reply.
                for channel in channels {
                    redis::cmd("SSUBSCRIBE")
                        .arg(channel)
                        .query_async::<()>(conn)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Unsubscribes from `channels` (shard channels; the classic adapter never does).
    pub(crate) async fn unsubscribe(&mut self, channels: &[String]) -> redis::RedisResult<()> {
        match self {
            Self::Classic(sink) => sink.unsubscribe(channels).await,
            Self::Sharded(conn) => {
                for channel in channels {
                    redis::cmd("SUNSUBSCRIBE")
                        .arg(channel)
                        .query_async::<()>(conn)
                        .await?;
                }
                Ok(())
            }
        }
    }
}
