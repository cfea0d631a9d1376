//! `e2e-server`: the end-to-end test application on 127.0.0.1.
//!
//! Flags: `--runtime tokio|smol|async-std` (default tokio), `--port N` (default 0 = pick),
//! `--ping-interval-ms N`, `--ping-timeout-ms N` (default: the engine's), `--recovery-ms N`
//! (connection state recovery with a maximum disconnection duration of N ms; off without
//! it), `--parser default|msgpack` (socket.io-msgpack-parser's packets; default the text
//! parser), and with the crate's `redis` feature `--redis URL` (one server of a cluster on that
//! Redis, node's `@socket.io/redis-adapter` servers included), `--redis-sharded URL` (the same
//! with node's sharded adapter, `createShardedAdapter`, on Redis 7), or `--redis-streams URL`
//! (the same through a Redis stream, node's `@socket.io/redis-streams-adapter` servers
//! included; with `--recovery-ms`, clients recover across servers), `--admin` (no value: the
//! Socket.IO admin UI on `/admin`, without authentication, in development mode, in place of
//! the test application's `/admin`; CORS mirrors the origin, with credentials). Prints exactly one
//! line `LISTENING <port>` on stdout once ready. On stdin EOF it shuts down gracefully (every
//! client gets a disconnect, "server shutting down") and exits 0.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use adapter_core::app::AdminConfig;
use adapter_core::socketio_engine::RecoveryConfig;
use adapter_core::socketio_engine::eio::{CorsConfig, CorsOrigin};
use adapter_core::{App, Parser, Runtime, Server};
use futures_channel::oneshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rt {
    Tokio,
    Smol,
    AsyncStd,
}

#[derive(Debug)]
struct Opts {
    runtime: Rt,
    port: u16,
    ping_interval: Option<Duration>,
    ping_timeout: Option<Duration>,
    recovery: Option<Duration>,
    parser: Parser,
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    redis: Option<String>,
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    redis_streams: Option<String>,
    /// `--redis-sharded`: the cluster speaks node's sharded adapter.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    sharded: bool,
    admin: bool,
}

fn parse_args() -> Result<Opts, String> {
    let mut opts = Opts {
        runtime: Rt::Tokio,
        port: 0,
        ping_interval: None,
        ping_timeout: None,
        recovery: None,
        parser: Parser::Default,
        redis: None,
        redis_streams: None,
        sharded: false,
        admin: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--admin" {
            opts.admin = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let ms = || {
            value
                .parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|e| format!("{flag}: {e}"))
        };
        match flag.as_str() {
            "--runtime" => {
                opts.runtime = match value.as_str() {
                    "tokio" => Rt::Tokio,
                    "smol" => Rt::Smol,
                    "async-std" => Rt::AsyncStd,
                    other => return Err(format!("unknown runtime {other:?}")),
                }
            }
            "--port" => opts.port = value.parse().map_err(|e| format!("--port: {e}"))?,
            "--ping-interval-ms" => opts.ping_interval = Some(ms()?),
            "--ping-timeout-ms" => opts.ping_timeout = Some(ms()?),
            "--recovery-ms" => opts.recovery = Some(ms()?),
            "--parser" => {
                opts.parser = match value.as_str() {
                    "default" => Parser::Default,
                    "msgpack" => Parser::Msgpack,
                    other => return Err(format!("unknown parser {other:?}")),
                }
            }
            #[cfg(feature = "redis")]
            "--redis" => opts.redis = Some(value),
            #[cfg(feature = "redis")]
            "--redis-streams" => opts.redis_streams = Some(value),
            "--redis-sharded" => {
                opts.redis = Some(value);
                opts.sharded = true;
            }
            other => return Err(format!("unknown flag {other:?}")),
        }
    }
    Ok(opts)
}

fn app(opts: &Opts) -> App {
    let (interval, timeout, recovery) = (opts.ping_interval, opts.ping_timeout, opts.recovery);
    let app = socketio_e2e_tests::app::build(move |c| {
        // Every client generation is served: socket.io-client 2.x speaks Engine.IO v3, and
        // socket.io-client 0.9 (and gevent-socketio's clients) the 0.9 protocol.
        c.eio.allow_eio3 = true;
        c.eio.allow_v09 = true;
        if let Some(d) = interval {
            c.eio.ping_interval = d;
        }
        if let Some(d) = timeout {
            c.eio.ping_timeout = d;
        }
        if let Some(d) = recovery {
            let mut r = RecoveryConfig::default();
            r.max_disconnection_duration(d);
            c.sio.connection_state_recovery(Some(r));
        }
    })
    .parser(opts.parser);
    let app = if opts.admin {
        // The UI's namespace takes the place of the test application's `/admin`.
        app.configure(|c| {
            c.eio.cors = Some(CorsConfig {
                origin: CorsOrigin::Mirror,
                credentials: true,
                ..CorsConfig::default()
            });
        })
        .admin_ui(AdminConfig::default())
    } else {
        app
    };
    #[cfg(feature = "redis")]
    if let Some(url) = &opts.redis {
        return if opts.sharded {
            app.redis_sharded(url.clone())
        } else {
            app.redis(url.clone())
        };
    }
    #[cfg(feature = "redis")]
    if let Some(url) = &opts.redis_streams {
        return app.redis_streams(url.clone());
    }
    app
}

/// Resolves when stdin reaches EOF (read on a plain thread: stdin is blocking everywhere).
fn stdin_eof() -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    rx
}

async fn run<R: Runtime>(rt: R, opts: Opts) -> Result<(), String> {
    let mut server = Server::new(rt);
    let _handle = server.socketio(app(&opts));
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port));
    let running = server
        .listen(addr)
        .await
        .map_err(|e| format!("bind {addr}: {e}"))?;
    let mut out = std::io::stdout();
    writeln!(out, "LISTENING {}", running.local_addr().port()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    let _ = stdin_eof().await;
    running.shutdown().await;
    Ok(())
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("e2e-server: {e}");
            return ExitCode::from(2);
        }
    };
    // The load tool opens 10 000 connections to this server; lift the soft limit of 1024.
    let _ = adapter_core::raise_open_file_limit();
    let result = match opts.runtime {
        Rt::Tokio => match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(rt) => {
                rt.block_on(async { run(adapter_tokio::TokioRuntime::current(), opts).await })
            }
            Err(e) => Err(format!("tokio: {e}")),
        },
        Rt::Smol => smol::block_on(run(adapter_smol::SMOL, opts)),
        Rt::AsyncStd => async_std::task::block_on(run(adapter_async_std::ASYNC_STD, opts)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-server: {e}");
            ExitCode::FAILURE
        }
    }
}
