#!/usr/bin/env bash
# The whole test suite: what README.md tells a newcomer to run, and what CI runs.
# Installs what the tests need on a fresh machine, then runs every test in the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

# Unit, property, scenario and doc tests of every crate, with the test-only features on
# (the fuzz bodies and the engine's test harness are compiled and exercised here too).
cargo test --workspace --all-features --all-targets
cargo test --workspace --all-features --doc
