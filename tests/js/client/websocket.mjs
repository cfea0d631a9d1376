// socket.io-client over WebSocket only: connect, welcome, echo and echo-ack, clean disconnect.
import { assert, ack, assertWelcome, connect, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

run("websocket only", async () => {
  const { socket, welcome } = await connect(url, { transports: ["websocket"] });
  assertWelcome(welcome, socket, "/", null);
  assert.equal(socket.io.engine.transport.name, "websocket", "transport is websocket from the start");
  step(`connected ${socket.id} over websocket`);

  socket.emit("echo", "hello", 42);
  const [a, b] = await once(socket, "echo");
  assert.deepEqual([a, b], ["hello", 42], "echo returns the same args");

  const reply = await ack(socket, "echo-ack", { over: "websocket" }, [1, 2, 3]);
  assert.deepEqual(reply, [{ over: "websocket" }, [1, 2, 3]], "echo-ack acks the same args");
  assert.equal(socket.io.engine.transport.name, "websocket");
});
