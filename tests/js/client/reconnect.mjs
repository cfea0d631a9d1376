// Reconnect after a server restart. Protocol with the Rust harness: after the first welcome this
// script prints "READY_FOR_RESTART"; the harness stops the server and starts a new one on the
// same port; the client must notice, reconnect by itself and get a new "welcome".
import { assert, ack, io, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

run("reconnect after server restart", async () => {
  const socket = io(url, {
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    randomizationFactor: 0,
    timeout: 2000,
    autoConnect: false,
  });
  const welcomes = [];
  socket.on("welcome", (w) => welcomes.push(w));
  const first = once(socket, "welcome", 5000, "the first welcome");
  socket.connect();
  await first;
  assert.deepEqual(await ack(socket, "echo-ack", "before"), ["before"]);
  const firstId = socket.id;
  step(`connected as ${firstId}`);

  const gone = once(socket, "disconnect", 20000, "the disconnect when the server stops");
  const again = once(socket, "welcome", 40000, "a welcome from the restarted server");
  console.log("READY_FOR_RESTART");
  const [reason] = await gone;
  step(`disconnected: ${reason}`);
  assert.ok(
    ["transport close", "transport error", "ping timeout"].includes(reason),
    `a lost server is a transport-level disconnect, got "${reason}"`,
  );
  const [w] = await again;
  assert.equal(w.id, socket.id, "welcome names the new socket");
  assert.notEqual(socket.id, firstId, "a new session after the restart");
  assert.equal(welcomes.length, 2);
  assert.deepEqual(await ack(socket, "echo-ack", "after"), ["after"]);
  step(`reconnected as ${socket.id}`);
  socket.disconnect();
}, { timeoutMs: 60000 });
