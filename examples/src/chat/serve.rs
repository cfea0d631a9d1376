//! Serves the chat on any [`Runtime`]: Socket.IO under `/socket.io/`, the page's files on
//! every other path.
//!
//! adapter-core's own listener answers 404 outside its mounts, so this takes the mounts as
//! a tower service ([`Server::into_service`]) and runs the HTTP/1.1 connections itself with
//! hyper (upgrades on, for WebSocket), routing by path. It uses only the runtime-neutral
//! [`Runtime`] trait, so the tokio, smol and async-std binaries share it.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use adapter_core::io::FuturesIo;
use adapter_core::{Listener, Runtime, Server, ServerHandle, SocketIoService};
use http::Request;
use hyper::body::Incoming;
use tower_service::Service;

use super::app::{Settings, Shared, app_with, expire_away};
use super::state::ChatState;
use crate::assets::Assets;

/// Where Socket.IO is mounted (the engine's default path).
pub const SOCKETIO_PATH: &str = "/socket.io/";

/// A running chat server.
#[derive(Debug)]
pub struct Chat {
    /// The bound address (with the real port when bound to port 0).
    pub local_addr: SocketAddr,
    /// The Socket.IO application's handle (shutdown, broadcasts from outside, the state).
    pub handle: ServerHandle,
}

impl Chat {
    /// The chat's shared state, locked (tests look into it); `None` cannot happen, the
    /// handle carries the chat's own [`Shared`] state.
    #[must_use]
    pub fn state(&self) -> Option<std::sync::MutexGuard<'_, ChatState>> {
        self.handle.state::<Shared>().map(Shared::lock)
    }
}

/// Binds `addr` and serves the chat there with runtime `rt`; returns once listening.
///
/// # Errors
/// Binding failed.
pub async fn serve<R: Runtime>(rt: R, addr: SocketAddr, assets: Assets) -> io::Result<Chat> {
    serve_in(rt, addr, assets, None, &Settings::default()).await
}

/// As [`serve`], as one instance of a chat cluster on the Redis at `redis` when given
/// (feature `redis`): room events (`message`, `joined`, `left`) reach the room's members on
/// every instance; nicknames, member lists, history and the `/presence` stats stay per
/// instance. `settings` sets connection state recovery's window.
///
/// # Errors
/// Binding failed, or `redis` given to a build without the `redis` feature.
pub async fn serve_in<R: Runtime>(
    rt: R,
    addr: SocketAddr,
    assets: Assets,
    redis: Option<&str>,
    settings: &Settings,
) -> io::Result<Chat> {
    let mut chat = app_with(settings);
    if let Some(url) = redis {
        #[cfg(feature = "redis")]
        {
            chat = chat.redis(url);
        }
        #[cfg(not(feature = "redis"))]
        {
            let _ = &mut chat;
            return Err(io::Error::other(format!(
                "--redis {url}: this chat was built without the `redis` feature"
            )));
        }
    }
    // One descriptor per browser tab: lift the default soft limit of 1024 open files.
    let _ = adapter_core::raise_open_file_limit();
    let mut server = Server::new(rt.clone());
    let handle = server.socketio(chat);
    let socketio = server.into_service();
    let mut listener = rt.bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let assets = Arc::new(assets);
    if settings.recovery.is_some() {
        rt.spawn(Box::pin(expire_every_second(rt.clone(), handle.clone())));
    }
    let spawner = rt.clone();
    rt.spawn(Box::pin(async move {
        loop {
            let Ok((io, peer)) = listener.accept().await else {
                // Out of descriptors or similar: back off briefly instead of spinning.
                let at = spawner.now() + adapter_core::ACCEPT_ERROR_BACKOFF;
                spawner.timer_at(at).await;
                continue;
            };
            let (socketio, assets) = (socketio.clone(), assets.clone());
            spawner.spawn(Box::pin(connection(io, peer, socketio, assets)));
        }
    }));
    Ok(Chat { local_addr, handle })
}

/// Lets go of dropped users whose recovery window passed, once a second, for as long as the
/// server runs (a user is held at most a second past the window).
async fn expire_every_second<R: Runtime>(rt: R, handle: ServerHandle) {
    loop {
        rt.timer_at(rt.now() + std::time::Duration::from_secs(1))
            .await;
        expire_away(&handle);
    }
}

/// One HTTP/1.1 connection (keep-alive, upgrades).
async fn connection<R: Runtime, T>(
    io: T,
    peer: SocketAddr,
    socketio: SocketIoService<R>,
    assets: Arc<Assets>,
) where
    T: futures_io::AsyncRead + futures_io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        let mut socketio = socketio.clone();
        let assets = assets.clone();
        async move {
            if req.uri().path().starts_with(SOCKETIO_PATH) {
                // The engine reads the peer address from here.
                req.extensions_mut().insert(peer);
                return socketio.call(req).await;
            }
            let r = assets.respond(req.method(), req.uri().path());
            Ok(r.map(adapter_core::ResponseBody::full))
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(FuturesIo::new(io), service)
        .with_upgrades()
        .await;
}
