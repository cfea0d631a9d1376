//! Polling echo: like `echo`, but every client speaks HTTP long-polling only
//! (`transport=polling`, no upgrade), so the figures cover the request path the WebSocket
//! scenarios never touch: each round trip is a POST carrying `42<id>["echo-ack",<payload>]`
//! and GETs until the `43<id>[..]` ack comes back, on one keep-alive connection per client.
//! A ping found in a GET is answered with a pong POST, as a client must.
//!
//! The HTTP client here is the least that serves this (HTTP/1.1 keep-alive, a body by
//! `Content-Length` or chunked); each step has the [`REPLY_TIMEOUT`] deadline.

use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, mpsc, watch};

use super::{REPLY_TIMEOUT, filler, micros};
use crate::args::Settings;
use crate::hist::Histogram;
use crate::procfs::{CpuMeter, CpuUsage};
use crate::scenario::ConnectSummary;
use crate::scenario::echo::EchoTotals;

/// Largest response body taken (a polling batch of a few acks is far smaller).
pub(crate) const MAX_BODY: usize = 1 << 20;
/// Engine.IO's packet separator in a polling payload.
const SEPARATOR: char = '\u{1e}';

/// A failure of one polling client.
type Fail = String;

/// One keep-alive HTTP/1.1 connection to the server.
struct Http {
    io: BufReader<TcpStream>,
    port: u16,
}

impl Http {
    async fn connect(port: u16) -> Result<Self, Fail> {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("tcp connect: {e}"))?;
        let _ = s.set_nodelay(true);
        Ok(Self {
            io: BufReader::new(s),
            port,
        })
    }

    /// Sends one request and reads its response: (status, body).
    async fn request(
        &mut self,
        method: &str,
        query: &str,
        body: &str,
    ) -> Result<(u16, String), Fail> {
        let head = format!(
            "{method} /socket.io/?{query} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n",
            self.port,
            body.len()
        );
        let mut out = head.into_bytes();
        out.extend_from_slice(body.as_bytes());
        let step = async {
            self.io
                .get_mut()
                .write_all(&out)
                .await
                .map_err(|e| e.to_string())?;
            self.response().await
        };
        tokio::time::timeout(REPLY_TIMEOUT, step)
            .await
            .map_err(|_| format!("no response to {method} within the reply timeout"))?
    }

    async fn line(&mut self) -> Result<String, Fail> {
        let mut line = String::new();
        let n = self
            .io
            .read_line(&mut line)
            .await
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        Ok(line.trim_end().to_owned())
    }

    async fn response(&mut self) -> Result<(u16, String), Fail> {
        let status = self.line().await?;
        let code = status
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("bad status line {status:?}"))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            let h = self.line().await?;
            if h.is_empty() {
                break;
            }
            let Some((name, value)) = h.split_once(':') else {
                continue;
            };
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "content-length" {
                length = value.parse::<usize>().ok();
            } else if name == "transfer-encoding" && value.eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let size = self.line().await?;
                let n = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                    .map_err(|_| format!("bad chunk size {size:?}"))?;
                if n == 0 {
                    self.line().await?;
                    break;
                }
                self.read_exact(&mut body, n).await?;
                self.line().await?;
            }
        } else {
            let n = length.ok_or("a response without Content-Length")?;
            self.read_exact(&mut body, n).await?;
        }
        String::from_utf8(body)
            .map(|b| (code, b))
            .map_err(|_| "a body that is not UTF-8".into())
    }

    async fn read_exact(&mut self, body: &mut Vec<u8>, n: usize) -> Result<(), Fail> {
        if body.len().saturating_add(n) > MAX_BODY {
            return Err(format!("a body over {MAX_BODY} bytes"));
        }
        let start = body.len();
        body.resize(start + n, 0);
        self.io
            .read_exact(&mut body[start..])
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A connected polling client: its HTTP connection and its session id.
struct Polling {
    http: Http,
    sid: String,
    next_id: u64,
}

impl Polling {
    async fn connect(port: u16) -> Result<Self, Fail> {
        let mut http = Http::connect(port).await?;
        let (code, open) = http.request("GET", "EIO=4&transport=polling", "").await?;
        let sid = open
            .strip_prefix('0')
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| v.get("sid")?.as_str().map(str::to_owned))
            .ok_or_else(|| format!("no open packet ({code}): {open:?}"))?;
        let mut c = Self {
            http,
            sid,
            next_id: 0,
        };
        c.post("40").await?;
        // The CONNECT reply (and maybe the "welcome" event).
        let mut connected = false;
        while !connected {
            for p in c.get().await? {
                connected |= p.starts_with("40");
                if p.starts_with("44") {
                    return Err(format!("connect refused: {p}"));
                }
            }
        }
        Ok(c)
    }

    fn query(&self) -> String {
        format!("EIO=4&transport=polling&sid={}", self.sid)
    }

    async fn post(&mut self, payload: &str) -> Result<(), Fail> {
        let q = self.query();
        let (code, body) = self.http.request("POST", &q, payload).await?;
        if code != 200 {
            return Err(format!("POST answered {code}: {body}"));
        }
        Ok(())
    }

    /// One long-poll: the packets it brought (pings answered).
    async fn get(&mut self) -> Result<Vec<String>, Fail> {
        let q = self.query();
        let (code, body) = self.http.request("GET", &q, "").await?;
        if code != 200 {
            return Err(format!("GET answered {code}: {body}"));
        }
        let packets: Vec<String> = body.split(SEPARATOR).map(str::to_owned).collect();
        if packets.iter().any(|p| p == "2") {
            self.post("3").await?;
        }
        if packets.iter().any(|p| p.starts_with('1')) {
            return Err("the server closed the session".into());
        }
        Ok(packets)
    }

    /// One echo-ack round trip; whether the ack carried `args` back.
    async fn echo(&mut self, args: &str) -> Result<bool, Fail> {
        let id = self.next_id;
        self.next_id += 1;
        self.post(&format!("42{id}[\"echo-ack\",{}", &args[1..]))
            .await?;
        let want = format!("43{id}");
        loop {
            for p in self.get().await? {
                if let Some(rest) = p.strip_prefix(&want)
                    && rest.starts_with('[')
                {
                    return Ok(rest == args);
                }
            }
        }
    }
}

