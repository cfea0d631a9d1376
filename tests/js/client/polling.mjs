// socket.io-client over HTTP long-polling only (no upgrade): connect, welcome, echo, echo-ack,
// and a burst of acks so several packets share one polling payload.
import { assert, ack, assertWelcome, connect, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

run("polling only", async () => {
  const { socket, welcome } = await connect(url, { transports: ["polling"], upgrade: false });
  assertWelcome(welcome, socket, "/", null);
  assert.equal(socket.io.engine.transport.name, "polling");
  step(`connected ${socket.id} over polling`);

  socket.emit("echo", "hello", { n: 1 });
  assert.deepEqual(await once(socket, "echo"), ["hello", { n: 1 }]);

  const reply = await ack(socket, "echo-ack", "over polling");
  assert.deepEqual(reply, ["over polling"]);

  // 50 acks at once: the client batches them in few POSTs, the server answers in few GETs.
  const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => ack(socket, "echo-ack", i)));
  assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => [i]), "every ack matched its emit");
  assert.equal(socket.io.engine.transport.name, "polling", "never upgraded");
});
