//! The server mounted as a tower service inside an axum app, beside an ordinary route:
//! both answer on one port, and WebSocket upgrades work through axum's own hyper server.

use std::net::SocketAddr;

use adapter_core::DriverConfig;
use adapter_core::testing::{self, Connect};
use async_tungstenite::tungstenite::Message;
use axum::Router;
use axum::routing::get;
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

#[derive(Clone)]
struct TokioConnect;

impl Connect for TokioConnect {
    type Io = Compat<tokio::net::TcpStream>;
    async fn connect(&self, addr: SocketAddr) -> Self::Io {
        tokio::net::TcpStream::connect(addr).await.unwrap().compat()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mounted_beside_axum_routes() {
    let (svc, handle) = adapter_tokio::service(testing::echo_app(DriverConfig::default()));
    let app = Router::new()
        .route("/hello", get(|| async { "hi" }))
        .route_service("/socket.io/", svc);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let c = TokioConnect;
    assert_eq!(
        testing::http(&c, addr, "GET", "/hello", "").await,
        (200, "hi".to_owned())
    );
    let (status, open) =
        testing::http(&c, addr, "GET", "/socket.io/?EIO=4&transport=polling", "").await;
    assert_eq!(status, 200);
    assert!(open.starts_with("0{\"sid\":\""), "{open}");

    let mut ws = testing::ws_connect(&c, addr).await;
    ws.send(Message::text("42[\"echo\",\"through axum\"]"))
        .await
        .unwrap();
    assert_eq!(
        testing::next_text(&mut ws).await,
        "42[\"echo\",\"through axum\"]"
    );

    // Shutting the app down disconnects its clients; axum's other routes go on.
    handle.shutdown().await;
    assert_eq!(testing::next_text(&mut ws).await, "41");
    assert_eq!(
        testing::http(&c, addr, "GET", "/hello", "").await,
        (200, "hi".to_owned())
    );
    server.abort();
}
