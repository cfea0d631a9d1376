// Garbage on WebSocket connections and raw TCP. Each bad connection must be closed by the server
// (within 5 s) and the server must keep serving normal clients:
// - a text frame that is no Engine.IO packet ("garbage");
// - a well-formed Engine.IO message holding a malformed Socket.IO packet ("4garbage");
// - a text frame with invalid UTF-8 (close code 1007, as node's ws), and a client's own close
//   (answered: 1000);
// - after a real 101 upgrade, a complete frame that breaks the framing rules (RSV bits set
//   with no extension, reserved opcode: close code 1002);
// - bytes that are no HTTP request at all;
// - an upgrade request without Sec-WebSocket-Key → answered 400;
// - an HTTP/1.1 request without Host, and upgrades whose Sec-WebSocket-Key is not the base64
//   of 16 bytes → answered 400 and closed, as node.
// "Closed" means within CLOSE_MS, less than the harness's pingInterval + pingTimeout (3 s), so a
// connection that is only reaped by the heartbeat does not count as closed for the bad input.
import net from "node:net";
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertServes } from "./rawlib.mjs";

const { url } = parseArgs();
const u = new URL(url);
const CLOSE_MS = 2000;
const wsUrl = url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";

const within = (p, ms, what) =>
  Promise.race([p, new Promise((_, r) => setTimeout(() => r(new Error(`${what}: not within ${ms} ms`)), ms))]);

/** Opens an Engine.IO WebSocket, waits for the open packet; returns { ws, closed, messages }. */
async function openWs() {
  const ws = new WebSocket(wsUrl);
  ws.on("error", () => {});
  const messages = [];
  const closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
  const first = new Promise((resolve) => ws.once("message", (m) => resolve(m.toString())));
  ws.on("message", (m) => messages.push(m.toString()));
  const open = await within(Promise.race([first, closed.then(() => "CLOSED")]), 5000, "open packet");
  assert.ok(open.startsWith("0{"), `open packet: ${open.slice(0, 100)}`);
  return { ws, closed, messages };
}

/** A raw TCP connection to the server; resolves with { sock, data(), closed }. */
async function rawConnect() {
  const sock = net.connect(Number(u.port), u.hostname);
  sock.on("error", () => {});
  let buf = Buffer.alloc(0);
  sock.on("data", (d) => (buf = Buffer.concat([buf, d])));
  const closed = new Promise((resolve) => sock.on("close", resolve));
  await within(new Promise((resolve) => sock.once("connect", resolve)), 5000, "tcp connect");
  return { sock, data: () => buf, closed };
}

/** The codes of the close frames in `buf`, a run of unmasked server frames. */
function closeCodes(buf) {
  const codes = [];
  let i = 0;
  while (i + 2 <= buf.length) {
    let len = buf[i + 1] & 0x7f;
    let at = i + 2;
    if (len === 126) {
      len = buf.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(buf.readBigUInt64BE(at));
      at += 8;
    }
    if ((buf[i] & 0x0f) === 0x8 && len >= 2) codes.push(buf.readUInt16BE(at));
    i = at + len;
  }
  return codes;
}

