//! The streams backend's Redis connection (features `cluster-redis-tokio`,
//! `cluster-redis-smol`): redis-rs, between Redis and a hub whose engine speaks the streams
//! backend as data ([`StreamsAction`] out; entry ids, entries and restores back in).
//! Wire-compatible with node's `@socket.io/redis-streams-adapter` 0.3.
//!
//! # Theory of operation
//! Two tasks, each on its own connection:
//! - The **writer** carries the engine's actions out one at a time, so the entries are
//!   appended in the order the engine asked: `XADD <stream> MAXLEN ~ <n> * <fields>` (the
//!   entry id, or the failure, goes back as `Appended`), `SET <key> <value> PX <ttl>`, and a
//!   restore: `MULTI GET <key> DEL <key> EXEC`, `XRANGE <stream> <offset> <offset>` (the
//!   offset must still be in the stream), then `XRANGE` pages of [`XRANGE_PAGE`] after it,
//!   up to the engine's `max_entries` and `max_bytes`.
//! - The **reader** blocks in `XREAD COUNT` [`XREAD_COUNT`] `BLOCK` [`XREAD_BLOCK`] from `$`,
//!   then from the last id read, and forwards every batch to the hub's bounded network
//!   queue. Its connection has no response timeout: redis-rs 1.x gives async connections
//!   500 ms by default, shorter than the block.
//!
//! Faults: a command whose connection dropped (a Redis restart leaves the old one dead) is
//! tried once more on a fresh connection; a failed command is answered as a failure (a broadcast then goes out without
//! an offset, a restore connects fresh) and the connection is made again, with backoff
//! ([`CONNECT_BACKOFF_MIN`] doubling to [`CONNECT_BACKOFF_MAX`]). The reader resumes from
//! the last id it read, so entries appended while it was away are delivered after. Both
//! tasks end when the hub stops.

use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{Either, select};
use redis::Value;
use socketio_engine::streams::{RestoreAnswer, StreamEntry, StreamsAction, entry_bytes};
use socketio_proto::cluster::streams::StreamOffset;

use crate::cluster_redis::{CONNECT_BACKOFF_MAX, CONNECT_BACKOFF_MIN};
use crate::msg::{NetMsg, StreamsInput};
use crate::runtime::Runtime;

/// Entries per `XREAD`, node's `readCount`.
pub const XREAD_COUNT: usize = 100;
/// How long one `XREAD` blocks, node's `blockTimeInMs`.
pub const XREAD_BLOCK: Duration = Duration::from_millis(5000);
/// Entries per `XRANGE` page of a restore (node's page size).
pub const XRANGE_PAGE: usize = 100;

/// Starts the writer and the reader for `stream` on the Redis at `url`, for a hub whose
/// network queue is `net`; returns where the hub sends its streams actions.
pub(crate) fn spawn<R: Runtime>(
    rt: &R,
    url: String,
    stream: String,
    net: async_channel::Sender<NetMsg>,
) -> async_channel::Sender<StreamsAction> {
    let (tx, rx) = async_channel::unbounded();
    let client = match redis::Client::open(url.as_str()) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "streams: bad Redis URL");
            return tx;
        }
    };
    let (w_rt, w_client, w_net) = (rt.clone(), client.clone(), net.clone());
    rt.spawn(Box::pin(async move {
        writer(w_rt, w_client, rx, w_net).await;
    }));
    let r_rt = rt.clone();
    rt.spawn(Box::pin(async move {
        reader(r_rt, client, stream, net).await;
    }));
    tx
}

async fn sleep<R: Runtime>(rt: &R, d: Duration) {
    rt.timer_at(rt.now() + d).await;
}

