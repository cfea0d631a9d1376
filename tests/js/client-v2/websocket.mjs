// socket.io-client 2.x over WebSocket only (Engine.IO v3 frames): connect, welcome, echo and
// echo-ack of JSON and binary, the server-to-client ack, disconnect.
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertWelcomeV2, connectV2, exerciseV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x websocket only", async () => {
  const { socket, welcome } = await connectV2(url, { transports: ["websocket"] });
  assertWelcomeV2(welcome, socket, "/", null);
  assert.equal(socket.io.engine.transport.name, "websocket", "transport is websocket from the start");
  step(`connected ${socket.id} over websocket`);
  await exerciseV2(socket, "websocket");
});
