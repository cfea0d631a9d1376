// socket.io-client 2.x over HTTP long-polling only (Engine.IO v3 payloads, `<length>:<packet>`
// with lengths in UTF-16 units): connect, welcome, echo and echo-ack of JSON and binary, the
// server-to-client ack, a burst of acks sharing payloads, disconnect. Under node the 2.x client's
// XMLHttpRequest has no `responseType`, so it asks for `b64=1` by itself (binary polling payloads
// are exercised by the browser test, browser-v2/).
import { assert, parseArgs, run, step } from "../lib.mjs";
import { ackV2, assertWelcomeV2, connectV2, exerciseV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x polling only", async () => {
  const { socket, welcome } = await connectV2(url, { transports: ["polling"] });
  assertWelcomeV2(welcome, socket, "/", null);
  assert.equal(socket.io.engine.transport.name, "polling");
  step(`connected ${socket.id} over polling`);

  const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => ackV2(socket, "echo-ack", i)));
  assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => [i]), "every ack matched its emit");
  step("50 concurrent acks matched");

  await exerciseV2(socket, "polling");
});
