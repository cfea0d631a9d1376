#!/usr/bin/env bash
# The whole test suite: what README.md tells a newcomer to run, and what CI runs.
# Installs what the tests need on a fresh machine, then runs every test in the workspace.
# Each install step is skipped quickly when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -q
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# --- end-to-end test clients ---------------------------------------------------------------
# node + the clients in tests/js (socket.io-client, playwright-core, the reference server's
# socket.io), installed exactly from the committed lock file.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "test.sh: installing node and npm"
    apt_install nodejs npm
fi
lock_sum=$(sha256sum tests/js/package-lock.json | cut -d' ' -f1)
stamp=tests/js/node_modules/.installed-lock-sha256
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_sum" ]; then
    echo "test.sh: npm ci in tests/js"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$stamp"
fi

# python-socketio client (pinned in tests/py/requirements.txt) and socketIO-client, the 0.9
# protocol's client (tests/py/requirements-v09.txt).
if ! command -v python3 >/dev/null; then
    echo "test.sh: installing python3"
    apt_install python3 python3-pip
fi
py_reqs=(-r tests/py/requirements.txt -r tests/py/requirements-v09.txt)
# Already installed when every `name==version` line of the files matches what is installed.
if ! python3 - tests/py/requirements.txt tests/py/requirements-v09.txt 2>/dev/null <<'PY'; then
import re, sys
from importlib.metadata import version
for path in sys.argv[1:]:
    for line in open(path):
        m = re.match(r"^([A-Za-z0-9_.-]+)(\[[^]]*\])?==(\S+)", line.strip())
        if m and version(m.group(1)) != m.group(3):
            sys.exit(1)
import socketio, websocket, socketIO_client  # noqa: E401,F401  the clients and the WebSocket transport import
PY
    echo "test.sh: pip install ${py_reqs[*]}"
    python3 -m pip install -q --disable-pip-version-check "${py_reqs[@]}" 2>/dev/null ||
        python3 -m pip install -q --disable-pip-version-check --break-system-packages "${py_reqs[@]}"
fi

# Debian's Chromium for the headless browser test (playwright-core drives it; no browser
# download from anywhere else).
if [ ! -x /usr/bin/chromium ]; then
    echo "test.sh: installing chromium"
    apt_install chromium
fi

# Debian's redis-server for the cluster adapter's tests (each test starts its own on a free
# port of 127.0.0.1 without persistence; the system service is not used).
if ! command -v redis-server >/dev/null; then
    echo "test.sh: installing redis-server"
    apt_install redis-server
fi

# --- the tests -------------------------------------------------------------------------------
# Unit, property, scenario and doc tests of every crate, with the test-only features on
# (the fuzz bodies and the engine's test harness are compiled and exercised here too), and the
# end-to-end tests of the `socketio-e2e-tests` crate: real node, python and browser clients
# against `e2e-server` on every runtime. --no-fail-fast: one failing test binary must not hide
# the results of the others.
cargo test --workspace --all-features --all-targets --no-fail-fast
cargo test --workspace --all-features --doc
