// Heartbeat: idle clients stay connected across several ping intervals on both transports.
// The server pings every pingInterval (the harness starts servers with 1000 ms / 2000 ms);
// socket.io-client answers and would drop the connection if pings stopped arriving.
// Then the other side: a raw WebSocket client that never answers pings is dropped by the server
// after pingInterval + pingTimeout, and the others get "left" with reason "ping timeout".
import WebSocket from "ws";
import { assert, ack, connect, once, parseArgs, run, sleep, step } from "../lib.mjs";

const { url } = parseArgs();

run("heartbeat keeps idle clients connected", async () => {
  const clients = [];
  for (const transports of [["websocket"], ["polling"]]) {
    const { socket } = await connect(url, { transports, upgrade: false });
    const engine = socket.io.engine;
    const c = { socket, label: transports[0], pings: 0, disconnects: [] };
    engine.on("ping", () => c.pings++);
    socket.on("disconnect", (r) => c.disconnects.push(r));
    clients.push(c);
  }
  const interval = clients[0].socket.io.engine._pingInterval;
  assert.ok(Number.isInteger(interval) && interval > 0, `the handshake announced a pingInterval (${interval})`);
  const idle = Math.min(3.5 * interval, 12000);
  const expectPings = Math.max(1, Math.floor(idle / interval) - 1);
  step(`pingInterval ${interval} ms, idling ${idle} ms`);
  await sleep(idle);
  for (const c of clients) {
    assert.deepEqual(c.disconnects, [], `${c.label}: no disconnect while idle`);
    assert.ok(c.pings >= expectPings, `${c.label}: ${c.pings} pings in ${idle} ms, want >= ${expectPings}`);
    assert.deepEqual(await ack(c.socket, "echo-ack", "still alive"), ["still alive"]);
    step(`${c.label}: ${c.pings} pings, still connected`);
  }

  const ws = new WebSocket(url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
  ws.on("error", () => {});
  const frames = [];
  ws.on("message", (m) => frames.push(m.toString()));
  await once(ws, "open", 5000, "raw websocket open");
  ws.send("40");
  const deadline = Date.now() + 5000;
  while (!frames.some((f) => f.startsWith("40{")) && Date.now() < deadline) await sleep(10);
  const connectAnswer = frames.find((f) => f.startsWith("40{"));
  assert.ok(connectAnswer, `CONNECT answered: ${JSON.stringify(frames)}`);
  const silentId = JSON.parse(connectAnswer.slice(2)).sid;
  const t0 = Date.now();
  const timeout = clients[0].socket.io.engine._pingTimeout;
  const [left] = await once(clients[0].socket, "left", interval + timeout + 3000, '"left" of the silent client');
  const took = Date.now() - t0;
  assert.deepEqual(left, { id: silentId, reason: "ping timeout" });
  assert.ok(frames.includes("2"), "the silent client was pinged");
  assert.ok(took >= timeout, `dropped after ${took} ms, not before pingTimeout ${timeout} ms`);
  step(`a client that never answers pings was dropped after ${took} ms (ping timeout)`);
  ws.terminate();
}, { timeoutMs: 40000 });
