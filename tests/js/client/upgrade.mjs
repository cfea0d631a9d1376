// socket.io-client default transports: starts on polling and upgrades to WebSocket. Asserts the
// upgrade happened and that packets sent before, during and after it all arrive, in order.
import { assert, ack, assertWelcome, io, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

run("polling upgraded to websocket", async () => {
  const socket = io(url, { forceNew: true, reconnection: false, autoConnect: false });
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
  let firstTransport = null;
  const welcome = once(socket, "welcome", 5000, "welcome");
  socket.connect();
  // Emitted before the connection exists: buffered, sent on polling, likely during the upgrade.
  const during = Array.from({ length: 20 }, (_, i) => ack(socket, "echo-ack", "during", i));
  const [w] = await welcome;
  assertWelcome(w, socket, "/", null);
  assert.equal(firstTransport, "polling", "the engine connection starts on polling");
  step(`connected ${socket.id} on polling`);

  const transport = await upgraded;
  assert.equal(transport.name, "websocket", "'upgrade' reports the websocket transport");
  assert.equal(socket.io.engine.transport.name, "websocket", "socket.io.engine.transport.name after upgrade");
  step("upgraded");
  assert.deepEqual(await Promise.all(during), Array.from({ length: 20 }, (_, i) => ["during", i]));

  const echoes = [];
  socket.on("echo", (...args) => echoes.push(args));
  for (let i = 0; i < 10; i++) socket.emit("echo", i);
  assert.deepEqual(await ack(socket, "echo-ack", "after"), ["after"]);
  // acks and events travel on the same ordered connection: all echoes came first.
  assert.deepEqual(echoes, Array.from({ length: 10 }, (_, i) => [i]), "echoes in order");
  socket.disconnect();
});
