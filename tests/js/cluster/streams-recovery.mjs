// Connection state recovery across two servers sharing one Redis through the streams
// backend (ours with `--redis-streams`, node's with @socket.io/redis-streams-adapter 0.3), both
// with `--recovery-ms`. A client X starts on server A, in room "r"; helpers on A and on B send
// while X is away. Each cut is followed by a reconnect X starts itself (reconnection off) to
// the OTHER server, so what is sent "meanwhile" is sent before it by construction:
// 1. A cuts X's connection ("drop-connection"); X reconnects to B: recovered, the same id,
//    every event sent meanwhile to its room, its id and everyone, from either server, once
//    and in order, nothing sent elsewhere; B's room "r" holds it.
// 2. X closes its own engine; X reconnects to A: recovered again, likewise.
// 3. A binary broadcast from B reaches X on A, with its entry id.
// Each send waits until its server has stored it (`appended`): a helper's ack comes before its
// server's append, in node as here, so without it the stream's order could differ from the
// order of the sends, and a reconnect could come before the last append.
// Usage: node cluster/streams-recovery.mjs <url-A> <url-B>
import { assert, ack, connect, io, once, record, run, step, track } from "../lib.mjs";

const [urlA, urlB] = process.argv.slice(2);
assert.ok(urlA && urlB, "usage: streams-recovery.mjs <url-A> <url-B>");

const firsts = (got) => got.map((args) => args[0]);

/**
 * `helper`'s server broadcasts `n` to `room` (everyone when null); resolves once it is in the
 * stream, so sends from different servers are stored in the order they were made.
 */
async function send(helper, room, n) {
  const reply = await ack(helper, "broadcast", { room, event: "m", args: [n] });
  assert.deepEqual(reply, [{ ok: true }]);
  await appended(helper);
}

async function until(socket, got, n, what) {
  const deadline = Date.now() + 5000;
  while (got.length < n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(got)}`);
    await once(socket, "m", deadline - Date.now(), what).catch(() => {});
  }
}

/**
 * Waits until every broadcast `helper`'s server took before is in the stream: a server
 * appends in order and delivers its own broadcast after its append, so its own copy of a
 * later one proves the earlier ones are stored (the helpers' acks come before the appends).
 */
let tags = 0;
async function appended(helper) {
  const tag = `sync-${tags++}`;
  const seen = new Promise((resolve) => {
    const on = (t) => {
      if (t === tag) {
        helper.off("sync", on);
        resolve();
      }
    };
    helper.on("sync", on);
  });
  await ack(helper, "broadcast", { room: tag, event: "sync", args: [tag] });
  const [{ rooms }] = await ack(helper, "join", tag);
  assert.ok(rooms.includes(tag));
  await ack(helper, "broadcast", { room: tag, event: "sync", args: [tag] });
  await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`${tag} not seen`)), 5000))]);
}

/** Reconnects `socket` to `url` (the same Socket object: its pid and last offset go along). */
async function reconnectTo(socket, url, what) {
  socket.io.uri = url;
  const connected = once(socket, "connect", 5000, what);
  socket.connect();
  await connected;
}

run("recovery across servers", async () => {
  const { socket: hA } = await connect(urlA);
  const { socket: hB } = await connect(urlB);
  const x = track(io(urlA, { forceNew: true, reconnection: false, autoConnect: false, transports: ["websocket"] }));
  const got = record(x, "m");
  const welcomed = once(x, "welcome", 5000, "X's welcome");
  x.connect();
  await welcomed;
  await ack(x, "join", "r");
  const id = x.id;
  await send(hB, "r", 0); // from the other server: reaches X through the stream
  await until(x, got, 1, "a room broadcast from B");
  const off0 = got[0][got[0].length - 1];
  assert.match(off0, /^[0-9]+-[0-9]+$/, `a stream entry id as the offset: ${off0}`);
  step("a broadcast from the other server arrives with its entry id");

  // 1. Cut by A; back on B.
  const gone = once(x, "disconnect", 5000, "X's disconnect when A cuts it");
  x.emit("drop-connection");
  assert.equal((await gone)[0], "transport close");
  await send(hB, "r", 1);
  await send(hA, id, 2);
  await send(hA, null, 3);
  await send(hB, "elsewhere", "x");
  await reconnectTo(x, urlB, "X's recovery on B");
  assert.equal(x.recovered, true, "recovered on the other server");
  assert.equal(x.id, id, "the same id");
  assert.deepEqual(firsts(got), [0, 1, 2, 3], "every missed event once, in order");
  for (const args of got) assert.match(args[args.length - 1], /^[0-9]+-[0-9]+$/);
  await send(hA, "r", 4);
  await until(x, got, 5, "a room broadcast after recovery");
  const [{ rooms }] = await ack(x, "join", "r2");
  assert.ok(rooms.includes("r"), `B's rooms hold it: ${rooms}`);
  assert.deepEqual(firsts(got), [0, 1, 2, 3, 4]);
  step("cut by A, recovered on B");

  // 2. Cut by the client; back on A.
  const gone2 = once(x, "disconnect", 5000, "X's disconnect when it closes its engine");
  x.io.engine.close();
  await gone2;
  await send(hA, "r", 5);
  await send(hB, "r2", 6);
  await send(hB, id, 7);
  await reconnectTo(x, urlA, "X's recovery on A");
  assert.equal(x.recovered, true, "recovered again, on the first server");
  assert.equal(x.id, id);
  assert.deepEqual(firsts(got), [0, 1, 2, 3, 4, 5, 6, 7]);
  step("cut by the client, recovered on A");

  // 3. Binary crosses servers (base64 MessagePack in the entry) with its offset.
  const bin = once(x, "bin", 5000, "a binary broadcast from B");
  const reply = await ack(hB, "broadcast", { room: "r", event: "bin", args: [Buffer.from([1, 2, 3]), "x"] });
  assert.deepEqual(reply, [{ ok: true }]);
  const args = await bin;
  assert.deepEqual([...new Uint8Array(args[0])], [1, 2, 3]);
  assert.equal(args[1], "x");
  assert.match(args[2], /^[0-9]+-[0-9]+$/);
  step("a binary broadcast crosses servers with its entry id");
}, { timeoutMs: 40000 });

