//! The runtime-free `std-loop` server, run as its binary: WebSocket clients get the welcome,
//! echoes, acks and the chat relay; long-polling and the HTTP edge cases answer as a
//! Socket.IO server should.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The server process, killed on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_std-loop"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line.trim().rsplit("http://").next().unwrap().to_owned();
        Self { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Ws = WebSocket<MaybeTlsStream<TcpStream>>;

fn next_text(ws: &mut Ws) -> String {
    loop {
        if let Message::Text(t) = ws.read().unwrap() {
            return t.as_str().to_owned();
        }
    }
}

/// Connects to namespace `/`; returns the socket and its id from the welcome.
fn connect(addr: &str) -> (Ws, String) {
    let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
    let (mut ws, _) = tungstenite::connect(url).unwrap();
    assert!(next_text(&mut ws).starts_with("0{\"sid\""));
    ws.send(Message::text("40")).unwrap();
    let connect = next_text(&mut ws);
    let sid = connect
        .strip_prefix("40{\"sid\":\"")
        .and_then(|s| s.strip_suffix("\"}"))
        .unwrap()
        .to_owned();
    assert_eq!(
        next_text(&mut ws),
        format!("42[\"welcome\",{{\"id\":\"{sid}\"}}]")
    );
    (ws, sid)
}

/// One raw HTTP/1.1 exchange; returns the whole response.
fn http(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn websocket_echo_ack_and_relay() {
    let server = Server::start();
    let (mut a, a_id) = connect(&server.addr);
    let (mut b, _) = connect(&server.addr);

    a.send(Message::text(r#"42["echo","hi",{"n":1}]"#)).unwrap();
    assert_eq!(next_text(&mut a), r#"42["echo","hi",{"n":1}]"#);

    a.send(Message::text(r#"427["echo-ack",1,"two"]"#)).unwrap();
    assert_eq!(next_text(&mut a), r#"437[1,"two"]"#);

    // Binary echo: the header, then the attachment as a binary frame.
    a.send(Message::text(
        r#"451-["echo",{"_placeholder":true,"num":0}]"#,
    ))
    .unwrap();
    a.send(Message::binary(vec![1u8, 2, 3])).unwrap();
    assert_eq!(
        next_text(&mut a),
        r#"451-["echo",{"_placeholder":true,"num":0}]"#
    );
    assert_eq!(a.read().unwrap(), Message::binary(vec![1u8, 2, 3]));

    a.send(Message::text(r#"42["chat","yo"]"#)).unwrap();
    assert_eq!(
        next_text(&mut b),
        format!(r#"42["chat",{{"from":"{a_id}","text":"yo"}}]"#)
    );
    // The sender is left out: its next frame is the answer to its next request.
    a.send(Message::text(r#"428["echo-ack"]"#)).unwrap();
    assert_eq!(next_text(&mut a), "438[]");
}

#[test]
fn polling_and_http_edges() {
    let server = Server::start();
    let addr = &server.addr;
    let open = http(
        addr,
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert!(open.starts_with("HTTP/1.1 200 OK\r\n"), "{open}");
    assert!(open.contains("connection: close\r\n"), "{open}");
    let body = open.split("\r\n\r\n").nth(1).unwrap();
    let sid = body
        .strip_prefix("0{\"sid\":\"")
        .and_then(|s| s.split('"').next())
        .unwrap();

    // Connect to "/" over polling: POST the CONNECT, GET the answer and the welcome.
    let post = format!(
        "POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: x\r\n\
         Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n40"
    );
    assert!(http(addr, &post).ends_with("\r\n\r\nok"));
    let get = format!("GET /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\n\r\n");
    let got = http(addr, &get);
    assert!(got.contains("40{\"sid\":\""), "{got}");
    assert!(got.contains("42[\"welcome\""), "{got}");

    // Not Socket.IO, malformed, or a body over the limit.
    assert!(http(addr, "GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
    assert!(http(addr, "NOT HTTP\r\n\r\n").starts_with("HTTP/1.1 400"));
    let big = format!(
        "POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\n\
         Content-Length: 2000000\r\n\r\n"
    );
    assert!(http(addr, &big).starts_with("HTTP/1.1 413"));
}
