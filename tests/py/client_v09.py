"""socketIO-client 0.5 (the Socket.IO 0.9 protocol) against the e2e test application.

usage: python3 client_v09.py <server url> --transport websocket|xhr-polling|jsonp-polling
       (V09_LOG=DEBUG logs every packet and HTTP request of the client on stderr)

Two sessions A and B, each with the token on the handshake query (`params`), each on `/` (opened
by the server) and `/admin` (`define`): welcome on both namespaces, events and acks both ways
(`echo`, `echo-ack` with a callback, `ask` -> `question` answered through the ack function the
client hands the handler), heartbeats over an idle period longer than the heartbeat timeout,
then the disconnects: A leaves `/admin` (B's `/admin` sees `left`), A disconnects (B's `/` sees
`left`), the server disconnects B's `/admin` and then B's `/` (B sees each). Exits 0 on success,
1 with a message on failure; an overall timer ends a hung run.

socketIO-client only reads the socket in `wait()`: each session has a thread in `wait()` (see
`Session`), and the main thread emits and watches what the namespaces recorded. The client's own
limits shape the payloads: over polling it POSTs `str` bodies that `requests` encodes as latin-1,
and it decodes JSONP with `unicode_escape`, so non-ASCII text is only sent over websocket. It
cannot parse an error packet without advice (`7::/admin:2` raises ValueError in its reader), so
the refused namespace is checked by the browser tests only.
"""

import argparse
import logging
import os
import sys
import threading
import time

from socketIO_client import BaseNamespace, SocketIO

from e2e_support import Reporter

OVERALL_TIMEOUT_S = 75

REPORT = Reporter("socketIO-client 0.9")
fail, expect = REPORT.fail, REPORT.expect


def step(msg):
    print(f"- {msg}", flush=True)


class Recorder(BaseNamespace):
    """Records what arrives on one namespace; answers the server's "question" through its ack."""

    def initialize(self):
        self.events = []
        self.connects = 0
        self.disconnects = 0
        self.errors = []
        self.questions = []

    def on_connect(self):
        self.connects += 1

    def on_disconnect(self):
        self.disconnects += 1

    def on_error(self, reason, advice):
        self.errors.append((reason, advice))

    def on_question(self, *args):
        *data, ack = args
        expect(callable(ack), f"{self.path or '/'}: the server asked for an ack: {args!r}")
        self.questions.append(data[0] if data else None)
        ack({"answering": data[0] if data else None})

    def on_event(self, event, *args):
        self.events.append((event, list(args)))

    def of(self, event):
        return [args for (name, args) in self.events if name == event]


class Session:
    """One socketIO-client connection on `/` and, with `admin`, on `/admin` too, read by its own
    thread: socketIO-client only reads the socket (and sends its heartbeats) inside `wait()`, and
    a polling session that nobody reads is closed by the server after the close timeout, so each
    live session needs a reader while the script works with another. `/admin` is defined before
    the reader starts, as socketIO-client's README does it (`SocketIO(...)` then `define(...)`):
    `define` sends the connect packet before it registers the namespace, so a reader already
    running could drop the answer as a packet for an unknown namespace."""

    def __init__(self, url, transport, label, params, admin):
        self.label = label
        # one wait() round: short on websocket; over polling as long as socketIO-client's own
        # (half the heartbeat timeout), so that a held GET ends with data, not a read timeout
        self.step_s = 0.5 if transport == "websocket" else 1.5
        self.io = SocketIO(url, Namespace=Recorder, transports=[transport],
                           wait_for_connection=False, params=params)
        self.root = self.io.get_namespace("")
        self.admin = self.io.define(Recorder, "/admin") if admin else None
        self.error = None
        self.stopped = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        try:
            while not self.stopped.is_set() and self.root.disconnects == 0 and not self.root.errors:
                self.io.wait(seconds=self.step_s)
        except Exception as e:  # reported by the main thread's next wait
            import traceback

            traceback.print_exc()
            self.error = e

    def stop_reading(self):
        self.stopped.set()
        self.reader.join(10)
        expect(not self.reader.is_alive(), f"{self.label}: the reader did not stop")

    def wait_until(self, cond, what, timeout=8):
        deadline = time.monotonic() + timeout
        while not cond():
            if self.error is not None:
                fail(f"{self.label}: the reader failed ({self.error!r}) while waiting for {what}")
            if time.monotonic() > deadline:
                fail(f"{self.label}: timed out after {timeout} s waiting for {what}")
            time.sleep(0.02)

    def call(self, nsp, event, *args):
        """Emits with an ack callback (run by the reader); returns the ack's argument list."""
        got = []
        nsp.emit(event, *args, lambda *reply: got.append(list(reply)))
        self.wait_until(lambda: got, f"the ack of {event!r} on {nsp.path or '/'}", timeout=6)
        return got[0]

    def welcome(self, nsp):
        self.wait_until(lambda: nsp.of("welcome"), f"the welcome on {nsp.path or '/'}")
        w = nsp.of("welcome")
        expect(len(w) == 1 and len(w[0]) == 1, f"{self.label}: one welcome with one argument: {w!r}")
        return w[0][0]


