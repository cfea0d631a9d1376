//! The server the official protocol test suites expect, on one port:
//!
//! - `/engine.io/`: a bare Engine.IO server echoing every message (the engine.io-protocol
//!   test suite);
//! - `/socket.io/`: the Socket.IO server described in the socket.io-protocol README's "Test
//!   suite" section: on connect it emits `auth` with the client's auth object (`{}` when
//!   none); `message` is answered with `message-back` and the same arguments (attachments
//!   included); `message-with-ack` is acknowledged with its arguments; namespace `/custom`
//!   only emits `auth`.
//!
//! Both with pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1 000 000, connectTimeout
//! 1000 ms, CORS origin `*`; Engine.IO v3 clients are accepted too (older suite versions).
//! Listens on 127.0.0.1, port `$PORT` (default 3000), until killed. With `$REDIS_URL` (and
//! the crate's `cluster-redis` feature) the Socket.IO server is one of a cluster on that
//! Redis, so several of these (and node's servers) can be started by hand as one.
//!
//! `cargo run --release --example conformance -p adapter-tokio`
//! (`REDIS_URL=redis://127.0.0.1:6379 cargo run --example conformance -p adapter-tokio
//! --features cluster-redis` for a cluster)

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use adapter_core::app::{App, Namespace, Socket};
use adapter_core::socketio_engine::eio::{CorsConfig, EioConfig, EioEvent, Packet};
use adapter_core::socketio_engine::{EngineConfig, SioConfig};
use adapter_core::socketio_proto::sio::Payload;
use adapter_core::{DriverConfig, Server};
use adapter_tokio::TokioRuntime;
use serde_json::json;

fn eio_config(path: &str) -> EioConfig {
    EioConfig {
        path: path.to_owned(),
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(200),
        max_http_buffer_size: 1_000_000,
        cors: Some(CorsConfig::default()),
        allow_eio3: true,
        ..EioConfig::default()
    }
}

/// Emits `auth` with the client's auth object, `{}` when it sent none (Node's default).
async fn emit_auth(socket: Socket, auth: Option<Payload>) {
    let auth = auth
        .and_then(|a| a.to_value().ok())
        .unwrap_or_else(|| json!({}));
    socket.emit("auth", &(auth,));
}

fn socketio_app() -> App {
    let mut sio = SioConfig::default();
    sio.connect_timeout(Duration::from_millis(1000));
    App::new()
        .config(EngineConfig {
            eio: eio_config("/socket.io/"),
            sio,
            ..EngineConfig::default()
        })
        .namespace(
            Namespace::new("/")
                .on_connection(emit_auth)
                .on("message", |socket, data| async move {
                    let args = data.args.to_value().unwrap_or_else(|_| json!([]));
                    socket.emit_binary("message-back", &args, data.binary);
                })
                .on("message-with-ack", |_socket, data| async move {
                    if let Some(ack) = data.ack {
                        let args = data.args.to_value().unwrap_or_else(|_| json!([]));
                        ack.send_binary(&args, data.binary);
                    }
                }),
        )
        .namespace(Namespace::new("/custom").on_connection(emit_auth))
}

/// The application, in the cluster of `$REDIS_URL` when set.
fn clustered(app: App) -> std::io::Result<App> {
    match std::env::var("REDIS_URL") {
        Err(_) => Ok(app),
        #[cfg(feature = "cluster-redis")]
        Ok(url) => Ok(app.redis(url)),
        #[cfg(not(feature = "cluster-redis"))]
        Ok(url) => Err(std::io::Error::other(format!(
            "REDIS_URL={url}: build with --features cluster-redis"
        ))),
    }
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let mut server = Server::new(TokioRuntime::current());
        server.engineio(
            eio_config("/engine.io/"),
            DriverConfig::default(),
            |eio, now, event| {
                if let EioEvent::Message { sid, message } = event
                    && let Some(g) = eio.generation(sid)
                    && let Some(v) = g.engine_io()
                {
                    let _ = eio.send(now, sid, Packet::Message(message).encode(v));
                }
            },
        );
        let _handle = server.socketio(clustered(socketio_app())?);
        let running = server
            .listen(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await?;
        println!("LISTENING {}", running.local_addr().port());
        running.stopped().await;
        Ok(())
    })
}
