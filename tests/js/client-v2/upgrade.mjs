// socket.io-client 2.x default transports: starts on polling and upgrades to WebSocket (the EIO 3
// probe `2probe`/`3probe` then `5`). Packets sent before and during the upgrade all arrive, in
// order; then the usual exchanges run over the upgraded connection.
import { assert, once, parseArgs, run, step, track } from "../lib.mjs";
import { ackV2, assertWelcomeV2, exerciseV2, ioV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x polling upgraded to websocket", async () => {
  const socket = track(ioV2(url, { forceNew: true, reconnection: false, autoConnect: false }));
  let firstTransport = null;
  const upgraded = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("no engine 'upgrade' event within 5000 ms")), 5000);
    socket.io.on("open", () => {
      const engine = socket.io.engine;
      firstTransport = engine.transport.name;
      engine.on("upgrade", (transport) => {
        clearTimeout(t);
        resolve(transport);
      });
    });
  });
  const welcome = once(socket, "welcome", 5000, "welcome");
  socket.connect();
  // Emitted before the connection exists: buffered, sent on polling or during the upgrade.
  const during = Array.from({ length: 20 }, (_, i) => ackV2(socket, "echo-ack", "during", i));
  const [w] = await welcome;
  assertWelcomeV2(w, socket, "/", null);
  assert.equal(firstTransport, "polling", "the engine connection starts on polling");
  step(`connected ${socket.id} on polling`);

  const transport = await upgraded;
  assert.equal(transport.name, "websocket", "'upgrade' reports the websocket transport");
  assert.equal(socket.io.engine.transport.name, "websocket", "transport after the upgrade");
  step("upgraded");
  assert.deepEqual(await Promise.all(during), Array.from({ length: 20 }, (_, i) => ["during", i]));

  const echoes = [];
  socket.on("echo", (...args) => echoes.push(args));
  for (let i = 0; i < 10; i++) socket.emit("echo", i);
  assert.deepEqual(await ackV2(socket, "echo-ack", "after"), ["after"]);
  assert.deepEqual(echoes, Array.from({ length: 10 }, (_, i) => [i]), "echoes in order");
  socket.off("echo");
  step("20 acks across the upgrade and 10 ordered echoes after it");

  await exerciseV2(socket, "upgraded");
});
