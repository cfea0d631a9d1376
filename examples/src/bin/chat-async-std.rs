//! The chat on async-std: `cargo run -p socketio-examples --bin chat-async-std -- --port 3000`.

use socketio_examples::{assets::Assets, chat, cli::Options};

fn main() -> std::io::Result<()> {
    let opts = Options::from_env();
    let assets = Assets::load(&opts.client_js)?;
    async_std::task::block_on(async {
        let addr = ([127, 0, 0, 1], opts.port).into();
        let chat = chat::serve_in(
            adapter_async_std::ASYNC_STD,
            addr,
            assets,
            opts.redis.as_deref(),
            &chat::Settings {
                recovery: opts.recovery(),
                admin: opts.admin,
            },
        )
        .await?;
        println!("chat (async-std) listening on http://{}", chat.local_addr);
        std::future::pending().await
    })
}
