// Half-open and stalled connections must not stop the server serving others. While holding:
// - 20 TCP connections that never send a byte;
// - 20 connections that sent part of a request head and stopped;
// - 10 POSTs to a real session that announced 1000 bytes and sent 10;
// - 10 WebSocket connections that sent half a frame header;
// a normal client must connect over polling and websocket, and 20 handshakes must be answered,
// all within the usual timeouts. Then the held connections are released and it must still serve.
import net from "node:net";
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertServes, handshake, request, EIO_PATH } from "./rawlib.mjs";

const { url } = parseArgs();
const u = new URL(url);
const held = [];

function hold(bytes) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => {
      if (bytes) sock.write(bytes);
      resolve(sock);
    });
    sock.on("error", reject);
    held.push(sock);
  });
}

run("half-open connections", async () => {
  const started = Date.now();
  for (let i = 0; i < 20; i++) await hold(null);
  for (let i = 0; i < 20; i++) await hold(`GET ${EIO_PATH} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: sl`);
  for (let i = 0; i < 10; i++) {
    const { sid } = await handshake(url);
    await hold(
      `POST ${EIO_PATH}&sid=${sid} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: text/plain;charset=UTF-8\r\n` +
        "Content-Length: 1000\r\n\r\n42[\"echo\",",
    );
  }
  const sockets = [];
  for (let i = 0; i < 10; i++) {
    const ws = new WebSocket(url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
    ws.on("error", () => {});
    await new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("close", () => reject(new Error("ws closed early"))); });
    ws._socket.write(Buffer.from([0x81])); // a text frame's first byte, then nothing
    sockets.push(ws);
  }
  step(`holding ${held.length + sockets.length} stalled connections`);

  const t0 = Date.now();
  const shakes = await Promise.all(Array.from({ length: 20 }, () => request(url, EIO_PATH)));
  assert.ok(shakes.every((r) => r.status === 200 && r.text.startsWith("0{")), "20 handshakes answered while stalled connections are held");
  await assertServes(url, "while holding stalled connections");
  step(`served others in ${Date.now() - t0} ms`);

  for (const s of held) s.destroy();
  for (const ws of sockets) ws.terminate();
  await assertServes(url, "after releasing them");
  assert.ok(Date.now() - started < 20000);
});
