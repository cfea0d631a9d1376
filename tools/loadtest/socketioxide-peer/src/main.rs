//! The load tool's socketioxide peer: the event contract of tests/js/reference-server.mjs
//! (CONTRACTS.md F2) that the load scenarios use, on socketioxide 0.18.9 over hyper 1, so
//! `tools/loadtest/run.sh` can print every figure as a ratio against the leading Rust server.
//!
//! Same command line as `e2e-server`: `socketioxide-peer [--port N] [--runtime X]` (the
//! runtime is accepted and ignored: socketioxide runs on tokio only). Prints
//! `LISTENING <port>` when ready; exits on stdin EOF.
//!
//! Events: "echo" (emits "echo" back with the same arguments), "echo-ack" (acks with the
//! same arguments), "join"/"leave" (acks `{rooms}`), "broadcast"
//! `{room, event, args, exceptSelf}` (emits `event` with `args` to the namespace or the room,
//! acks `{ok:true}`), "count" (acks `{sockets}`); on connect it emits "welcome" `{id, nsp,
//! auth}`, like the reference server.

use std::net::{Ipv4Addr, SocketAddr};

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef, TryData};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// A socket's rooms, sorted, as the reference server reports them.
fn rooms_of(socket: &SocketRef) -> Value {
    let mut rooms: Vec<String> = socket.rooms().into_iter().map(|r| r.to_string()).collect();
    rooms.sort();
    json!({ "rooms": rooms })
}

/// Emits `args` (a JSON array of event arguments) as separate arguments: socketioxide treats
/// a tuple as several arguments and a `Vec` as one, so the common lengths are spelled out.
async fn emit_args(op: socketioxide::operators::BroadcastOperators, event: &str, args: &[Value]) {
    let _ = match args {
        [] => op.emit(event, &()).await,
        [a] => op.emit(event, &(a,)).await,
        [a, b] => op.emit(event, &(a, b)).await,
        [a, b, c] => op.emit(event, &(a, b, c)).await,
        [a, b, c, d] => op.emit(event, &(a, b, c, d)).await,
        more => op.emit(event, &(more,)).await,
    };
}

fn on_connect(socket: SocketRef, io: SocketIo) {
    let _ = socket.emit(
        "welcome",
        &json!({ "id": socket.id.to_string(), "nsp": socket.ns(), "auth": Value::Null }),
    );
    socket.on("echo", async |s: SocketRef, Data(data): Data<Value>| {
        let _ = s.emit("echo", &data);
    });
    socket.on(
        "echo-ack",
        async |Data(data): Data<Value>, ack: AckSender| {
            let _ = ack.send(&data);
        },
    );
    socket.on(
        "join",
        async |s: SocketRef, Data(room): Data<String>, ack: AckSender| {
            s.join(room);
            let _ = ack.send(&rooms_of(&s));
        },
    );
    socket.on(
        "leave",
        async |s: SocketRef, Data(room): Data<String>, ack: AckSender| {
            s.leave(room);
            let _ = ack.send(&rooms_of(&s));
        },
    );
    socket.on("count", async |io: SocketIo, ack: AckSender| {
        let _ = ack.send(&json!({ "sockets": io.sockets().len() }));
    });
    socket.on(
        "broadcast",
        async |s: SocketRef, io: SocketIo, TryData(req): TryData<Value>, ack: AckSender| {
            let req = req.unwrap_or(Value::Null);
            let event = req.get("event").and_then(Value::as_str).unwrap_or("");
            let args = req
                .get("args")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let except_self = req
                .get("exceptSelf")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let room = req.get("room").and_then(Value::as_str).map(str::to_owned);
            let op = match (room, except_self) {
                (None, false) => io.broadcast(),
                (None, true) => s.broadcast(),
                (Some(room), false) => io.to(room),
                (Some(room), true) => s.to(room),
            };
            emit_args(op, event, &args).await;
            let _ = ack.send(&json!({ "ok": true }));
        },
    );
    let _ = io;
}

fn parse_port() -> Result<u16, String> {
    let mut port = 0;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|_| format!("bad port {value}"))?,
            "--runtime" => {}
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(port)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = parse_port()?;
    let (svc, io) = SocketIo::new_svc();
    io.ns("/", async |s: SocketRef, io: SocketIo| on_connect(s, io));

    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!("LISTENING {}", listener.local_addr()?.port());

    let accept = async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let svc = svc.clone();
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .with_upgrades()
                    .await;
            });
        }
    };
    let stdin_eof = async {
        let mut stdin = tokio::io::stdin();
        let mut sink = [0u8; 256];
        while matches!(stdin.read(&mut sink).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        () = accept => {}
        () = stdin_eof => {}
    }
    Ok(())
}
