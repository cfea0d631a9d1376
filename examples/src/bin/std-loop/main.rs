//! A Socket.IO server with no async runtime: plain `std::net` sockets in non-blocking mode,
//! one thread, one loop. This is what a sans-IO engine makes possible: the engine never
//! touches a socket or the clock, so any loop that can move bytes and tell the time can
//! drive it (an embedded event loop, a game loop, a test harness).
//!
//! Each turn of the loop:
//! 1. accept new TCP connections;
//! 2. read what each connection has: HTTP requests (parsed by `http1` with `httparse`) go
//!    to `Engine::handle_http`; upgraded connections are WebSockets framed by the sync
//!    `tungstenite` crate, whose messages go to `Engine::handle_ws_message`;
//! 3. fire the engine's timers (pings, timeouts) once `Engine::poll_timeout` has passed;
//! 4. drain `Engine::poll_action`: responses, WebSocket accepts, frames and closes go to
//!    the sockets; `Dispatch(event)` goes to the engine's sync handler layer
//!    (`socketio_engine::handler`), which runs the namespace handlers in [`app`];
//! 5. write what the sockets will take, then sleep until the next deadline, at most
//!    [`TICK`], if the turn did nothing.
//!
//! The application, namespace `/`: greets with "welcome" `{id}`, answers "echo" with "echo"
//! and "echo-ack" with an ack (same arguments, binary included), and relays "chat" (a
//! string) to everyone else as "chat" `{from, text}`.
//!
//! Try it: `cargo run -p socketio-examples --bin std-loop -- --port 3001`, then connect any
//! Socket.IO v4 client to `http://127.0.0.1:3001`.

mod http1;

use std::collections::HashMap;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use socketio_engine::handler::{EventRouter, Handlers};
use socketio_engine::{Action, ConnId, Engine, EngineConfig, RequestId, WsMessage};
use socketio_examples::cli::Options;
use socketio_proto::Str;
use socketio_proto::eio::Frame;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Message, WebSocket};

/// Longest sleep when idle: bounds how late new connections and bytes are noticed.
const TICK: Duration = Duration::from_millis(5);

/// One client connection.
enum Conn {
    /// Serving one HTTP request.
    Http(HttpConn),
    /// An upgraded connection, known to the engine as `id`.
    Ws {
        ws: WebSocket<TcpStream>,
        id: ConnId,
    },
}

/// One HTTP request: read it, wait for the engine's answer (a long-polling GET may wait a
/// while), write it, close.
struct HttpConn {
    stream: TcpStream,
    peer: SocketAddr,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    /// The request the engine is answering.
    pending: Option<RequestId>,
    /// `Sec-WebSocket-Accept`, if the request is an upgrade.
    ws_accept: Option<String>,
    /// The answer is in `out`: close once it is written.
    answered: bool,
}

impl HttpConn {
    fn answer(&mut self, response: &http::Response<Bytes>) {
        http1::write(&mut self.out, response);
        (self.pending, self.answered) = (None, true);
    }
}

/// Everything the loop owns.
struct Server {
    engine: Engine,
    handlers: Handlers,
    conns: HashMap<u64, Conn>,
    next_token: u64,
    /// Which connection each engine request and WebSocket belongs to.
    by_req: HashMap<RequestId, u64>,
    by_ws: HashMap<ConnId, u64>,
    /// The engine's `max_http_buffer_size`: largest body read, largest WebSocket message.
    max_body: usize,
}

fn main() -> io::Result<()> {
    let opts = Options::from_env();
    let listener = TcpListener::bind(("127.0.0.1", opts.port))?;
    listener.set_nonblocking(true)?;
    println!("std-loop listening on http://{}", listener.local_addr()?);

    let config = EngineConfig::default();
    let max_body = config.eio.max_http_buffer_size;
    let mut engine = Engine::new(config);
    let mut handlers = Handlers::new();
    handlers.register(&mut engine, "/", app());
    let mut server = Server {
        engine,
        handlers,
        conns: HashMap::new(),
        next_token: 0,
        by_req: HashMap::new(),
        by_ws: HashMap::new(),
        max_body,
    };
    loop {
        let mut busy = server.accept(&listener);
        for token in server.conns.keys().copied().collect::<Vec<_>>() {
            busy |= server.read(token);
        }
        let now = Instant::now();
        if server.engine.poll_timeout().is_some_and(|t| t <= now) {
            server.engine.handle_timeout(now);
        }
        busy |= server.drain_actions();
        for token in server.conns.keys().copied().collect::<Vec<_>>() {
            server.flush(token);
        }
        if !busy {
            let until = server.engine.poll_timeout().unwrap_or(now + TICK);
            std::thread::sleep(until.saturating_duration_since(Instant::now()).min(TICK));
        }
    }
}

