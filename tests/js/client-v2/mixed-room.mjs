// One room, two client generations: a socket.io-client 4.x client (EIO 4 / Socket.IO v5, over
// WebSocket) and a 2.x client (EIO 3 / Socket.IO v4, over polling) join "mixed"; outsiders of both
// generations do not. Each member's broadcast with exceptSelf reaches the other member exactly
// once, JSON and binary arguments intact, and nobody else; without exceptSelf the app's broadcast
// also reaches the sender (it is a room broadcast, see tests/src/app.rs), once each.
import { assert, ack, connect, parseArgs, record, roomsWithoutOwn, run, sleep, step, toBuffer } from "../lib.mjs";
import { ackV2, assertSameArgs, connectRootV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("4.x and 2.x clients in one room", async () => {
  const v4 = (await connect(url, { transports: ["websocket"] })).socket;
  const v2 = await connectRootV2(url, { transports: ["polling"] });
  const v4out = (await connect(url, { transports: ["polling"], upgrade: false })).socket;
  const v2out = await connectRootV2(url, { transports: ["websocket"] });
  const ackOf = (s) => (s === v4 || s === v4out ? ack : ackV2);
  const all = { v4, v2, v4out, v2out };

  assert.deepEqual(roomsWithoutOwn((await ack(v4, "join", "mixed"))[0], v4), ["mixed"]);
  assert.deepEqual(roomsWithoutOwn((await ackV2(v2, "join", "mixed"))[0], v2), ["mixed"]);
  assert.deepEqual(await ack(v4, "count"), [{ sockets: 4 }]);
  step("a 4.x and a 2.x client joined mixed");

  const got = Object.fromEntries(Object.entries(all).map(([k, s]) => [k, record(s, "news")]));
  const collect = async () => {
    // a sync point per client: its echo-ack returns after any broadcast sent before it
    await Promise.all(Object.values(all).map((s) => ackOf(s)(s, "echo-ack", "sync")));
    await sleep(50);
    const out = Object.fromEntries(Object.entries(got).map(([k, v]) => [k, [...v]]));
    for (const v of Object.values(got)) v.length = 0;
    return out;
  };
  const bc = (from, exceptSelf, args) =>
    ackOf(from)(from, "broadcast", { room: "mixed", event: "news", args, exceptSelf });

  const fromV4 = ["from 4.x", { n: 1, s: "✓ 🌍" }, Buffer.from([1, 2, 3]), { nested: Buffer.from([255, 0]) }];
  assert.deepEqual(await bc(v4, true, fromV4), [{ ok: true }]);
  let seen = await collect();
  assert.equal(seen.v2.length, 1, `the 2.x member got the 4.x broadcast once: ${seen.v2.length}`);
  assertSameArgs(seen.v2[0], fromV4, "4.x -> 2.x arguments");
  assert.deepEqual([seen.v4.length, seen.v4out.length, seen.v2out.length], [0, 0, 0], "sender and outsiders got nothing");
  step("4.x -> 2.x: once, binary intact, nobody else");

  const fromV2 = ["from 2.x", [true, null], Buffer.from("bytes"), { nested: Buffer.from([7]) }];
  assert.deepEqual(await bc(v2, true, fromV2), [{ ok: true }]);
  seen = await collect();
  assert.equal(seen.v4.length, 1, `the 4.x member got the 2.x broadcast once: ${seen.v4.length}`);
  assertSameArgs(seen.v4[0], fromV2, "2.x -> 4.x arguments");
  assert.deepEqual([seen.v2.length, seen.v4out.length, seen.v2out.length], [0, 0, 0], "sender and outsiders got nothing");
  step("2.x -> 4.x: once, binary intact, nobody else");

  for (const [label, from] of [["4.x", v4], ["2.x", v2]]) {
    assert.deepEqual(await bc(from, false, [`all of mixed from ${label}`, Buffer.from([9])]), [{ ok: true }]);
    seen = await collect();
    for (const member of ["v4", "v2"]) {
      assert.equal(seen[member].length, 1, `${member} got ${label}'s room broadcast once`);
      assert.equal(seen[member][0][0], `all of mixed from ${label}`);
      assert.deepEqual([...toBuffer(seen[member][0][1])], [9]);
    }
    assert.deepEqual([seen.v4out.length, seen.v2out.length], [0, 0], "outsiders got nothing");
  }
  step("without exceptSelf: both members (sender included) once, outsiders nothing");
});