/// Carries the engine's actions out, in order, reconnecting after a failure.
async fn writer<R: Runtime>(
    rt: R,
    client: redis::Client,
    actions: async_channel::Receiver<StreamsAction>,
    net: async_channel::Sender<NetMsg>,
) {
    // No response timeout (redis-rs' default is 500 ms): an append answered "timed out" may
    // still be in the stream, and the engine's own `append_timeout` bounds the wait.
    let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    let mut conn = None;
    let mut backoff = CONNECT_BACKOFF_MIN;
    while let Ok(action) = actions.recv().await {
        if conn.is_none() {
            match client
                .get_multiplexed_async_connection_with_config(&config)
                .await
            {
                Ok(c) => {
                    conn = Some(c);
                    backoff = CONNECT_BACKOFF_MIN;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "streams: Redis unreachable");
                    let _ = net.send(NetMsg::Streams(failed(action))).await;
                    sleep(&rt, backoff).await;
                    backoff = (backoff * 2).min(CONNECT_BACKOFF_MAX);
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let answer = match perform(c, &action).await {
            Ok(answer) => answer,
            Err(e) if e.is_connection_dropped() && !e.is_timeout() => {
                // The stale connection of a Redis that restarted: nothing reached the new
                // one, so one more try on a fresh connection cannot append twice.
                tracing::warn!(error = %e, "streams: Redis connection dropped, retrying once");
                conn = client
                    .get_multiplexed_async_connection_with_config(&config)
                    .await
                    .ok();
                let retried = match conn.as_mut() {
                    Some(c) => perform(c, &action).await.ok(),
                    None => None,
                };
                match retried {
                    Some(answer) => answer,
                    None => {
                        conn = None;
                        Some(failed(action))
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "streams: Redis command failed");
                conn = None;
                Some(failed(action))
            }
        };
        if let Some(a) = answer
            && net.send(NetMsg::Streams(a)).await.is_err()
        {
            return;
        }
    }
}

/// The answer to `action` when Redis failed.
fn failed(action: StreamsAction) -> StreamsInput {
    match action {
        StreamsAction::Append { token, .. } => StreamsInput::Appended { token, id: None },
        StreamsAction::RestoreSession { token, .. } => StreamsInput::Restored {
            token,
            answer: RestoreAnswer::Failed,
        },
        // Nothing waits for a session write; the next restore of it finds nothing.
        _ => StreamsInput::Nothing,
    }
}

/// One action on Redis; its answer for the hub, if it has one.
async fn perform(
    c: &mut redis::aio::MultiplexedConnection,
    action: &StreamsAction,
) -> redis::RedisResult<Option<StreamsInput>> {
    Ok(match action {
        StreamsAction::Append {
            token,
            stream,
            max_len,
            fields,
        } => {
            let mut cmd = redis::cmd("XADD");
            cmd.arg(stream)
                .arg("MAXLEN")
                .arg("~")
                .arg(*max_len)
                .arg("*");
            for (k, v) in fields {
                cmd.arg(*k).arg(v);
            }
            let id: String = cmd.query_async(c).await?;
            Some(StreamsInput::Appended {
                token: *token,
                id: StreamOffset::parse(&id),
            })
        }
        StreamsAction::PersistSession { key, value, ttl } => {
            let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            let () = redis::cmd("SET")
                .arg(key)
                .arg(value)
                .arg("PX")
                .arg(ms)
                .query_async(c)
                .await?;
            None
        }
        StreamsAction::RestoreSession {
            token,
            key,
            stream,
            offset,
            max_entries,
            max_bytes,
        } => Some(StreamsInput::Restored {
            token: *token,
            answer: restore(c, key, stream, *offset, (*max_entries, *max_bytes)).await?,
        }),
        _ => None,
    })
}

/// node's `restoreSession`: the session (taken once), the offset's presence, the entries
/// after it.
async fn restore(
    c: &mut redis::aio::MultiplexedConnection,
    key: &str,
    stream: &str,
    offset: StreamOffset,
    (max_entries, max_bytes): (usize, usize),
) -> redis::RedisResult<RestoreAnswer> {
    let (session,): (Option<Vec<u8>>,) = redis::pipe()
        .atomic()
        .get(key)
        .del(key)
        .ignore()
        .query_async(c)
        .await?;
    let at: Value = redis::cmd("XRANGE")
        .arg(stream)
        .arg(offset.to_string())
        .arg(offset.to_string())
        .query_async(c)
        .await?;
    let (Some(session), false) = (session, entries_of(&at).is_empty()) else {
        return Ok(RestoreAnswer::NotFound);
    };
    let mut entries = Vec::new();
    let mut bytes = 0usize;
    let mut from = offset.next();
    while let Some(start) = from {
        let page: Value = redis::cmd("XRANGE")
            .arg(stream)
            .arg(start.to_string())
            .arg("+")
            .arg("COUNT")
            .arg(XRANGE_PAGE)
            .query_async(c)
            .await?;
        let page = entries_of(&page);
        let full = page.len() >= XRANGE_PAGE;
        from = page.last().and_then(|e| e.id.next());
        bytes = page
            .iter()
            .fold(bytes, |n, e| n.saturating_add(entry_bytes(e)));
        entries.extend(page);
        // Stops reading as soon as either bound is passed: memory stays within one page of them.
        if entries.len() > max_entries || bytes > max_bytes {
            return Ok(RestoreAnswer::TooManyEntries);
        }
        if !full {
            break;
        }
    }
    Ok(RestoreAnswer::Found {
        session: Bytes::from(session),
        entries,
    })
}

/// Reads the stream from `$` on, forwarding each batch, until the hub stops.
async fn reader<R: Runtime>(
    rt: R,
    client: redis::Client,
    stream: String,
    net: async_channel::Sender<NetMsg>,
) {
    // Blocking reads need a connection without redis-rs' 500 ms response timeout.
    let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
    let mut last = "$".to_owned();
    let mut backoff = CONNECT_BACKOFF_MIN;
    'connect: loop {
        if net.is_closed() {
            return;
        }
        let mut c = match client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "streams: Redis unreachable");
                sleep(&rt, backoff).await;
                backoff = (backoff * 2).min(CONNECT_BACKOFF_MAX);
                continue;
            }
        };
        backoff = CONNECT_BACKOFF_MIN;
        tracing::info!("streams: reading the stream");
        loop {
            let mut cmd = redis::cmd("XREAD");
            cmd.arg("COUNT")
                .arg(XREAD_COUNT)
                .arg("BLOCK")
                .arg(u64::try_from(XREAD_BLOCK.as_millis()).unwrap_or(5000))
                .arg("STREAMS")
                .arg(&stream)
                .arg(&last);
            let read = cmd.query_async::<Value>(&mut c);
            // The hub's stop ends the reader without waiting out the block.
            let closed = Box::pin(async {
                while !net.is_closed() {
                    sleep(&rt, Duration::from_millis(200)).await;
                }
            });
            let v = match select(Box::pin(read), closed).await {
                Either::Left((Ok(v), _)) => v,
                Either::Left((Err(e), _)) => {
                    tracing::warn!(error = %e, "streams: XREAD failed");
                    sleep(&rt, backoff).await;
                    continue 'connect;
                }
                Either::Right(_) => return,
            };
            let batch = read_reply(&v);
            if let Some(e) = batch.last() {
                last = e.id.to_string();
            }
            if !batch.is_empty()
                && net
                    .send(NetMsg::Streams(StreamsInput::Entries(batch)))
                    .await
                    .is_err()
            {
                return;
            }
        }
    }
}

