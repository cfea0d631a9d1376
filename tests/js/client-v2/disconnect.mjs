// Disconnect reasons with socket.io-client 2.x on both sides: a client's disconnect() (2.x sends
// the namespace DISCONNECT, then closes its engine connection) makes the server broadcast "left"
// with "client namespace disconnect"; "disconnect-me" makes the client see "io server disconnect"
// and the others get "left" with "server namespace disconnect"; an engine connection closed
// without a DISCONNECT gives "transport close".
import { assert, once, parseArgs, run, step } from "../lib.mjs";
import { ackV2, connectRootV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x disconnect reasons both sides", async () => {
  const a = await connectRootV2(url, { transports: ["websocket"] });
  const b = await connectRootV2(url, { transports: ["polling"] });
  const c = await connectRootV2(url);
  assert.deepEqual(await ackV2(c, "count"), [{ sockets: 3 }]);

  const aId = a.id;
  const leftAtB = once(b, "left", 5000, '"left" at B');
  const leftAtC = once(c, "left", 5000, '"left" at C');
  const aGone = once(a, "disconnect", 5000, "A's disconnect");
  a.disconnect();
  assert.deepEqual(await aGone, ["io client disconnect"]);
  assert.deepEqual(await leftAtB, [{ id: aId, reason: "client namespace disconnect" }]);
  assert.deepEqual(await leftAtC, [{ id: aId, reason: "client namespace disconnect" }]);
  assert.deepEqual(await ackV2(c, "count"), [{ sockets: 2 }]);
  step("client disconnect(): others got left/client namespace disconnect");

  const bId = b.id;
  const bGone = once(b, "disconnect", 5000, "B's disconnect");
  const leftAtC2 = once(c, "left", 5000, '"left" at C');
  b.emit("disconnect-me");
  assert.deepEqual(await bGone, ["io server disconnect"], "client-side reason of a server disconnect");
  assert.equal(b.connected, false);
  assert.deepEqual(await leftAtC2, [{ id: bId, reason: "server namespace disconnect" }]);
  assert.deepEqual(await ackV2(c, "count"), [{ sockets: 1 }]);
  step("disconnect-me: client saw io server disconnect, others got left/server namespace disconnect");

  const d = await connectRootV2(url, { transports: ["websocket"] });
  const dId = d.id;
  const leftAtC3 = once(c, "left", 5000, '"left" at C');
  d.io.engine.close();
  assert.deepEqual(await leftAtC3, [{ id: dId, reason: "transport close" }]);
  assert.deepEqual(await ackV2(c, "count"), [{ sockets: 1 }]);
  step("engine closed without DISCONNECT: others got left/transport close");
});
