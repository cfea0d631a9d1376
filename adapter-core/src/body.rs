//! [`ResponseBody`]: the body of every response the driver makes. Almost always one whole
//! buffer; for Socket.IO 0.9's `htmlfile` transport, a body that stays open and takes each
//! frame the engine sends to that connection (`Action::StreamResponse`) until it is closed.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame as BodyFrame, SizeHint};
use socketio_engine::ConnId;
use socketio_engine::eio::Frame;

use crate::msg::{Life, WsCmd};
use crate::outq::OutRx;

/// The body type of every response the driver makes.
#[derive(Debug)]
pub struct ResponseBody(Inner);

#[derive(Debug)]
enum Inner {
    /// The whole body, or nothing once it was taken.
    Full(Option<Bytes>),
    Stream(Box<Streamed>),
}

/// An open body: its first bytes, then what the hub writes for `conn`.
#[derive(Debug)]
struct Streamed {
    first: Option<Bytes>,
    writer: OutRx,
    conn: ConnId,
    life: async_channel::Sender<Life>,
    /// Keeps a graceful shutdown waiting while the body is written.
    _alive: async_channel::Sender<()>,
}

impl Drop for Streamed {
    fn drop(&mut self) {
        // Ended by the engine or dropped by hyper (the client went away): either way the
        // engine learns the connection is gone; for an engine-side close it ignores it.
        let _ = self.life.try_send(Life::WsClosed { conn: self.conn });
    }
}

impl ResponseBody {
    /// A complete body.
    #[must_use]
    pub fn full(bytes: Bytes) -> Self {
        Self(Inner::Full(Some(bytes)))
    }

    /// A body that starts with `first`, then carries each frame `writer` yields until a close
    /// (or the hub dropping the channel); its end is reported as `conn` closing.
    pub(crate) fn stream(
        first: Bytes,
        writer: OutRx,
        conn: ConnId,
        life: async_channel::Sender<Life>,
        alive: async_channel::Sender<()>,
    ) -> Self {
        Self(Inner::Stream(Box::new(Streamed {
            first: Some(first),
            writer,
            conn,
            life,
            _alive: alive,
        })))
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        Self::full(bytes)
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<BodyFrame<Bytes>, Infallible>>> {
        match &mut self.0 {
            Inner::Full(bytes) => Poll::Ready(
                bytes
                    .take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(BodyFrame::data(b))),
            ),
            Inner::Stream(s) => {
                if let Some(first) = s.first.take() {
                    return Poll::Ready(Some(Ok(BodyFrame::data(first))));
                }
                match s.writer.poll_recv(cx) {
                    Poll::Ready(Some(WsCmd::Frame(Frame::Text(t)))) => {
                        Poll::Ready(Some(Ok(BodyFrame::data(t.into_bytes()))))
                    }
                    Poll::Ready(Some(WsCmd::Frame(Frame::Binary(b)))) => {
                        Poll::Ready(Some(Ok(BodyFrame::data(b))))
                    }
                    Poll::Ready(Some(WsCmd::Close) | None) => Poll::Ready(None),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(&self.0, Inner::Full(b) if b.as_ref().is_none_or(Bytes::is_empty))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Stream(_) => SizeHint::default(),
        }
    }
}