/// The entries of an `XREAD` reply (nil on timeout; one stream's `[name, entries]`, or a
/// RESP3 map).
fn read_reply(v: &Value) -> Vec<StreamEntry> {
    match v {
        Value::Array(streams) => streams
            .iter()
            .filter_map(|s| match s {
                Value::Array(pair) => pair.get(1).map(entries_of),
                _ => None,
            })
            .flatten()
            .collect(),
        Value::Map(streams) => streams.iter().flat_map(|(_, e)| entries_of(e)).collect(),
        _ => Vec::new(),
    }
}

/// `[[id, [field, value, ...]], ...]` as entries; an entry whose id or fields are not of
/// that form is skipped.
fn entries_of(v: &Value) -> Vec<StreamEntry> {
    let Value::Array(items) = v else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let Value::Array(pair) = item else {
                return None;
            };
            let id = StreamOffset::parse(std::str::from_utf8(bulk(pair.first()?)?).ok()?)?;
            let Value::Array(flat) = pair.get(1)? else {
                return None;
            };
            let fields = flat
                .chunks_exact(2)
                .filter_map(|kv| {
                    Some((
                        Bytes::copy_from_slice(bulk(kv.first()?)?),
                        Bytes::copy_from_slice(bulk(kv.get(1)?)?),
                    ))
                })
                .collect();
            Some(StreamEntry { id, fields })
        })
        .collect()
}

fn bulk(v: &Value) -> Option<&[u8]> {
    match v {
        Value::BulkString(b) => Some(b),
        Value::SimpleString(s) => Some(s.as_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn replies_parse_and_malformed_entries_are_skipped() {
        let entry = |id: &str| Value::Array(vec![b(id), Value::Array(vec![b("uid"), b("u")])]);
        let reply = Value::Array(vec![Value::Array(vec![
            b("socket.io"),
            Value::Array(vec![
                entry("1-0"),
                entry("bad"),
                Value::Int(3),
                entry("2-5"),
            ]),
        ])]);
        let got = read_reply(&reply);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].id, StreamOffset { ms: 2, seq: 5 });
        assert_eq!(got[0].fields[0].1.as_ref(), b"u");
        assert!(read_reply(&Value::Nil).is_empty());
        assert_eq!(
            (XREAD_COUNT, XRANGE_PAGE, XREAD_BLOCK.as_millis()),
            (100, 100, 5000)
        );
    }
}
