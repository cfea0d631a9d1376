#!/usr/bin/env bash
# Benchmarks by hand (not part of the test suite or CI): builds the load generator and the
# e2e-server in release mode, then runs the echo, broadcast and idle scenarios against our
# server on each runtime and against node's socket.io 4 (tests/js/reference-server.mjs),
# and against socketioxide 0.18.9 (tools/loadtest/socketioxide-peer, a standalone cargo
# project: never a dependency of ours, built here only), every scenario on a freshly started
# server, and prints the comparison table, the goals against socketioxide (src/goals.rs) and
# the older ones against node (echo >= 2x, idle <= 0.5x), and one JSON line.
#
#   tools/loadtest/run.sh                                  # everything, default sizes
#   RUNTIMES="tokio" tools/loadtest/run.sh --duration 5s   # extra flags go to `loadtest suite`
#   NODE=0 tools/loadtest/run.sh                           # without the node reference
#   SOCKETIOXIDE=0 tools/loadtest/run.sh                   # without the socketioxide peer
#
# Targets 127.0.0.1 only; every scenario is bounded in clients and time.
set -euo pipefail
cd "$(dirname "$0")/../.."
target_dir=${CARGO_TARGET_DIR:-target}
servers=()

if [[ -f tests/src/bin/e2e-server.rs ]]; then
  cargo build --release -p socketio-loadtest -p socketio-e2e-tests --bins
  for rt in ${RUNTIMES:-tokio smol async-std}; do
    servers+=(--server "ours-$rt=$target_dir/release/e2e-server --runtime $rt --port 0")
  done
else
  echo "run.sh: no e2e-server in this tree yet; measuring the node reference only" >&2
  cargo build --release -p socketio-loadtest
fi

if [[ ${NODE:-1} != 0 && -f tests/js/reference-server.mjs ]] && command -v node >/dev/null; then
  if [[ ! -d tests/js/node_modules ]]; then
    (cd tests/js && npm ci --no-audit --no-fund)
  fi
  servers+=(--server "node=node tests/js/reference-server.mjs --port 0")
fi

peer=tools/loadtest/socketioxide-peer
if [[ ${SOCKETIOXIDE:-1} != 0 && -f $peer/Cargo.toml ]]; then
  # Its own workspace and lock file; --locked keeps it at the socketioxide version it pins.
  cargo build --release --locked --manifest-path "$peer/Cargo.toml"
  servers+=(--server "socketioxide=$peer/target/release/socketioxide-peer --port 0")
fi

if [[ ${#servers[@]} -eq 0 ]]; then
  echo "run.sh: no server to measure" >&2
  exit 1
fi
echo "run.sh: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); client and server share them" >&2
exec "$target_dir/release/loadtest" suite "${servers[@]}" "$@"
