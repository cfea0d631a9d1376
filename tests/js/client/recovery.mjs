// Connection state recovery (server started with `--recovery-ms N`). One client, A, in room
// "r"; a helper, B, sends while A is away. Each cut is followed by a reconnect that A starts
// itself (`socket.connect()`, reconnection off), so what is sent "meanwhile" is sent before
// the reconnect by construction, not by timing:
// 1. the server closes A's connection ("drop-connection"): on reconnect A is recovered, has
//    its old id, gets every event sent to its rooms and its id meanwhile, once and in order,
//    nothing sent elsewhere, and is still in "r";
// 2. A closes its own engine (`socket.io.engine.close()`): recovered again, and the events;
// 3. a client disconnects (`socket.disconnect()`): a fresh socket, nothing replayed;
// 4. A cut longer than N ms: a fresh socket.
import { assert, ack, connect, io, once, parseArgs, record, run, sleep, step, track } from "../lib.mjs";

const { url } = parseArgs();
const argv = process.argv.slice(2);
const recoveryMs = Number(argv[argv.indexOf("--recovery-ms") + 1]);
assert.ok(recoveryMs > 0, "usage: recovery.mjs <url> --recovery-ms N");

/** The first argument of each recorded "m" event (the offset rides as the last one). */
const firsts = (got) => got.map((args) => args[0]);

/** B sends `event` with `args` to `room` (or everyone) and waits for the server's ack. */
async function send(b, room, n) {
  const reply = await ack(b, "broadcast", { room, event: "m", args: [n] });
  assert.deepEqual(reply, [{ ok: true }]);
}

/** Resolves once `got` holds `n` events (or rejects after 5 s). */
async function until(socket, got, n, what) {
  const deadline = Date.now() + 5000;
  while (got.length < n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(got)}`);
    await once(socket, "m", deadline - Date.now(), what).catch(() => {});
  }
}

/** Reconnects `socket` (reconnection is off) and resolves once it is connected. */
async function reconnect(socket, what) {
  const connected = once(socket, "connect", 5000, what);
  socket.connect();
  await connected;
}

run("connection state recovery", async () => {
  const { socket: b } = await connect(url);
  const a = track(
    io(url, {
      forceNew: true,
      reconnection: false,
      autoConnect: false,
      transports: ["websocket"],
    }),
  );
  const got = record(a, "m");
  const welcomed = once(a, "welcome", 5000, "A's welcome");
  a.connect();
  await welcomed; // its offset is A's first, so A can recover from here on
  await ack(a, "join", "r");
  const id = a.id;
  await send(b, "r", 0);
  await until(a, got, 1, "the first room broadcast");
  assert.equal(a.recovered, false, "a first connection is not a recovery");

  // 1. Cut by the server.
  const gone = once(a, "disconnect", 5000, "A's disconnect when the server cuts it");
  a.emit("drop-connection");
  const [reason] = await gone;
  assert.equal(reason, "transport close");
  await send(b, "r", 1); // its room
  await send(b, id, 2); // its id: what the server emits to it
  await send(b, null, 3); // everyone
  await send(b, "elsewhere", "x"); // not for it
  await reconnect(a, "A's recovery after the server's cut");
  assert.equal(a.recovered, true, "recovered after a server-side cut");
  assert.equal(a.id, id, "the same id");
  // The missed events are delivered before "connect" (the client buffered them).
  assert.deepEqual(firsts(got), [0, 1, 2, 3], "every missed event once, in order");
  for (const args of got) assert.equal(typeof args[args.length - 1], "string", "offset last");
  await send(b, "r", 4);
  await until(a, got, 5, "a room broadcast after recovery");
  assert.deepEqual(firsts(got), [0, 1, 2, 3, 4], "the room still holds it");
  const [{ rooms }] = await ack(a, "join", "r2");
  assert.ok(rooms.includes("r"), `still in r: ${rooms}`);
  step("recovered after the server's cut");

  // 2. Cut by the client.
  const gone2 = once(a, "disconnect", 5000, "A's disconnect when it closes its engine");
  a.io.engine.close();
  await gone2;
  await send(b, "r", 5);
  await send(b, "r2", 6);
  await reconnect(a, "A's recovery after closing its engine");
  assert.equal(a.recovered, true, "recovered after a client-side cut");
  assert.equal(a.id, id);
  assert.deepEqual(firsts(got), [0, 1, 2, 3, 4, 5, 6]);
  step("recovered after the client's cut");

  // 3. A namespace disconnect by the client is final. (A fresh client C: node's in-memory
  //    adapter leaves a restored session in its store until it expires, so A, recovered a
  //    moment ago, would recover again from that older session; ours recovers a session
  //    once.)
  const c = track(
    io(url, { forceNew: true, reconnection: false, autoConnect: false, transports: ["websocket"] }),
  );
  const gotC = record(c, "m");
  const welcomedC = once(c, "welcome", 5000, "C's welcome");
  c.connect();
  await welcomedC;
  await ack(c, "join", "r");
  const idC = c.id;
  c.disconnect();
  await send(b, "r", 7);
  const welcomedC2 = once(c, "welcome", 5000, "C's welcome as a fresh socket");
  await reconnect(c, "C's fresh connection after disconnect()");
  await welcomedC2;
  assert.equal(c.recovered, false, "not recovered after disconnect()");
  assert.notEqual(c.id, idC, "a new id");
  assert.deepEqual(firsts(gotC), [], "nothing replayed");
  await until(a, got, 8, "A's copy of 7");
  step("fresh after disconnect()");

  // 4. A cut longer than the duration.
  await send(b, "r", 8);
  await until(a, got, 9, "the room broadcast before the long cut");
  const id4 = a.id;
  const gone4 = once(a, "disconnect", 5000, "A's disconnect (long cut)");
  a.emit("drop-connection");
  await gone4;
  await sleep(recoveryMs + 700); // past the duration, bounded
  await send(b, "r", 9);
  await reconnect(a, "A's connection after a long cut");
  assert.equal(a.recovered, false, "not recovered after the duration");
  assert.notEqual(a.id, id4, "a new id");
  assert.deepEqual(firsts(got), [0, 1, 2, 3, 4, 5, 6, 7, 8], "nothing replayed");
  step("fresh after a cut longer than the duration");
}, { timeoutMs: 30000 });
