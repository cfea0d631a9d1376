#!/usr/bin/env bash
# Runs the chat example: installs socket.io-client's browser bundle into examples/chat/
# (npm ci from the committed lock file) when missing, then starts the tokio chat server.
#   tools/chat.sh [--port N]        (or PORT=N tools/chat.sh; default 3000)
# Other runtimes: BIN=chat-smol tools/chat.sh, BIN=chat-async-std, BIN=axum-mount.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chat="$root/examples/chat"
if [ ! -f "$chat/node_modules/socket.io-client/dist/socket.io.min.js" ]; then
  echo "installing socket.io-client into examples/chat/ ..." >&2
  (cd "$chat" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
fi
cd "$root"
exec cargo run --release -p socketio-examples --bin "${BIN:-chat}" -- "$@"
