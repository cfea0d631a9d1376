//! `loadtest`: a load generator for Socket.IO servers implementing the e2e test application
//! (events "echo-ack" and "broadcast"), speaking Engine.IO v4 / Socket.IO v5 over WebSocket
//! to 127.0.0.1 only.
//!
//! Scenarios: `echo` (closed-loop ack round trips: throughput and latency), `broadcast` (one
//! sender, every client receives: fan-out rate and delivery latency), `idle` (many idle
//! connections: the server's resident memory per connection), and `suite` (all of them
//! against several servers it starts itself, with a comparison table). Every scenario is
//! bounded in clients and time and stops by itself. Output: a human table, then one line of
//! JSON for scripts. See `tools/loadtest/README.md`.
#![forbid(unsafe_code)]

mod args;
mod client;
mod goals;
mod hist;
mod procfs;
mod report;
mod runner;
mod scenario;
mod server;

use std::process::ExitCode;

use args::{Command, MAX_CLIENTS};

/// Descriptors beyond the clients: the runtime, stdio, a spawned server's pipes.
const SPARE_FDS: u64 = 256;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&argv) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let threads = match &command {
        Command::Help => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Command::Run(r) => r.threads,
        Command::Suite(s) => s.threads,
    };
    // Every client is one descriptor: raise the soft limit as far as the hard one allows.
    let max_clients = u64::try_from(MAX_CLIENTS).unwrap_or(u64::MAX);
    let nofile = procfs::raise_nofile(max_clients + SPARE_FDS);
    eprintln!("[loadtest] RLIMIT_NOFILE soft limit {nofile}, {threads} client thread(s)");

    // One thread by default: on a small machine the server under test needs the other cores.
    let runtime = if threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Run(r) => runner::run_command(r).await,
            Command::Suite(s) => runner::run_suite(s).await,
            Command::Help => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
