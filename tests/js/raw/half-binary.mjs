// Half-finished binary packets: 200 WebSocket sessions each send a binary event that announces
// 10 attachments, then 9 attachments of 16 KB, and close. The server holds ~29 MB of
// attachments meanwhile and must free them all with the sessions (the memory test runs this in
// rounds) and keep serving normal clients.
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertServes } from "./rawlib.mjs";

const { url } = parseArgs();
const wsUrl = url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
const SESSIONS = 200;
const ATTACHMENT = Buffer.alloc(16 * 1024, 7);
const header = `4510-${JSON.stringify(["echo", ...Array.from({ length: 10 }, (_, num) => ({ _placeholder: true, num }))])}`;

/** One session: open, CONNECT, the header and 9 of its 10 attachments; resolves with the socket. */
function halfBinary() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.on("error", () => {});
    ws.on("close", (code) => reject(new Error(`closed (${code}) before the attachments were sent`)));
    ws.on("message", (m) => {
      const s = m.toString();
      if (s === "2") return ws.send("3");
      if (s.startsWith("0{")) return ws.send("40");
      if (s.startsWith("40{")) {
        ws.send(header);
        for (let i = 0; i < 9; i++) ws.send(ATTACHMENT);
        resolve(ws);
      }
    });
  });
}

run("half-finished binary packets", async () => {
  const socks = await Promise.all(Array.from({ length: SESSIONS }, halfBinary));
  step(`${SESSIONS} sessions each hold 9 of 10 announced 16 KB attachments`);
  await Promise.all(
    socks.map(
      (ws) =>
        new Promise((resolve) => {
          ws.removeAllListeners("close");
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.on("close", resolve);
          ws.close();
        }),
    ),
  );
  assert.ok(socks.every((ws) => ws.readyState === WebSocket.CLOSED), "every session closed");
  step("every session closed");
  await assertServes(url, "after half-finished binary packets");
}, { timeoutMs: 40000 });
