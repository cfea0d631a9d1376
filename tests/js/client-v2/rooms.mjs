// Rooms and broadcast among socket.io-client 2.x clients A (websocket), B (polling), C (polling
// upgraded): A and B join "r"; a broadcast to "r" with exceptSelf reaches only the other member,
// without exceptSelf both members; a namespace-wide broadcast with exceptSelf reaches everybody
// but the sender; after B leaves "r" only A gets the room's broadcasts.
import { assert, parseArgs, record, roomsWithoutOwn, run, sleep, step } from "../lib.mjs";
import { ackV2, connectRootV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x rooms and broadcast", async () => {
  const a = await connectRootV2(url, { transports: ["websocket"] });
  const b = await connectRootV2(url, { transports: ["polling"] });
  const c = await connectRootV2(url);
  const got = { a: record(a, "news"), b: record(b, "news"), c: record(c, "news") };
  const expect = async (want, what) => {
    // a sync point per client: its echo-ack returns after any broadcast sent before it
    await Promise.all([a, b, c].map((s) => ackV2(s, "echo-ack", "sync")));
    await sleep(50);
    assert.deepEqual(got, want, what);
    for (const k of Object.keys(got)) got[k].length = 0;
  };

  assert.deepEqual(roomsWithoutOwn((await ackV2(a, "join", "r"))[0], a), ["r"]);
  assert.deepEqual(roomsWithoutOwn((await ackV2(b, "join", "r"))[0], b), ["r"]);
  assert.deepEqual(await ackV2(a, "count"), [{ sockets: 3 }]);
  step("A and B joined r");

  const bc = (from, room, exceptSelf, ...args) =>
    ackV2(from, "broadcast", { room, event: "news", args, exceptSelf });

  assert.deepEqual(await bc(a, "r", true, "to r except A", 1), [{ ok: true }]);
  await expect({ a: [], b: [["to r except A", 1]], c: [] }, "room broadcast exceptSelf: only B");
  step("room broadcast with exceptSelf reached only the other member");

  assert.deepEqual(await bc(a, "r", false, { all: "of r" }), [{ ok: true }]);
  await expect({ a: [[{ all: "of r" }]], b: [[{ all: "of r" }]], c: [] }, "room broadcast: A and B");

  assert.deepEqual(await bc(c, "r", false, "from outside"), [{ ok: true }]);
  await expect({ a: [["from outside"]], b: [["from outside"]], c: [] }, "non-member broadcasting to r");
  step("room broadcast reached both members, not the outsider");

  assert.deepEqual(await bc(b, null, true, "everyone but B"), [{ ok: true }]);
  await expect({ a: [["everyone but B"]], b: [], c: [["everyone but B"]] }, "namespace broadcast exceptSelf");
  step("namespace broadcast with exceptSelf reached all but the sender");

  assert.deepEqual(roomsWithoutOwn((await ackV2(b, "leave", "r"))[0], b), []);
  assert.deepEqual(await bc(c, "r", false, "after leave"), [{ ok: true }]);
  await expect({ a: [["after leave"]], b: [], c: [] }, "after B left r");
  step("leave removed B from r");
});
