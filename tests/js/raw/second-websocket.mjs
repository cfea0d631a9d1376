// WebSockets the server will not use are accepted, then closed, as node's engine.io does
// (`onWebSocket`: `ws` completes the handshake, then `websocket.close()` sends a close frame
// without a status, which clients report as 1005). A non-101 answer would be an `error` event
// in browsers and `ws`, so code waiting for `close` would break. For Engine.IO 4 and 3:
// - a second WebSocket for a session whose upgrade is in progress;
// - a WebSocket for a session already upgraded;
// - a WebSocket upgrade request naming `transport=polling` (with a sid, and as a handshake).
// Each time the session and the WebSocket it already has must be untouched.
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertJsonError, request } from "./rawlib.mjs";

const { url } = parseArgs();
const wsBase = url.replace(/^http/, "ws");

const within = (p, ms, what) =>
  Promise.race([p, new Promise((_, r) => setTimeout(() => r(new Error(`${what}: not within ${ms} ms`)), ms))]);

/** A polling handshake with Engine.IO `eio`; resolves with the sid. */
async function handshake(eio) {
  const res = await request(url, `/socket.io/?EIO=${eio}&transport=polling`);
  assert.equal(res.status, 200, `EIO=${eio} handshake (body ${res.text.slice(0, 200)})`);
  const m = res.text.match(/"sid":"([^"]+)"/);
  assert.ok(m, `EIO=${eio} handshake names a sid: ${res.text.slice(0, 200)}`);
  return m[1];
}

/** Opens a WebSocket that must be accepted and stay open; resolves with it and its messages. */
async function openWs(path, what) {
  const ws = new WebSocket(wsBase + path);
  const messages = [];
  ws.on("message", (m) => messages.push(m.toString()));
  await within(
    new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", (e) => reject(new Error(`${what}: ${e.message}`)));
      ws.once("close", (code) => reject(new Error(`${what}: closed (${code}) instead of staying open`)));
    }),
    5000,
    what,
  );
  return { ws, messages };
}

/** Waits until `messages` holds one that `pred` accepts. */
function waitMessage(messages, pred, what) {
  return within(
    new Promise((resolve) => {
      const t = setInterval(() => {
        const m = messages.find(pred);
        if (m !== undefined) {
          clearInterval(t);
          resolve(m);
        }
      }, 5);
    }),
    5000,
    what,
  );
}

/** Opens a WebSocket the server must accept (101) and close at once, sending nothing. */
async function expectAcceptedThenClosed(path, what) {
  const ws = new WebSocket(wsBase + path);
  const events = [];
  await within(
    new Promise((resolve, reject) => {
      ws.on("unexpected-response", (_req, res) =>
        reject(new Error(`${what}: HTTP ${res.statusCode} instead of 101 then a close`)),
      );
      ws.on("error", (e) => reject(new Error(`${what}: ${e.message}`)));
      ws.on("upgrade", (res) => events.push(`upgrade ${res.statusCode}`));
      ws.on("open", () => events.push("open"));
      ws.on("message", (m) => events.push(`message ${m}`));
      ws.on("close", (code) => {
        events.push(`close ${code}`);
        resolve();
      });
    }),
    5000,
    what,
  );
  assert.deepEqual(events, ["upgrade 101", "open", "close 1005"], `${what}: 101, then a close frame without a status`);
  step(`${what}: 101, then closed (1005)`);
}

/**
 * The WebSocket `ws` of an Engine.IO `eio` session carries traffic both ways: an `echo-ack`
 * event is acknowledged on it. Connects the main namespace first when `connect` (v4 clients
 * send CONNECT; a v3 session is connected to it by the server at once).
 */
async function assertServes(eio, { ws, messages }, tag, what, { connect = false } = {}) {
  assert.equal(ws.readyState, WebSocket.OPEN, `${what}: the first WebSocket is still open`);
  if (connect && eio === 4) {
    ws.send("40");
  }
  if (connect) {
    await waitMessage(messages, (m) => m.startsWith("40"), `${what}: main namespace connected`);
  }
  ws.send(`421["echo-ack","${tag}"]`);
  await waitMessage(messages, (m) => m === `431["${tag}"]`, `${what}: echo-ack answered on the first WebSocket`);
}

run("websockets the server will not use are accepted, then closed", async () => {
  for (const eio of [4, 3]) {
    const sid = await handshake(eio);
    const wsPath = `/socket.io/?EIO=${eio}&transport=websocket&sid=${encodeURIComponent(sid)}`;
    const probe = await openWs(wsPath, `EIO=${eio} probe`);
    await expectAcceptedThenClosed(wsPath, `EIO=${eio} second websocket while upgrading`);

    probe.ws.send("2probe");
    await waitMessage(probe.messages, (m) => m === "3probe", `EIO=${eio} 3probe after the second websocket`);
    await expectAcceptedThenClosed(wsPath, `EIO=${eio} second websocket after 2probe`);
    probe.ws.send("5");
    // Messages on one WebSocket are handled in order: an answer after "5" proves the upgrade
    // finished. Then a polling request gets node's TRANSPORT_MISMATCH (the session exists:
    // an unknown one would be code 1).
    await assertServes(eio, probe, "upgraded", `EIO=${eio} after the upgrade`, { connect: true });
    const res = await request(url, `/socket.io/?EIO=${eio}&transport=polling&sid=${encodeURIComponent(sid)}`);
    assertJsonError(res, 400, 3, "Bad request", `EIO=${eio} polling after the upgrade`);

    await expectAcceptedThenClosed(wsPath, `EIO=${eio} websocket after the upgrade`);
    await assertServes(eio, probe, "still", `EIO=${eio} after the refused websockets`);
    probe.ws.close();

    const sid2 = await handshake(eio);
    await expectAcceptedThenClosed(
      `/socket.io/?EIO=${eio}&transport=polling&sid=${encodeURIComponent(sid2)}`,
      `EIO=${eio} websocket upgrade naming transport=polling, with a sid`,
    );
    await expectAcceptedThenClosed(
      `/socket.io/?EIO=${eio}&transport=polling`,
      `EIO=${eio} websocket upgrade naming transport=polling, as a handshake`,
    );
    const pollPath = `/socket.io/?EIO=${eio}&transport=polling&sid=${encodeURIComponent(sid2)}`;
    if (eio === 4) {
      const post = await request(url, pollPath, { method: "POST", body: "40", headers: { "Content-Type": "text/plain" } });
      assert.equal(post.status, 200, `EIO=4 POST on the session (body ${post.text.slice(0, 200)})`);
    }
    const get = await request(url, pollPath);
    assert.equal(get.status, 200, `EIO=${eio} the session still polls (body ${get.text.slice(0, 200)})`);
    assert.ok(get.text.includes("40"), `EIO=${eio} the poll carries the namespace CONNECT: ${get.text.slice(0, 200)}`);
    step(`EIO=${eio}: the sessions were untouched`);
  }
});
