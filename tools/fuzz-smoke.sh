#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time on the stable toolchain (`-s none`: no
# sanitizer, which needs nightly). Fails on any crash. Usage: tools/fuzz-smoke.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cd fuzz
for target in $(cargo fuzz list); do
    echo "--- fuzz target $target for ${secs}s"
    mkdir -p "corpus/$target"
    cargo fuzz run -s none "$target" -- -max_total_time="$secs" -rss_limit_mb=2048 2>&1 | tail -n 4
    # `tail` hides the exit code; cargo fuzz leaves a crash file in artifacts/ on failure.
    if ls "artifacts/$target"/crash-* "artifacts/$target"/oom-* "artifacts/$target"/timeout-* >/dev/null 2>&1; then
        echo "fuzz target $target found a failing input:"; ls "artifacts/$target"
        exit 1
    fi
done