/// The namespace handlers, written against the engine's sync handler layer.
fn app() -> EventRouter {
    EventRouter::new()
        .on_connected(move |ctx| {
            let id = ctx.name().map(|n| n.as_str().to_owned());
            let _ = ctx.emit("welcome", &serde_json::json!({ "id": id }), Vec::new());
        })
        .on("echo", move |ctx, args, binary, _ack| {
            let _ = ctx.emit("echo", &args, binary);
        })
        .on("echo-ack", move |ctx, args, binary, ack| {
            if let Some(ack) = ack {
                let _ = ctx.ack(ack, &args, binary);
            }
        })
        .on("chat", move |ctx, args, _binary, _ack| {
            let Ok(text) = args.deserialize::<String>() else {
                return;
            };
            let from = ctx.name().map(|n| n.as_str().to_owned());
            let msg = serde_json::json!({ "from": from, "text": text });
            let everyone_else = ctx.broadcast_target();
            let _ = ctx.broadcast(&everyone_else, "chat", &msg, Vec::new());
        })
}

/// Reads what `stream` has into `buf`; `Ok(false)` once the peer closed.
fn read_available(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true),
            Err(e) => return Err(e),
        }
    }
}

impl Server {
    /// Accepts every waiting connection.
    fn accept(&mut self, listener: &TcpListener) -> bool {
        let mut any = false;
        while let Ok((stream, peer)) = listener.accept() {
            any = true;
            if stream.set_nonblocking(true).is_err() {
                continue;
            }
            let _ = stream.set_nodelay(true);
            let (inbuf, out, pending, ws_accept) = (Vec::new(), Vec::new(), None, None);
            let h = HttpConn {
                stream,
                peer,
                inbuf,
                out,
                pending,
                ws_accept,
                answered: false,
            };
            self.conns.insert(self.next_token, Conn::Http(h));
            self.next_token = self.next_token.wrapping_add(1);
        }
        any
    }

