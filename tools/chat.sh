#!/usr/bin/env bash
# Runs the chat example: installs socket.io-client's browser bundle into examples/chat/
# (npm ci from the committed lock file) when missing, then starts the tokio chat server.
#   tools/chat.sh [--port N]        (or PORT=N tools/chat.sh; default 3000)
# Two instances sharing one Redis (a chat cluster; the Redis must be running):
#   tools/chat.sh --redis redis://127.0.0.1:6379 [--ports 3000,3001]
# Other runtimes: BIN=chat-smol tools/chat.sh, BIN=chat-async-std, BIN=axum-mount.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chat="$root/examples/chat"
if [ ! -f "$chat/node_modules/socket.io-client/dist/socket.io.min.js" ]; then
  echo "installing socket.io-client into examples/chat/ ..." >&2
  (cd "$chat" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
fi
cd "$root"
redis="" ports="3000,3001" rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --redis) redis="$2"; shift 2 ;;
    --ports) ports="$2"; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
bin="${BIN:-chat}"
if [ -z "$redis" ]; then
  exec cargo run --release -p socketio-examples --bin "$bin" -- "${rest[@]}"
fi
cargo build --release -p socketio-examples --features redis --bin "$bin"
exe="${CARGO_TARGET_DIR:-$root/target}/release/$bin"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT INT TERM
for port in ${ports//,/ }; do
  "$exe" --port "$port" --redis "$redis" "${rest[@]}" &
  pids+=($!)
done
wait
