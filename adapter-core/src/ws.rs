//! One WebSocket connection: after hyper's 101, a reader feeding the hub and a writer
//! draining the connection's bounded channel, in one task.
//!
//! The task ends when the peer closes or fails (reader ends), when the hub drops the writer
//! queue (the engine forgot the connection), when the hub cuts it (the client left more
//! than the byte bound unread: the socket is dropped at once, even while a write is stuck),
//! or after the hub's `Close` (a close frame is sent and the peer gets [`WS_CLOSE_GRACE`] to
//! answer it; however long the writer is stuck behind a client that does not read, the task
//! ends `DriverConfig::ws_close_timeout` after the hub let go). A peer that breaks a rule gets a close frame with node's code (1007 invalid
//! UTF-8, 1009 too large, 1002 framing), and a peer's own close frame is answered, each
//! within [`WS_CLOSE_GRACE`], instead of the socket being dropped under it (1006). Its end is reported to the hub after its last
//! message, through the same ordered channel, so no message is lost.

use std::pin::pin;
use std::time::Duration;

use async_tungstenite::WebSocketStream;
use async_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use async_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use async_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use bytes::Bytes;
use futures_io::{AsyncRead, AsyncWrite};
use futures_util::future::{Either, select};
use futures_util::{AsyncReadExt, AsyncWriteExt, SinkExt, StreamExt};
use socketio_engine::eio::Frame;
use socketio_engine::{ConnId, WsMessage};
use socketio_proto::Str;

use crate::conn::Mount;
use crate::io::{FuturesIo, HyperIo, Prefixed};
use crate::msg::{Life, NetMsg, WsCmd};
use crate::outq::OutRx;
use crate::race::race;
use crate::runtime::Runtime;

/// How long the peer has to answer our close frame before the socket is dropped.
pub const WS_CLOSE_GRACE: Duration = Duration::from_secs(1);

/// A byte stream a WebSocket can run on.
pub trait IoStream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> IoStream for T {}

/// Turns a hyper upgrade into a byte stream.
pub(crate) type UpgradeIo = fn(hyper::upgrade::Upgraded) -> Box<dyn IoStream>;

/// For connections we accepted ourselves: take the original stream back out of hyper (no
/// shim in the way), falling back to the shim.
pub(crate) fn own_io<T: IoStream>(up: hyper::upgrade::Upgraded) -> Box<dyn IoStream> {
    match up.downcast::<FuturesIo<T>>() {
        Ok(parts) => Box::new(Prefixed::new(detach(parts.read_buf), parts.io.into_inner())),
        Err(up) => Box::new(HyperIo(up)),
    }
}

/// The bytes the client sent after its upgrade request, on their own: `read` is a slice of
/// hyper's read buffer (8 KiB), which would otherwise stay allocated for the connection's
/// whole life to hold them (usually none).
fn detach(read: Bytes) -> Bytes {
    if read.is_empty() {
        Bytes::new()
    } else {
        Bytes::copy_from_slice(&read)
    }
}

/// For connections someone else's hyper server accepted (tower mounting).
pub(crate) fn foreign_io(up: hyper::upgrade::Upgraded) -> Box<dyn IoStream> {
    Box::new(HyperIo(up))
}

/// Reports the connection closed if the task is dropped before it could say so in order.
struct ClosedGuard {
    conn: ConnId,
    life: async_channel::Sender<Life>,
    armed: bool,
}

impl Drop for ClosedGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.life.try_send(Life::WsClosed { conn: self.conn });
        }
    }
}

fn to_message(frame: Frame) -> Message {
    match frame {
        Frame::Text(s) => {
            let bytes = s.into_bytes();
            // A `Str` is UTF-8 by construction, so the conversion cannot fail; the binary
            // fallback only keeps this panic-free.
            match Utf8Bytes::try_from(bytes.clone()) {
                Ok(t) => Message::Text(t),
                Err(_) => Message::Binary(bytes),
            }
        }
        Frame::Binary(b) => Message::Binary(b),
    }
}

/// Why the reader stopped.
enum ReadEnd {
    /// The peer closed (a close frame, whose answer tungstenite has queued) or vanished.
    Peer,
    /// The peer broke a rule: answer with a close frame carrying this code (node's `ws`
    /// does: 1007 for invalid UTF-8, 1009 past `maxPayload`, 1002 for framing errors).
    Fault(CloseCode),
    /// The hub is gone.
    Hub,
}

/// The close code for a read error, or `None` when the connection itself failed.
fn fault_code(e: &WsError) -> Option<CloseCode> {
    match e {
        WsError::Utf8(_) => Some(CloseCode::Invalid),
        WsError::Capacity(_) => Some(CloseCode::Size),
        WsError::Protocol(_) | WsError::AttackAttempt => Some(CloseCode::Protocol),
        _ => None,
    }
}

/// Feeds the hub every message `rx` yields, until the peer closes, fails or breaks a rule.
async fn read_loop<S>(rx: &mut S, net: &async_channel::Sender<NetMsg>, conn: ConnId) -> ReadEnd
where
    S: futures_util::Stream<Item = Result<Message, WsError>> + Unpin,
{
    loop {
        let msg = match rx.next().await {
            None => return ReadEnd::Peer,
            Some(Err(e)) => return fault_code(&e).map_or(ReadEnd::Peer, ReadEnd::Fault),
            Some(Ok(Message::Text(t))) => match Str::from_utf8(Bytes::from(t)) {
                Ok(s) => WsMessage::Text(s),
                Err(_) => return ReadEnd::Fault(CloseCode::Invalid),
            },
            Some(Ok(Message::Binary(b))) => WsMessage::Binary(b),
            Some(Ok(Message::Close(_))) => return ReadEnd::Peer,
            // Pings are answered by tungstenite itself.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
        };
        if net.send(NetMsg::WsMessage { conn, msg }).await.is_err() {
            return ReadEnd::Hub;
        }
    }
}

