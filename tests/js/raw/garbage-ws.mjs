// Garbage on WebSocket connections and raw TCP. Each bad connection must be closed by the server
// (within 5 s) and the server must keep serving normal clients:
// - a text frame that is no Engine.IO packet ("garbage");
// - a well-formed Engine.IO message holding a malformed Socket.IO packet ("4garbage");
// - a text frame with invalid UTF-8;
// - after a real 101 upgrade, bytes that are no WebSocket frame (reserved opcode, unmasked);
// - bytes that are no HTTP request at all;
// - an upgrade request without Sec-WebSocket-Key → answered 400.
import net from "node:net";
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertServes } from "./rawlib.mjs";

const { url } = parseArgs();
const u = new URL(url);
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

run("garbage on websockets and raw tcp", async () => {
  {
    const { ws, closed } = await openWs();
    ws.send("garbage");
    const code = await within(closed, 5000, '"garbage" text frame closes the connection');
    step(`"garbage" text frame: closed (${code})`);
  }
  {
    const { ws, closed, messages } = await openWs();
    ws.send("40");
    await within(new Promise((resolve) => {
      const t = setInterval(() => { if (messages.some((m) => m.startsWith("40"))) { clearInterval(t); resolve(); } }, 10);
    }), 5000, "CONNECT answer");
    ws.send("4garbage");
    const code = await within(closed, 5000, "malformed Socket.IO packet closes the connection");
    step(`malformed Socket.IO packet over websocket: closed (${code})`);
  }
  {
    const { ws, closed } = await openWs();
    ws.send(Buffer.from([0x34, 0xff, 0xfe, 0xc3, 0x28]), { binary: false });
    const code = await within(closed, 5000, "invalid UTF-8 text frame closes the connection");
    step(`invalid UTF-8 text frame: closed (${code})`);
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
    sock.write(Buffer.from([0xff, 0xff, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03]));
    await within(closed, 5000, "non-WebSocket bytes after the upgrade close the connection");
    step("bytes that are no WebSocket frame: closed");
  }
  {
    const { sock, data, closed } = await rawConnect();
    sock.write("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n");
    await within(closed, 5000, "non-HTTP bytes close the connection");
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

  await assertServes(url, "after garbage");
});
