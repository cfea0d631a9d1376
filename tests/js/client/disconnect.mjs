// Disconnect reasons on both sides: a client's disconnect() makes the server broadcast "left"
// with "client namespace disconnect"; "disconnect-me" makes the client see "io server disconnect"
// and the others get "left" with the server-side reason.
import { assert, ack, connect, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

run("disconnect reasons both sides", async () => {
  const a = (await connect(url, { transports: ["websocket"] })).socket;
  const b = (await connect(url, { transports: ["polling"], upgrade: false })).socket;
  const c = (await connect(url)).socket;
  assert.deepEqual(await ack(c, "count"), [{ sockets: 3 }]);

  const aId = a.id;
  const leftAtB = once(b, "left", 5000, '"left" at B');
  const leftAtC = once(c, "left", 5000, '"left" at C');
  a.disconnect();
  assert.deepEqual(await leftAtB, [{ id: aId, reason: "client namespace disconnect" }]);
  assert.deepEqual(await leftAtC, [{ id: aId, reason: "client namespace disconnect" }]);
  assert.deepEqual(await ack(c, "count"), [{ sockets: 2 }]);
  step("client disconnect(): others got left/client namespace disconnect");

  const bId = b.id;
  const bGone = once(b, "disconnect", 5000, "B's disconnect");
  const leftAtC2 = once(c, "left", 5000, '"left" at C');
  b.emit("disconnect-me");
  const [reason] = await bGone;
  assert.equal(reason, "io server disconnect", "client-side reason of a server disconnect");
  assert.equal(b.connected, false);
  assert.deepEqual(await leftAtC2, [{ id: bId, reason: "server namespace disconnect" }]);
  assert.deepEqual(await ack(c, "count"), [{ sockets: 1 }]);
  step("disconnect-me: client saw io server disconnect, others got left/server namespace disconnect");

  // The server closing a whole transport: C's engine connection goes away abruptly.
  const d = (await connect(url, { transports: ["websocket"] })).socket;
  const dId = d.id;
  const leftAtC3 = once(c, "left", 5000, '"left" at C');
  d.io.engine.close();
  const [left] = await leftAtC3;
  assert.equal(left.id, dId);
  assert.equal(left.reason, "transport close", "server-side reason when the connection closes");
  step("abrupt close: others got left/transport close");
});