run("garbage on websockets and raw tcp", async () => {
  {
    const { ws, closed } = await openWs();
    ws.send("garbage");
    const code = await within(closed, CLOSE_MS, '"garbage" text frame closes the connection');
    step(`"garbage" text frame: closed (${code})`);
  }
  {
    const { ws, closed, messages } = await openWs();
    ws.send("40");
    await within(new Promise((resolve) => {
      const t = setInterval(() => { if (messages.some((m) => m.startsWith("40"))) { clearInterval(t); resolve(); } }, 10);
    }), 5000, "CONNECT answer");
    ws.send("4garbage");
    const code = await within(closed, CLOSE_MS, "malformed Socket.IO packet closes the connection");
    step(`malformed Socket.IO packet over websocket: closed (${code})`);
  }
  {
    const { ws, closed } = await openWs();
    ws.send(Buffer.from([0x34, 0xff, 0xfe, 0xc3, 0x28]), { binary: false });
    const code = await within(closed, CLOSE_MS, "invalid UTF-8 text frame closes the connection");
    assert.equal(code, 1007, "invalid UTF-8 is answered with close code 1007, as node's ws does");
    step(`invalid UTF-8 text frame: closed (${code})`);
  }
  {
    const { ws, closed } = await openWs();
    ws.close(1000, "bye");
    const code = await within(closed, CLOSE_MS, "a client's close frame is answered");
    assert.equal(code, 1000, "the client's close frame is answered (not a dropped connection, 1006)");
    step(`a client's own close: answered (${code})`);
  }
  {
    const { sock, data, closed } = await rawConnect();
    sock.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\n` +
        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    await within(new Promise((resolve) => {
      const t = setInterval(() => { if (data().includes("\r\n\r\n")) { clearInterval(t); resolve(); } }, 10);
    }), 5000, "101 response");
    assert.match(data().toString("latin1"), /^HTTP\/1\.1 101/, "upgrade accepted");
    // FIN + RSV1..3 + opcode 0xF, masked, 2 payload bytes: a complete header, so a parser
    // cannot be waiting for more bytes.
    sock.write(Buffer.from([0xff, 0x82, 0x01, 0x02, 0x03, 0x04, 0x61, 0x62]));
    await within(closed, CLOSE_MS, "a frame with RSV bits and a reserved opcode closes the connection");
    // After the 101 head and the open packet: a close frame with code 1002, as node's ws sends.
    const codes = closeCodes(data().subarray(data().indexOf("\r\n\r\n") + 4));
    assert.deepEqual(codes, [1002], "a close frame with code 1002 before the connection ends");
    step("a frame breaking the WebSocket framing rules: close 1002");
  }
  {
    const { sock, data, closed } = await rawConnect();
    sock.write("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n");
    await within(closed, CLOSE_MS, "non-HTTP bytes close the connection");
    const head = data().toString("latin1");
    assert.ok(head === "" || /^HTTP\/1\.[01] 400/.test(head), `non-HTTP bytes: no answer or 400, got ${JSON.stringify(head.slice(0, 80))}`);
    step(`bytes that are no HTTP request: closed (${head ? head.split("\r\n")[0] : "no answer"})`);
  }
  {
    const { sock, data, closed } = await rawConnect();
    sock.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\n` +
        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await within(new Promise((resolve) => {
      const t = setInterval(() => { if (data().includes("\r\n")) { clearInterval(t); resolve(); } }, 10);
    }), 5000, "an answer to an upgrade without Sec-WebSocket-Key");
    assert.match(data().toString("latin1"), /^HTTP\/1\.1 400/, "upgrade without key refused with 400");
    sock.end();
    await within(closed, 5000, "connection closed after the 400");
    step("upgrade without Sec-WebSocket-Key: 400");
  }

  {
    const { sock, data, closed } = await rawConnect();
    sock.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n\r\n");
    await within(closed, CLOSE_MS, "the connection of an HTTP/1.1 request without Host closes");
    assert.match(data().toString("latin1"), /^HTTP\/1\.1 400/, "HTTP/1.1 without Host: 400 (RFC 9112)");
    step("HTTP/1.1 request without Host: 400, closed");
  }
  for (const key of ["dGhlIHNhbXBsZSBub25jZQ", "short", "!!!!!!!!!!!!!!!!!!!!!!=="]) {
    const { sock, data, closed } = await rawConnect();
    sock.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\n` +
        `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
    );
    await within(closed, CLOSE_MS, `the connection of an upgrade with key ${key} closes`);
    assert.match(data().toString("latin1"), /^HTTP\/1\.1 400/, `upgrade with Sec-WebSocket-Key ${key}: 400`);
  }
  step("upgrades whose Sec-WebSocket-Key is not the base64 of 16 bytes: 400, closed");

  await assertServes(url, "after garbage");
});
