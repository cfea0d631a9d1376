// A "broadcast" whose args hold binary (Buffers, also nested in objects) reaches the room's
// members with the binary intact, on both transports; the sender (exceptSelf) and non-members
// get nothing.
import { assert, ack, connect, parseArgs, record, run, sleep, step, toBuffer } from "../lib.mjs";

const { url } = parseArgs();

run("broadcast with binary arguments", async () => {
  const a = (await connect(url, { transports: ["websocket"] })).socket;
  const b = (await connect(url, { transports: ["websocket"] })).socket;
  const c = (await connect(url, { transports: ["polling"], upgrade: false })).socket;
  const d = (await connect(url, { transports: ["websocket"] })).socket;
  for (const s of [a, b, c]) await ack(s, "join", "bin");
  const got = { a: record(a, "bin-news"), b: record(b, "bin-news"), c: record(c, "bin-news"), d: record(d, "bin-news") };

  const args = [Buffer.from([1, 2, 3]), "text", { nested: Buffer.from([255, 0]) }];
  assert.deepEqual(await ack(a, "broadcast", { room: "bin", event: "bin-news", args, exceptSelf: true }), [{ ok: true }]);
  await Promise.all([a, b, c, d].map((s) => ack(s, "echo-ack", "sync")));
  await sleep(50);

  assert.equal(got.a.length + got.d.length, 0, "neither the sender nor the non-member got it");
  for (const [label, events] of [["websocket member", got.b], ["polling member", got.c]]) {
    assert.equal(events.length, 1, `${label} got the broadcast once`);
    const [bin, text, obj] = events[0];
    let first;
    try {
      first = toBuffer(bin);
    } catch {
      throw new Error(`${label}: first argument is not binary but ${JSON.stringify(bin)} (attachments dropped?)`);
    }
    assert.deepEqual([...first], [1, 2, 3], `${label}: first argument`);
    assert.equal(text, "text", `${label}: second argument`);
    assert.deepEqual([...toBuffer(obj.nested)], [255, 0], `${label}: nested binary`);
  }
  step("binary broadcast reached both members intact");
});
