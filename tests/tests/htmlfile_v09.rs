//! Socket.IO 0.9's `htmlfile` transport over real sockets, once per runtime. Its only real
//! client is Internet Explorer, which cannot run here, so `tests/js/raw/htmlfile-v09.mjs`
//! plays the page with node's `http`: the streamed page, packets as script tags, POSTs,
//! heartbeats, and the session ending with the page.

#[macro_use]
mod common;

use std::time::Duration;

use common::{node_script, run_against};

fn htmlfile(runtime: &str) {
    run_against(runtime, Duration::from_secs(60), |server| {
        node_script("raw/htmlfile-v09.mjs", server)
    });
}

per_runtime!(htmlfile);