def check_welcome(w, nsp, label):
    expect(isinstance(w, dict), f"{label}: welcome is an object: {w!r}")
    expect(isinstance(w.get("id"), str) and w["id"], f"{label}: welcome.id is a non-empty string: {w!r}")
    expect(w.get("nsp") == nsp, f"{label}: welcome.nsp {w!r}")
    expect(w.get("auth") == {"token": "secret"}, f"{label}: welcome.auth {w!r}")


def exercise(s, nsp, other, label, arg_lists):
    """echo, echo-ack and ask on one namespace."""
    other_before = len(other.of("echo"))
    for args in arg_lists:
        before = len(nsp.of("echo"))
        nsp.emit("echo", *args)
        # the echo comes before the ack of a later echo-ack: no separate wait needed
        got = s.call(nsp, "echo-ack", *args)
        expect(got == list(args), f"{label}: echo-ack of {args!r}: got {got!r}")
        echoes = nsp.of("echo")[before:]
        expect(echoes == [list(args)], f"{label}: echo of {args!r}: got {echoes!r}")
    expect(s.call(nsp, "echo-ack") == [], f"{label}: echo-ack with no arguments")
    stray = other.of("echo")[other_before:]
    expect(stray == [], f"{label}: the other namespace got echoes: {stray!r}")
    step(f"{label}: events and client-to-server acks of {len(arg_lists)} argument lists")

    got = s.call(nsp, "ask", "6*7?")
    expect(got == [{"answer": {"answering": "6*7?"}}], f"{label}: ask: got {got!r}")
    expect(nsp.questions == ["6*7?"], f"{label}: questions received: {nsp.questions!r}")
    step(f"{label}: ask -> question -> answer (server-to-client ack)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--transport", choices=["websocket", "xhr-polling", "jsonp-polling"], required=True)
    parser.add_argument("--reference", default=None)
    args = parser.parse_args()
    level = getattr(logging, os.environ.get("V09_LOG", "WARNING"))
    logging.basicConfig(level=level, stream=sys.stderr, format="%(relativeCreated)7d %(message)s")

    timer = REPORT.watchdog(OVERALL_TIMEOUT_S)
    started = time.monotonic()
    t = args.transport
    tag = f"socketIO-client {t}"

    arg_lists = [
        ["from python 0.9"],
        ["two", 2, {"n": 1, "list": [1, None, True, 2.5]}],
        [{"nested": {"deep": [1, {"k": "v"}]}, "empty": {}}, False, None],
    ]
    if t == "websocket":
        arg_lists.append(["héllo wörld ✓ 🌍", {"s": "\"quoted\" \\ back\nslash"}])

    a = Session(args.url, t, f"{tag} A", {"token": "secret"}, admin=True)
    check_welcome(a.welcome(a.root), "/", f"{tag} A /")
    check_welcome(a.welcome(a.admin), "/admin", f"{tag} A /admin")
    expect(a.root.connects == 1 and a.admin.connects == 1, f"{tag} A: / and /admin connected once each")
    step(f"{tag}: A on / ({a.root.of('welcome')[0][0]['id']}) and /admin ({a.admin.of('welcome')[0][0]['id']})")

    exercise(a, a.root, a.admin, f"{tag} /", arg_lists)
    exercise(a, a.admin, a.root, f"{tag} /admin", arg_lists)
    got = a.call(a.admin, "count")
    expect(got == [{"sockets": 1}], f"{tag}: count on /admin: {got!r}")

    # heartbeats: idle (in wait(), where the client reads and sends its heartbeats) for longer
    # than the heartbeat timeout of the handshake
    idle_s = 4.5
    time.sleep(idle_s)
    expect(a.io.connected, f"{tag}: still connected after {idle_s} s idle")
    expect(a.root.disconnects == 0 and a.admin.disconnects == 0, f"{tag}: no disconnect while idle")
    expect(a.root.connects == 1, f"{tag}: no reconnection while idle ({a.root.connects} connects)")
    expect(a.call(a.root, "echo-ack", "after idle") == ["after idle"], f"{tag}: / after idle")
    expect(a.call(a.admin, "echo-ack", "after idle") == ["after idle"], f"{tag}: /admin after idle")
    step(f"{tag}: idle {idle_s} s: still connected")

    b = Session(args.url, t, f"{tag} B", {"token": "secret"}, admin=True)
    check_welcome(b.welcome(b.root), "/", f"{tag} B /")
    check_welcome(b.welcome(b.admin), "/admin", f"{tag} B /admin")

    def left_of(nsp, welcome_of):
        sid = welcome_of.of("welcome")[0][0]["id"]
        return lambda: [l for (l,) in nsp.of("left") if isinstance(l, dict) and l.get("id") == sid]

    # A leaves /admin (0::/admin): B's /admin sees it; A's / stays
    a_left_admin = left_of(b.admin, a.admin)
    a.io.disconnect("/admin")
    b.wait_until(a_left_admin, "B /admin told that A left /admin")
    step(f"{tag}: client namespace disconnect: B saw left {a_left_admin()[0]!r}")
    expect(a.call(a.root, "echo-ack", "after /admin") == ["after /admin"], f"{tag}: A / after leaving /admin")

    # A disconnects: B's / sees it
    a_left = left_of(b.root, a.root)
    a.stop_reading()  # a reader still in wait() might reconnect the closed session
    a.io.disconnect()
    b.wait_until(a_left, "B / told that A left")
    step(f"{tag}: client disconnect: B saw left {a_left()[0]!r}")

    # the server disconnects B's /admin (0::/admin), then B's / (0::)
    b.admin.emit("disconnect-me")
    b.wait_until(lambda: b.admin.disconnects > 0, "the server's disconnect of B /admin")
    expect(b.root.disconnects == 0, f"{tag}: B / got a disconnect with /admin's")
    expect(b.call(b.root, "echo-ack", "after /admin went") == ["after /admin went"], f"{tag}: B / after /admin went")
    step(f"{tag}: server disconnect of /admin: seen, / unaffected")
    # The client learns that the session is over: from the 0:: packet, from the failed request
    # that follows it (socketIO-client then reports a disconnect too), or, when the server had no
    # request to write 0:: into (node 0.9 over polling), from the error packet that answers the
    # next poll: 7:::1+0, "client not handshaken" (reason 1), advice "reconnect" (0).
    b.root.emit("disconnect-me")
    b.wait_until(lambda: b.root.disconnects > 0 or ("1", "0") in b.root.errors, "the server's disconnect of B /")
    step(f"{tag}: server disconnect of /: seen ({b.root.disconnects} disconnects, errors {b.root.errors!r})")
    b.stop_reading()
    b.io.disconnect()

    timer.cancel()
    print(f"PASS socketIO-client 0.9 over {t} ({int((time.monotonic() - started) * 1000)} ms)", flush=True)
    return 0


if __name__ == "__main__":
    REPORT.run(main)
