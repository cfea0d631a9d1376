//! One WebSocket connection: after hyper's 101, a reader feeding the hub and a writer
//! draining the connection's bounded channel, in one task.
//!
//! The task ends when the peer closes or fails (reader ends), when the hub drops the writer
//! queue (the engine forgot the connection), when the hub cuts it (the client left more
//! than the byte bound unread: the socket is dropped at once, even while a write is stuck),
//! or after the hub's `Close` (a close frame is sent and the peer gets [`WS_CLOSE_GRACE`] to
//! answer it). Its end is reported to the hub after its last
//! message, through the same ordered channel, so no message is lost.

use std::pin::pin;
use std::time::Duration;

use async_tungstenite::WebSocketStream;
use async_tungstenite::tungstenite::Message;
use async_tungstenite::tungstenite::protocol::Role;
use bytes::Bytes;
use futures_io::{AsyncRead, AsyncWrite};
use futures_util::future::{Either, select};
use futures_util::{SinkExt, StreamExt};
use socketio_engine::eio::Frame;
use socketio_engine::{ConnId, WsMessage};
use socketio_proto::Str;

use crate::conn::Mount;
use crate::io::{FuturesIo, HyperIo, Prefixed};
use crate::msg::{Life, NetMsg, WsCmd};
use crate::outq::OutRx;
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
        Ok(parts) => Box::new(Prefixed::new(parts.read_buf, parts.io.into_inner())),
        Err(up) => Box::new(HyperIo(up)),
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
            match async_tungstenite::tungstenite::Utf8Bytes::try_from(bytes.clone()) {
                Ok(t) => Message::Text(t),
                Err(_) => Message::Binary(bytes),
            }
        }
        Frame::Binary(b) => Message::Binary(b),
    }
}

/// Runs the WebSocket `conn` once hyper hands over the connection.
pub(crate) async fn run<R: Runtime>(
    rt: R,
    on_upgrade: hyper::upgrade::OnUpgrade,
    upgrade_io: UpgradeIo,
    conn: ConnId,
    mut writer: OutRx,
    mount: Mount,
) {
    let mut guard = ClosedGuard {
        conn,
        life: mount.life.clone(),
        armed: true,
    };
    let cut = writer.cut_signal();
    if let Ok(up) = on_upgrade.await {
        let ws =
            WebSocketStream::from_raw_socket(upgrade_io(up), Role::Server, Some(mount.ws_config))
                .await;
        let (mut tx, mut rx) = ws.split();
        let net = mount.net.clone();
        let reader = async move {
            while let Some(Ok(m)) = rx.next().await {
                let msg = match m {
                    Message::Text(t) => match Str::from_utf8(Bytes::from(t)) {
                        Ok(s) => WsMessage::Text(s),
                        Err(_) => break,
                    },
                    Message::Binary(b) => WsMessage::Binary(b),
                    Message::Close(_) => break,
                    // Pings are answered by tungstenite itself.
                    Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
                };
                if net.send(NetMsg::WsMessage { conn, msg }).await.is_err() {
                    break;
                }
            }
        };
        let writer = async move {
            while let Some(cmd) = writer.recv().await {
                match cmd {
                    WsCmd::Frame(f) => {
                        if tx.feed(to_message(f)).await.is_err() {
                            return false;
                        }
                        // Batch: flush only once the queue is momentarily empty.
                        while let Some(cmd) = writer.try_recv() {
                            match cmd {
                                WsCmd::Frame(f) => {
                                    if tx.feed(to_message(f)).await.is_err() {
                                        return false;
                                    }
                                }
                                WsCmd::Close => {
                                    let _ = SinkExt::close(&mut tx).await;
                                    return true;
                                }
                            }
                        }
                        if tx.flush().await.is_err() {
                            return false;
                        }
                    }
                    WsCmd::Close => {
                        let _ = SinkExt::close(&mut tx).await;
                        return true;
                    }
                }
            }
            false // the hub dropped the channel: drop the socket at once
        };
        let session = async move {
            let mut reader = pin!(reader);
            if let Either::Right((true, _)) = select(reader.as_mut(), pin!(writer)).await {
                // We sent a close frame: give the peer a moment to answer it.
                let deadline = rt
                    .now()
                    .checked_add(WS_CLOSE_GRACE)
                    .unwrap_or_else(|| rt.now());
                let _ = select(reader, rt.timer_at(deadline)).await;
            }
        };
        // A cut ends the task whatever the writer is waiting for.
        let _ = select(pin!(session), pin!(cut)).await;
    }
    guard.armed = false;
    if mount.net.send(NetMsg::WsClosed { conn }).await.is_err() {
        let _ = mount.life.try_send(Life::WsClosed { conn });
    }
}