/// What one client measured.
struct Outcome {
    hist: Histogram,
    finished: Instant,
    mismatches: u64,
    error: Option<String>,
}

async fn client_task(
    port: u16,
    args: String,
    duration: Duration,
    permits: std::sync::Arc<Semaphore>,
    connected: mpsc::Sender<Result<(), String>>,
    mut start: watch::Receiver<bool>,
    results: mpsc::UnboundedSender<Outcome>,
) {
    let client = async {
        let _permit = permits.acquire().await.map_err(|e| e.to_string())?;
        Polling::connect(port).await
    }
    .await;
    let mut client = match client {
        Ok(c) => {
            let _ = connected.send(Ok(())).await;
            c
        }
        Err(e) => {
            let _ = connected.send(Err(e)).await;
            return;
        }
    };
    let mut out = Outcome {
        hist: Histogram::new(),
        finished: Instant::now(),
        mismatches: 0,
        error: None,
    };
    if start.wait_for(|go| *go).await.is_ok() {
        let deadline = Instant::now() + duration;
        while Instant::now() < deadline {
            let sent = Instant::now();
            match client.echo(&args).await {
                Ok(same) => {
                    out.hist.record(micros(sent.elapsed()));
                    out.mismatches += u64::from(!same);
                }
                Err(e) => {
                    out.error = Some(e);
                    break;
                }
            }
        }
    }
    out.finished = Instant::now();
    let _ = results.send(out);
    // Leave: the server sees the close as a transport close.
    let _ = client.post("41").await;
}

/// Runs the polling echo scenario against the server on `port` (process `pid`, when known).
pub(crate) async fn run(port: u16, pid: Option<u32>, s: &Settings) -> (ConnectSummary, EchoTotals) {
    let args = serde_json::to_string(&[filler(s.payload_bytes)]).expect("a string serializes");
    let permits = std::sync::Arc::new(Semaphore::new(s.connect_concurrency.max(1)));
    let (connected_tx, mut connected) = mpsc::channel(s.clients.max(1));
    let (start_tx, start_rx) = watch::channel(false);
    let (results_tx, mut results) = mpsc::unbounded_channel();
    let began = Instant::now();
    let tasks: Vec<_> = (0..s.clients)
        .map(|_| {
            tokio::spawn(client_task(
                port,
                args.clone(),
                s.duration,
                permits.clone(),
                connected_tx.clone(),
                start_rx.clone(),
                results_tx.clone(),
            ))
        })
        .collect();
    drop((connected_tx, results_tx, start_rx));
    let mut summary = ConnectSummary {
        connected: 0,
        failed: 0,
        first_error: None,
        elapsed: Duration::ZERO,
    };
    let deadline = tokio::time::Instant::now() + s.connect_timeout.saturating_mul(4);
    while summary.connected + summary.failed < s.clients {
        match tokio::time::timeout_at(deadline, connected.recv()).await {
            Ok(Some(Ok(()))) => summary.connected += 1,
            Ok(Some(Err(e))) => {
                summary.failed += 1;
                summary.first_error.get_or_insert(e);
            }
            _ => {
                summary.failed = s.clients - summary.connected;
                summary
                    .first_error
                    .get_or_insert_with(|| "connect phase timed out".into());
                break;
            }
        }
    }
    summary.elapsed = began.elapsed();
    let meter = CpuMeter::start(pid);
    let start = Instant::now();
    let _ = start_tx.send(true);
    let mut totals = EchoTotals {
        hist: Histogram::new(),
        elapsed: Duration::ZERO,
        mismatches: 0,
        errors: 0,
        first_error: None,
        cpu: CpuUsage::default(),
    };
    let mut last = start;
    let deadline =
        tokio::time::Instant::now() + s.duration + REPLY_TIMEOUT + Duration::from_secs(1);
    for _ in 0..summary.connected {
        let Ok(Some(r)) = tokio::time::timeout_at(deadline, results.recv()).await else {
            break;
        };
        totals.hist.merge(&r.hist);
        totals.mismatches = totals.mismatches.saturating_add(r.mismatches);
        if let Some(e) = r.error {
            totals.errors = totals.errors.saturating_add(1);
            totals.first_error.get_or_insert(e);
        }
        last = last.max(r.finished);
    }
    totals.cpu = meter.finish();
    totals.elapsed = last.saturating_duration_since(start);
    drop(start_tx);
    for t in tasks {
        let _ = tokio::time::timeout(REPLY_TIMEOUT, t).await;
    }
    (summary, totals)
}
