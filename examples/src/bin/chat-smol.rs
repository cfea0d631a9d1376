//! The chat on smol: `cargo run -p socketio-examples --bin chat-smol -- --port 3000`.

use socketio_examples::{assets::Assets, chat, cli::Options};

fn main() -> std::io::Result<()> {
    let opts = Options::from_env();
    let assets = Assets::load(&opts.client_js)?;
    smol::block_on(async {
        let chat = chat::serve_in(
            adapter_smol::SMOL,
            ([127, 0, 0, 1], opts.port).into(),
            assets,
            opts.redis.as_deref(),
            &chat::Settings {
                recovery: opts.recovery(),
                admin: opts.admin,
            },
        )
        .await?;
        println!("chat (smol) listening on http://{}", chat.local_addr);
        std::future::pending().await
    })
}
