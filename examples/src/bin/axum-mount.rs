//! The chat mounted into an axum application, beside the application's own routes.
//!
//! The Socket.IO server becomes a tower service (`adapter_tokio::service`) routed at
//! `/socket.io/`; axum serves everything else. The chat state and the Socket.IO handle are
//! shared with ordinary axum handlers:
//! - `GET /api/health`    → `ok`
//! - `GET /api/stats`     → the chat's online count and rooms, as JSON
//! - `POST /api/announce` → the body is sent to every room as a message from "server"
//!
//! Run: `cargo run -p socketio-examples --bin axum-mount -- --port 3000`, open
//! http://127.0.0.1:3000/, then `curl -d 'hello all' http://127.0.0.1:3000/api/announce`.

use std::sync::Arc;

use adapter_core::ServerHandle;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use socketio_examples::assets::Assets;
use socketio_examples::chat::{self, app::Shared};
use socketio_examples::cli::Options;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let opts = Options::from_env();
    let assets = Arc::new(Assets::load(&opts.client_js)?);
    // The chat's state lives in its app; the handle reaches it (`ServerHandle::state`).
    let (socketio, io) = adapter_tokio::service(chat::app());

    let io2 = io.clone();
    let app = Router::new()
        .route_service("/socket.io/", socketio)
        .route("/api/health", get(|| async { "ok" }))
        .route("/api/stats", get(move || stats(io2.clone())))
        .route(
            "/api/announce",
            post(move |body: String| announce(io.clone(), body)),
        )
        // The page's files, for every path no route above took.
        .fallback(move |req: Request| {
            let assets = assets.clone();
            async move {
                assets
                    .respond(req.method(), req.uri().path())
                    .map(Body::from)
            }
        });

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port)).await?;
    println!("chat (axum) listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}

/// `GET /api/stats`: what the `/presence` namespace pushes, on request.
async fn stats(io: ServerHandle) -> Response {
    let stats = io.state::<Shared>().map(|s| s.lock().stats());
    match stats.and_then(|s| serde_json::to_string(&s).ok()) {
        Some(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `POST /api/announce`: a message from "server" in every room, through the Socket.IO handle.
async fn announce(io: ServerHandle, text: String) -> Response {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > chat::state::MAX_MESSAGE_CHARS {
        return (StatusCode::BAD_REQUEST, "1 to 2000 characters, please\n").into_response();
    }
    let rooms: Vec<String> = match io.state::<Shared>() {
        Some(s) => s.lock().stats().rooms.into_iter().map(|r| r.name).collect(),
        None => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    for room in &rooms {
        let msg =
            serde_json::json!({ "id": 0, "room": room, "nick": "server", "text": text, "ts": ts });
        if io
            .of("/chat")
            .to(room.as_str())
            .try_emit("message", &msg)
            .is_err()
        {
            return (StatusCode::SERVICE_UNAVAILABLE, "the chat has stopped\n").into_response();
        }
    }
    format!("announced in {} rooms\n", rooms.len()).into_response()
}
