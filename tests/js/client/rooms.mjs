// Rooms and broadcast with three clients A, B, C: A and B join "r"; a broadcast to "r" with
// exceptSelf reaches only the other member; without exceptSelf both members; a namespace-wide
// broadcast with exceptSelf reaches everybody but the sender; leave removes from the room.
import { assert, ack, connect, parseArgs, record, roomsWithoutOwn, run, sleep, step } from "../lib.mjs";

const { url } = parseArgs();

run("rooms and broadcast", async () => {
  const a = (await connect(url, { transports: ["websocket"] })).socket;
  const b = (await connect(url, { transports: ["polling"], upgrade: false })).socket;
  const c = (await connect(url, { transports: ["websocket"] })).socket;
  const got = { a: record(a, "news"), b: record(b, "news"), c: record(c, "news") };
  const expect = async (want, what) => {
    // a sync point per client: its echo-ack returns after any broadcast sent before it
    await Promise.all([a, b, c].map((s) => ack(s, "echo-ack", "sync")));
    await sleep(50);
    assert.deepEqual(got, want, what);
    for (const k of Object.keys(got)) got[k].length = 0;
  };

  assert.deepEqual(roomsWithoutOwn((await ack(a, "join", "r"))[0], a), ["r"]);
  assert.deepEqual(roomsWithoutOwn((await ack(b, "join", "r"))[0], b), ["r"]);
  assert.deepEqual(roomsWithoutOwn((await ack(b, "join", "other"))[0], b), ["other", "r"]);
  assert.deepEqual(await ack(a, "count"), [{ sockets: 3 }]);
  step("A and B joined r");

  const bc = (from, room, exceptSelf, ...args) =>
    ack(from, "broadcast", { room, event: "news", args, exceptSelf });

  assert.deepEqual(await bc(a, "r", true, "to r except A", 1), [{ ok: true }]);
  await expect({ a: [], b: [["to r except A", 1]], c: [] }, "room broadcast exceptSelf: only B");
  step("room broadcast with exceptSelf reached only the other member");

  assert.deepEqual(await bc(a, "r", false, { all: "of r" }), [{ ok: true }]);
  await expect({ a: [[{ all: "of r" }]], b: [[{ all: "of r" }]], c: [] }, "room broadcast: A and B");

  assert.deepEqual(await bc(c, "r", false, "from outside"), [{ ok: true }]);
  await expect({ a: [["from outside"]], b: [["from outside"]], c: [] }, "non-member broadcasting to r");

  assert.deepEqual(await bc(b, null, true, "everyone but B"), [{ ok: true }]);
  await expect({ a: [["everyone but B"]], b: [], c: [["everyone but B"]] }, "namespace broadcast exceptSelf");
  step("namespace broadcast with exceptSelf reached all but the sender");

  assert.deepEqual(await bc(b, null, false, "everyone"), [{ ok: true }]);
  await expect({ a: [["everyone"]], b: [["everyone"]], c: [["everyone"]] }, "namespace broadcast");

  assert.deepEqual(roomsWithoutOwn((await ack(b, "leave", "r"))[0], b), ["other"]);
  assert.deepEqual(await bc(a, "r", false, "after leave"), [{ ok: true }]);
  await expect({ a: [["after leave"]], b: [], c: [] }, "after B left r");
  step("leave removed B from r");

  // A room broadcast with binary arguments reaches members intact.
  assert.deepEqual(await bc(c, "other", false, Buffer.from([1, 2, 3])), [{ ok: true }]);
  await Promise.all([a, b, c].map((s) => ack(s, "echo-ack", "sync")));
  await sleep(50);
  assert.equal(got.b.length, 1, "B got the binary broadcast");
  assert.deepEqual([...new Uint8Array(got.b[0][0])], [1, 2, 3]);
  assert.equal(got.a.length + got.c.length, 0);
});
