//! Shims between futures-io and hyper's own I/O traits, without `unsafe`.
//!
//! - [`FuturesIo`]: a futures-io stream (what every [`Runtime`](crate::Runtime) listener
//!   yields) as `hyper::rt::Read + Write`, for `serve_connection`. hyper's read cursor can
//!   only be filled safely by copying (`put_slice`), so reads go through a small reusable
//!   buffer; that costs one memcpy on the HTTP path only.
//! - [`HyperIo`]: a hyper stream (e.g. `hyper::upgrade::Upgraded` when the server is mounted
//!   in someone else's hyper or axum app) as futures-io, for async-tungstenite.
//! - [`Prefixed`]: a futures-io stream with bytes already read in front of it: what
//!   `Upgraded::downcast` gives back, so a WebSocket on our own listener skips both shims.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_io::{AsyncRead, AsyncWrite};

/// Size of the copy buffer of [`FuturesIo`]: as hyper's default first read (8 KiB).
const COPY_BUFFER: usize = 8 * 1024;

/// A futures-io stream seen as a hyper stream.
#[derive(Debug)]
pub struct FuturesIo<T> {
    inner: T,
    buf: Vec<u8>,
}

impl<T> FuturesIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            buf: Vec::new(),
        }
    }

    /// Gives back the stream.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead + Unpin> hyper::rt::Read for FuturesIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut cursor: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let want = cursor.remaining().min(COPY_BUFFER);
        if this.buf.len() < want {
            this.buf.resize(want, 0);
        }
        let Some(buf) = this.buf.get_mut(..want) else {
            return Poll::Ready(Ok(()));
        };
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if let Some(read) = buf.get(..n) {
                    cursor.put_slice(read);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for FuturesIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}

/// A hyper stream seen as a futures-io stream.
#[derive(Debug)]
pub struct HyperIo<T>(pub T);

impl<T: hyper::rt::Read + Unpin> AsyncRead for HyperIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut rb = hyper::rt::ReadBuf::new(buf);
        match Pin::new(&mut self.get_mut().0).poll_read(cx, rb.unfilled()) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(rb.filled().len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: hyper::rt::Write + Unpin> AsyncWrite for HyperIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

/// A futures-io stream that first yields `prefix` (bytes read ahead by hyper).
#[derive(Debug)]
pub struct Prefixed<T> {
    prefix: Bytes,
    inner: T,
}

impl<T> Prefixed<T> {
    /// `prefix`, then `inner`.
    pub fn new(prefix: Bytes, inner: T) -> Self {
        Self { prefix, inner }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Prefixed<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.prefix.has_remaining() {
            let n = buf.len().min(this.prefix.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), this.prefix.get(..n)) {
                dst.copy_from_slice(src);
            }
            this.prefix.advance(n);
            return Poll::Ready(Ok(n));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Prefixed<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::AsyncReadExt;
    use futures_util::io::Cursor;

    #[test]
    fn prefix_comes_first_then_the_stream() {
        futures_executor_block_on(async {
            let mut s = Prefixed::new(Bytes::from_static(b"abc"), Cursor::new(b"def".to_vec()));
            let mut out = Vec::new();
            s.read_to_end(&mut out).await.unwrap();
            assert_eq!(out, b"abcdef");
        });
    }

    #[test]
    fn both_shims_round_trip_bytes() {
        futures_executor_block_on(async {
            // futures-io -> hyper -> futures-io reads the same bytes, however small the reads.
            let data: Vec<u8> = (0..=255u8).cycle().take(20_000).collect();
            let mut s = HyperIo(FuturesIo::new(Cursor::new(data.clone())));
            let mut out = Vec::new();
            let mut chunk = [0u8; 7];
            loop {
                let n = s.read(&mut chunk).await.unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&chunk[..n]);
            }
            assert_eq!(out, data);
        });
    }

    /// A minimal executor for the shim tests (no runtime needed: cursors never wait).
    fn futures_executor_block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }
}