/// Writes what the hub queues; true after sending our close frame, false when the queue or
/// the socket ended first.
async fn write_loop<S>(tx: &mut S, queue: &OutRx) -> bool
where
    S: futures_util::Sink<Message> + Unpin,
{
    while let Some(cmd) = queue.recv().await {
        match cmd {
            WsCmd::Frame(f) => {
                if tx.feed(to_message(f)).await.is_err() {
                    return false;
                }
                // Batch: flush only once the queue is momentarily empty.
                while let Some(cmd) = queue.try_recv() {
                    match cmd {
                        WsCmd::Frame(f) => {
                            if tx.feed(to_message(f)).await.is_err() {
                                return false;
                            }
                        }
                        WsCmd::Close => {
                            let _ = SinkExt::close(tx).await;
                            return true;
                        }
                    }
                }
                if tx.flush().await.is_err() {
                    return false;
                }
            }
            WsCmd::Close => {
                let _ = SinkExt::close(tx).await;
                return true;
            }
        }
    }
    false // the hub dropped the queue: drop the socket at once
}

/// Size of the buffer [`drain`] discards into, allocated only while draining.
const DRAIN_SCRATCH: usize = 4096;

/// Ends our side of `io`, then reads and discards until the peer ends its side.
async fn drain(io: &mut (impl AsyncRead + AsyncWrite + Unpin)) {
    let _ = io.close().await;
    // On the heap, not in the future: an array here would be carried (twice, through
    // `within_grace`) by every connection's task for its whole life, idle or not.
    let mut scratch = vec![0u8; DRAIN_SCRATCH];
    while matches!(io.read(&mut scratch).await, Ok(n) if n > 0) {}
}

/// `fut`, unless [`WS_CLOSE_GRACE`] passes first.
async fn within_grace<R: Runtime, F: Future>(rt: &R, fut: F) -> Option<F::Output> {
    let deadline = rt
        .now()
        .checked_add(WS_CLOSE_GRACE)
        .unwrap_or_else(|| rt.now());
    match select(pin!(fut), rt.timer_at(deadline)).await {
        Either::Left((out, _)) => Some(out),
        Either::Right(_) => None,
    }
}

/// Runs the WebSocket `conn` once hyper hands over the connection.
pub(crate) async fn run<R: Runtime>(
    rt: R,
    on_upgrade: hyper::upgrade::OnUpgrade,
    upgrade_io: UpgradeIo,
    conn: ConnId,
    mut queue: OutRx,
    mount: Mount,
) {
    let mut guard = ClosedGuard {
        conn,
        life: mount.life.clone(),
        armed: true,
    };
    let hub_done = queue.hub_done();
    if let Ok(up) = on_upgrade.await {
        let ws =
            WebSocketStream::from_raw_socket(upgrade_io(up), Role::Server, Some(mount.ws_config))
                .await;
        let session = async {
            let (mut tx, mut rx) = ws.split();
            let end = {
                let mut reader = pin!(read_loop(&mut rx, &mount.net, conn));
                let writer = pin!(write_loop(&mut tx, &queue));
                match race(reader.as_mut(), writer).await {
                    Either::Left(end) => end,
                    Either::Right(sent_close) => {
                        if sent_close {
                            // Give the peer a moment to answer our close frame.
                            let _ = within_grace(&rt, reader).await;
                        }
                        ReadEnd::Hub
                    }
                }
            };
            match end {
                ReadEnd::Fault(code) => {
                    let frame = CloseFrame {
                        code,
                        reason: Utf8Bytes::default(),
                    };
                    let _ = within_grace(&rt, async {
                        let _ = tx.send(Message::Close(Some(frame))).await;
                        // tungstenite cannot read past the fault (it would buffer a frame
                        // of the declared size), so end our side and discard what the peer
                        // still sends: closing with its bytes unread would reset the
                        // connection and lose the close frame (1006 instead of the code).
                        if let Ok(mut ws) = WebSocketStream::reunite(tx, rx) {
                            drain(ws.get_mut()).await;
                        }
                    })
                    .await;
                }
                // Writes the answer to the peer's close frame, which tungstenite queued.
                ReadEnd::Peer => {
                    let _ = within_grace(&rt, tx.flush()).await;
                }
                ReadEnd::Hub => {}
            }
        };
        // A cut ends the task whatever the writer is waiting for; after a close, the client
        // has `ws_close_timeout` to take what is queued and answer (node's `closeTimeout`),
        // then the socket is dropped even if a write is stuck.
        let bounded = async {
            if !hub_done.await {
                let at = rt
                    .now()
                    .checked_add(mount.ws_close_timeout)
                    .unwrap_or_else(|| rt.now());
                rt.timer_at(at).await;
            }
        };
        let _ = select(pin!(session), pin!(bounded)).await;
    }
    guard.armed = false;
    if mount.net.send(NetMsg::WsClosed { conn }).await.is_err() {
        let _ = mount.life.try_send(Life::WsClosed { conn });
    }
}
