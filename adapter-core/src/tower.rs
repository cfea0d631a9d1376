//! [`SocketIoService`]: the server as a tower `Service`, to mount beside other routes in an
//! existing hyper or axum application (the host server must enable HTTP upgrades for
//! WebSocket, as hyper's `with_upgrades` and axum's `serve` do).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use hyper::body::Body;

use crate::conn::{self, Mount, ResponseBody};
use crate::runtime::Runtime;
use crate::ws;

/// The mounted hubs as a tower `Service<Request<B>>`. Cheap to clone.
#[derive(Clone)]
pub struct SocketIoService<R: Runtime> {
    rt: R,
    mounts: Arc<[Mount]>,
    // Keeps the stop channel alive so nothing reads it as "all hubs stopped" early.
    _stop: async_channel::Receiver<()>,
}

impl<R: Runtime> std::fmt::Debug for SocketIoService<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketIoService")
            .field(
                "mounts",
                &self.mounts.iter().map(|m| &m.path).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> SocketIoService<R> {
    pub(crate) fn new(rt: R, mounts: Arc<[Mount]>, stop: async_channel::Receiver<()>) -> Self {
        Self {
            rt,
            mounts,
            _stop: stop,
        }
    }
}

impl<R, B> tower_service::Service<Request<B>> for SocketIoService<R>
where
    R: Runtime,
    B: Body<Data = Bytes> + Send + 'static,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let peer = req.extensions().get::<std::net::SocketAddr>().copied();
        Box::pin(conn::service(
            self.rt.clone(),
            self.mounts.clone(),
            peer,
            req,
            ws::foreign_io,
        ))
    }
}
