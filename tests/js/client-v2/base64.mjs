// socket.io-client 2.x over polling with `forceBase64: true`: the handshake carries `b64=1`, so
// the server must send binary attachments base64-encoded inside text payloads (`<len>:b4<base64>`)
// and accept them so from the client. Same exchanges as the other transport scripts.
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertWelcomeV2, connectV2, exerciseV2, recordRaw } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x polling with forceBase64", async () => {
  const { socket, welcome } = await connectV2(url, { transports: ["polling"], forceBase64: true });
  assertWelcomeV2(welcome, socket, "/", null);
  const transport = socket.io.engine.transport;
  assert.equal(transport.name, "polling");
  assert.equal(transport.supportsBinary, false, "forceBase64 turns binary off");
  assert.equal(String(transport.query.b64), "1", "the requests carry b64=1");
  step(`connected ${socket.id} over polling with b64=1`);

  const raw = recordRaw(socket);
  await exerciseV2(socket, "polling b64");
  assert.ok(raw.length > 0, "payloads were recorded");
  const binary = raw.filter((p) => typeof p !== "string");
  assert.deepEqual(binary, [], "every payload the server sent is text");
  const b64Packets = raw.filter((p) => /(^|\D)\d+:b4/.test(p));
  assert.ok(b64Packets.length > 0, `binary attachments came as base64 "b4" packets: ${JSON.stringify(raw.slice(0, 5)).slice(0, 300)}`);
  step(`${raw.length} text payloads, ${b64Packets.length} with base64 attachments`);
});