    /// Reads connection `token` and feeds the engine; returns whether anything happened.
    fn read(&mut self, token: u64) -> bool {
        let now = Instant::now();
        let (alive, any) = match self.conns.get_mut(&token) {
            None => return false,
            Some(Conn::Http(h)) => {
                let before = h.inbuf.len();
                let alive = read_available(&mut h.stream, &mut h.inbuf).unwrap_or(false);
                if h.pending.is_none() && !h.answered {
                    match http1::parse(&h.inbuf, h.peer, self.max_body) {
                        Ok(None) => {}
                        Ok(Some(req)) if req.meta.uri.path().starts_with("/socket.io/") => {
                            // What follows the request is the WebSocket's, if it upgrades.
                            h.inbuf.drain(..req.used.min(h.inbuf.len()));
                            h.ws_accept = req.ws_accept;
                            let id = self.engine.handle_http(now, req.meta, req.body);
                            h.pending = Some(id);
                            self.by_req.insert(id, token);
                        }
                        Ok(Some(_)) => h.answer(&http1::plain(StatusCode::NOT_FOUND, "not found")),
                        Err(()) => h.answer(&http1::plain(StatusCode::BAD_REQUEST, "bad request")),
                    }
                }
                (alive, h.inbuf.len() > before)
            }
            Some(Conn::Ws { ws, id }) => {
                let mut any = false;
                let alive = loop {
                    let msg = match ws.read() {
                        Ok(Message::Text(t)) => {
                            Str::from_utf8(Bytes::from(t)).ok().map(WsMessage::Text)
                        }
                        Ok(Message::Binary(b)) => Some(WsMessage::Binary(b)),
                        Ok(_) => None, // ping/pong/close are handled by tungstenite
                        Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                            break true;
                        }
                        Err(_) => break false, // closed or broken
                    };
                    any = true;
                    if let Some(msg) = msg {
                        self.engine.handle_ws_message(now, *id, msg);
                    }
                };
                (alive, any)
            }
        };
        if !alive {
            self.drop_conn(token);
        }
        any || !alive
    }

    /// Carries out what the engine asks for, until it has nothing more.
    fn drain_actions(&mut self) -> bool {
        let mut any = false;
        while let Some(action) = self.engine.poll_action() {
            any = true;
            match action {
                Action::Respond { req, response } => {
                    let token = self.by_req.remove(&req);
                    if let Some(Conn::Http(h)) = token.and_then(|t| self.conns.get_mut(&t)) {
                        h.answer(&response);
                    }
                }
                Action::AcceptWebSocket { req, conn } => {
                    if let Some(token) = self.by_req.remove(&req)
                        && self.upgrade(token, conn).is_err()
                    {
                        self.drop_conn(token);
                    }
                }
                Action::SendWs { conn, frame } => {
                    let token = self.by_ws.get(&conn);
                    if let Some(Conn::Ws { ws, .. }) = token.and_then(|t| self.conns.get_mut(t)) {
                        let msg = match frame {
                            Frame::Text(s) => Message::Text(s.as_str().into()),
                            Frame::Binary(b) => Message::Binary(b),
                        };
                        // Queued in tungstenite's buffer; `flush` writes it out.
                        let _ = ws.write(msg);
                    }
                }
                Action::CloseWs { conn } => {
                    let token = self.by_ws.remove(&conn);
                    if let Some(Conn::Ws { mut ws, .. }) = token.and_then(|t| self.conns.remove(&t))
                    {
                        let _ = ws.close(None);
                        let _ = ws.flush();
                    }
                }
                Action::Dispatch(event) => {
                    // Events no handler takes would come back; every namespace has one here.
                    let _ = self
                        .handlers
                        .handle(&mut self.engine, Instant::now(), event);
                }
                Action::StreamResponse { req, conn, .. } => {
                    // This loop writes whole responses only, and its engine does not enable
                    // the 0.9 clients that stream (htmlfile); should one come anyway, its
                    // connection is dropped and the engine told.
                    if let Some(token) = self.by_req.remove(&req) {
                        self.drop_conn(token);
                    }
                    self.engine.handle_ws_closed(Instant::now(), conn);
                }
                _ => {} // kinds of action added in a later engine version
            }
        }
        any
    }

    /// Answers the upgrade with 101 and turns the connection into a WebSocket.
    fn upgrade(&mut self, token: u64, id: ConnId) -> io::Result<()> {
        let Some(Conn::Http(mut h)) = self.conns.remove(&token) else {
            return Ok(());
        };
        let head = http1::switching_protocols(h.ws_accept.as_deref().unwrap_or_default());
        // A fresh connection's send buffer takes these ~130 bytes at once; writing them
        // blocking keeps the switch to WebSocket framing simple.
        h.stream.set_nonblocking(false)?;
        h.stream.write_all(head.as_bytes())?;
        h.stream.set_nonblocking(true)?;
        let config = WebSocketConfig::default().max_message_size(Some(self.max_body));
        // Bytes the client sent after its request belong to the WebSocket already.
        let ws = WebSocket::from_partially_read(h.stream, h.inbuf, Role::Server, Some(config));
        self.conns.insert(token, Conn::Ws { ws, id });
        self.by_ws.insert(id, token);
        Ok(())
    }

    /// Writes what connection `token` has queued, as far as its socket takes it; closes
    /// an HTTP connection once its answer is out.
    fn flush(&mut self, token: u64) {
        let keep = match self.conns.get_mut(&token) {
            None => return,
            Some(Conn::Http(h)) => loop {
                if h.out.is_empty() {
                    break !h.answered;
                }
                match h.stream.write(&h.out) {
                    Ok(0) => break false,
                    Ok(n) => drop(h.out.drain(..n.min(h.out.len()))),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break true,
                    Err(_) => break false,
                }
            },
            Some(Conn::Ws { ws, .. }) => match ws.flush() {
                Ok(()) => true,
                Err(tungstenite::Error::Io(e)) => e.kind() == ErrorKind::WouldBlock,
                Err(_) => false,
            },
        };
        if !keep {
            self.drop_conn(token);
        }
    }

    /// Forgets a connection and tells the engine about anything it was waiting on.
    fn drop_conn(&mut self, token: u64) {
        let now = Instant::now();
        match self.conns.remove(&token) {
            Some(Conn::Http(HttpConn {
                pending: Some(req), ..
            })) => {
                self.by_req.remove(&req);
                self.engine.handle_http_aborted(now, req);
            }
            Some(Conn::Ws { id, .. }) => {
                self.by_ws.remove(&id);
                self.engine.handle_ws_closed(now, id);
            }
            _ => {}
        }
    }
}
