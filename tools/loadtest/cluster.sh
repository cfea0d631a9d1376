#!/usr/bin/env bash
# Broadcast deliveries per second with the receivers spread over two servers sharing one
# Redis, next to the single-server figure of the same run (by hand; not part of the tests
# or CI). Each round measures, every time on freshly started servers and a fresh Redis:
#   ours           one e2e-server (tokio), no Redis
#   ours+ours      two e2e-servers (tokio) on one Redis
#   ours+node      an e2e-server (tokio) and node's socket.io 4.8 with @socket.io/redis-adapter
#                  8.3 (tests/js/reference-server.mjs --redis) on one Redis
#   node           node's reference server alone
#   node+node      two node reference servers on one Redis
# The sender (client 0) is always on the first server; the clients alternate between the two
# (loadtest broadcast --spread-port), so half the deliveries cross Redis.
#
#   tools/loadtest/cluster.sh                          # 2 rounds, 1000 clients, 10 s each
#   ROUNDS=3 MODE=sharded tools/loadtest/cluster.sh --clients 500 --duration 5s
#
# MODE=classic (default) uses createAdapter / --redis, MODE=sharded createShardedAdapter /
# --redis-sharded. Extra flags go to `loadtest broadcast`. Targets 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
target_dir=${CARGO_TARGET_DIR:-target}
rounds=${ROUNDS:-2}
case ${MODE:-classic} in
  classic) flag=--redis ;;
  sharded) flag=--redis-sharded ;;
  *) echo "cluster.sh: MODE is classic or sharded" >&2; exit 2 ;;
esac
command -v redis-server >/dev/null || { echo "cluster.sh: needs redis-server (apt-get install redis-server)" >&2; exit 1; }
cargo build --release -p socketio-loadtest -p socketio-e2e-tests --features socketio-e2e-tests/redis --bins
[[ -d tests/js/node_modules ]] || (cd tests/js && npm ci --no-audit --no-fund)
ours="$target_dir/release/e2e-server --runtime tokio --port 0"
node="node tests/js/reference-server.mjs --port 0"
loadtest="$target_dir/release/loadtest"

tmp=$(mktemp -d)
pids=()
fifo_fds=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME COMMAND...: runs a server with its stdin on a fifo held open here (closing it
# shuts the server down), waits for `LISTENING <port>`, sets port_NAME and pid_NAME.
start() {
  local name=$1; shift
  mkfifo "$tmp/$name.in"
  # The child must not inherit the other servers' fifo ends, or they never see EOF.
  (
    for f in "${fifo_fds[@]}"; do eval "exec $f>&-"; done
    exec "$@"
  ) <"$tmp/$name.in" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local pid=$!
  pids+=("$pid")
  exec {fd}>"$tmp/$name.in"
  fifo_fds+=("$fd")
  eval "fd_$name=$fd pid_$name=$pid"
  for _ in $(seq 200); do
    if grep -q '^LISTENING ' "$tmp/$name.out"; then
      eval "port_$name=$(awk '/^LISTENING /{print $2; exit}' "$tmp/$name.out")"
      return
    fi
    sleep 0.05
  done
  echo "cluster.sh: $name did not start: $(cat "$tmp/$name.err")" >&2
  exit 1
}

stop() {
  local name=$1 fd pid
  eval "fd=\$fd_$name pid=\$pid_$name"
  exec {fd}>&-
  local keep=()
  for f in "${fifo_fds[@]}"; do [[ $f != "$fd" ]] && keep+=("$f"); done
  fifo_fds=("${keep[@]}")
  wait "$pid" 2>/dev/null || true
  rm -f "$tmp/$name.in"
}

redis_start() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    >"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && return
    sleep 0.05
  done
  echo "cluster.sh: redis-server did not start" >&2
  exit 1
}

redis_stop() {
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
}

# measure LABEL FIRST SECOND|-: one broadcast run; prints "LABEL deliveries/s missing".
measure() {
  local label=$1 first=$2 second=$3 spread=()
  shift 3
  local url=""
  if [[ $second != - ]]; then
    redis_start
    url="redis://127.0.0.1:$redis_port"
    start a $first "$flag" "$url"
    start b $second "$flag" "$url"
    spread=(--spread-port "$port_b")
    # Our servers count the others once a second: let every server see the other first.
    sleep 1.5
  else
    start a $first
  fi
  local json
  json=$("$loadtest" broadcast --port "$port_a" --pid "$pid_a" "${spread[@]}" --label "$label" "$@" \
    2>"$tmp/loadtest.err" | tail -n 1)
  stop a
  [[ $second != - ]] && { stop b; redis_stop; }
  python3 - "$label" "$json" <<'PY'
import json, sys
label, line = sys.argv[1], sys.argv[2]
r = json.loads(line)
f = r.get("figures", r)
def get(k):
    v = f.get(k)
    return v if not isinstance(v, dict) else v.get("value")
print(f"{label:10} deliveries/s {get('deliveries_per_s'):>10}  broadcasts/s {get('broadcasts_per_s'):>8}"
      f"  missing {get('deliveries_missing')}  delivery p50/p99 us {get('delivery_p50_us')}/{get('delivery_p99_us')}")
PY
}

extra=("$@")
echo "cluster.sh: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), mode ${MODE:-classic}, $rounds rounds"
for round in $(seq "$rounds"); do
  echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  measure ours "$ours" - "${extra[@]}"
  measure ours+ours "$ours" "$ours" "${extra[@]}"
  measure ours+node "$ours" "$node" "${extra[@]}"
  measure node "$node" - "${extra[@]}"
  measure node+node "$node" "$node" "${extra[@]}"
done
echo "cluster.sh: done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
