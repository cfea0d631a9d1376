//! The chat on tokio: `cargo run --release -p socketio-examples --bin chat -- --port 3000`
//! (or `tools/chat.sh`), then open http://127.0.0.1:3000/ in two browser windows.

use adapter_tokio::TokioRuntime;
use socketio_examples::{assets::Assets, chat, cli::Options};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let opts = Options::from_env();
    let assets = Assets::load(&opts.client_js)?;
    let chat = chat::serve_in(
        TokioRuntime::current(),
        ([127, 0, 0, 1], opts.port).into(),
        assets,
        opts.redis.as_deref(),
        &chat::Settings {
            recovery: opts.recovery(),
            admin: opts.admin,
        },
    )
    .await?;
    println!("chat (tokio) listening on http://{}", chat.local_addr);
    std::future::pending().await
}
