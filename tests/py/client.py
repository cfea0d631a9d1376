"""python-socketio client against the e2e test application (CONTRACTS.md F2).

usage: python3 client.py <server url> --transport polling|websocket|upgrade

Connects over the given transport ("upgrade" = polling first, then WebSocket), checks the
welcome, echo and echo-ack (JSON and binary), the "binary" ack, and a server-to-client ack
("ask" -> "question" -> answer). Exits 0 on success, 1 with a message on failure; an overall
timer ends a hung run.
"""

import argparse
import threading
import time

import socketio

from e2e_support import Reporter

OVERALL_TIMEOUT_S = 30

REPORT = Reporter("python-socketio")
fail, expect = REPORT.fail, REPORT.expect


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--transport", choices=["polling", "websocket", "upgrade"], required=True)
    parser.add_argument("--reference", default=None)
    args = parser.parse_args()

    timer = REPORT.watchdog(OVERALL_TIMEOUT_S)
    started = time.monotonic()

    transports = {"polling": ["polling"], "websocket": ["websocket"], "upgrade": ["polling", "websocket"]}[args.transport]
    sio = socketio.Client(reconnection=False)
    welcome = threading.Event()
    welcome_data = {}
    echoes = []
    echo_event = threading.Event()
    questions = []

    @sio.on("welcome")
    def on_welcome(data):
        welcome_data.update(data)
        welcome.set()

    @sio.on("echo")
    def on_echo(*data):
        echoes.append(list(data))
        echo_event.set()

    @sio.on("question")
    def on_question(q):
        questions.append(q)
        return {"answering": q}

    sio.connect(args.url, transports=transports, auth={"from": "python"}, wait_timeout=5)
    expect(welcome.wait(5), "no welcome within 5 s")
    expect(welcome_data.get("id") == sio.get_sid("/"), f"welcome id {welcome_data} vs sid {sio.get_sid('/')}")
    expect(welcome_data.get("nsp") == "/", f"welcome nsp {welcome_data}")
    expect(welcome_data.get("auth") == {"from": "python"}, f"welcome auth {welcome_data}")
    print(f"- connected {sio.get_sid('/')} over {sio.transport()}", flush=True)

    def echo(*data):
        echo_event.clear()
        echoes.clear()
        sio.emit("echo", data)
        expect(echo_event.wait(5), f"no echo of {data!r:.60} within 5 s")
        return echoes[0]

    cases = [
        ("text",),
        (1, 2.5, None, True),
        ({"nested": {"list": [1, "two", {"three": 3}]}, "unicode": "héllo 🌍"},),
        (b"\x00\x01\x02\xff",),
        ("mixed", b"abc", {"bin": b"\x09"}),
    ]
    for data in cases:
        got = echo(*data)
        expect(got == list(data), f"echo: sent {data!r:.80}, got {got!r:.80}")
        got = sio.call("echo-ack", data, timeout=5)
        # python-socketio returns one value for one argument and a tuple for several
        want = data[0] if len(data) == 1 else data
        expect(got == want or (isinstance(got, (list, tuple)) and list(got) == list(data)),
               f"echo-ack: sent {data!r:.80}, got {got!r:.80}")
    print(f"- echo and echo-ack of {len(cases)} argument shapes (JSON and binary)", flush=True)

    got = sio.call("binary", timeout=5)
    expect(got == bytes(range(256)), f'"binary" ack: got {got!r:.80}')
    print('- "binary" ack: the bytes 0..255', flush=True)

    got = sio.call("ask", "what is 6*7?", timeout=5)
    expect(got == {"answer": {"answering": "what is 6*7?"}}, f"ask: got {got!r}")
    expect(questions == ["what is 6*7?"], f"questions received: {questions!r}")
    print("- ask -> question -> answer", flush=True)

    got = sio.call("count", timeout=5)
    expect(got == {"sockets": 1}, f"count: {got!r}")

    if args.transport == "upgrade":
        # the python client upgrades in the background; give it a moment
        deadline = time.monotonic() + 5
        while sio.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
    want_transport = "polling" if args.transport == "polling" else "websocket"
    expect(sio.transport() == want_transport, f"transport is {sio.transport()}, want {want_transport}")
    got = sio.call("echo-ack", "after", timeout=5)
    expect(got == "after", f"echo-ack after upgrade: {got!r}")

    sio.disconnect()

    # /admin is served by a namespace object (one per socket): the same contract, plus its
    # per-socket `hit` total, and the argument rule (ack of 5 is 5, of "ok" is "ok").
    admin = socketio.Client(reconnection=False)
    admin_welcome = threading.Event()
    admin.on("welcome", lambda data: admin_welcome.set(), namespace="/admin")
    admin.connect(args.url, transports=transports, namespaces=["/admin"], auth={"token": "secret"},
                  wait_timeout=5)
    expect(admin_welcome.wait(5), "no /admin welcome within 5 s")
    ns = "/admin"
    for data in ["text", {"a": [1, 2]}, b"\x00\xff"]:
        got = admin.call("echo-ack", data, namespace=ns, timeout=5)
        expect(got == data, f"/admin echo-ack: sent {data!r}, got {got!r}")
    expect(admin.call("ack-number", namespace=ns, timeout=5) == 5, "/admin ack of 5")
    expect(admin.call("ack-string", namespace=ns, timeout=5) == "ok", '/admin ack of "ok"')
    expect(admin.call("ack-vec", namespace=ns, timeout=5) == [1, 2], "/admin ack of one array")
    if args.reference != "node":  # node's reference application has no namespace objects
        expect(admin.call("hit", 2, namespace=ns, timeout=5) == 2, "/admin hit 2")
        expect(admin.call("hit", 3, namespace=ns, timeout=5) == 5, "/admin hit total 5")
    expect(admin.call("binary", namespace=ns, timeout=5) == bytes(range(256)), "/admin binary ack")
    print("- /admin (a namespace object): echo-ack, 5, \"ok\", [1, 2], hit totals, binary", flush=True)
    admin.disconnect()

    timer.cancel()
    print(f"PASS python-socketio over {args.transport} ({int((time.monotonic() - started) * 1000)} ms)", flush=True)
    return 0


if __name__ == "__main__":
    REPORT.run(main)
