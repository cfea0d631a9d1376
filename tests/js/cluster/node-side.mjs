// What the cluster scripts (mixed.mjs, sharded.mjs, faults.mjs) share: the failure exit,
// node's side of the `c-*` events of tests/src/cluster.rs, a socket.io-client 4.x recording
// what it receives, and waiting for a condition.
import { io as connect } from "socket.io-client";

/** Prints the reason and exits 1. */
export const fail = (why) => {
  console.error(`FAIL: ${why}`);
  process.exit(1);
};

/** Fails the script after `ms` unless it ended before. */
export const deadline = (ms) => setTimeout(() => fail("timed out"), ms).unref();

/** node's answers to the `c-*` events (and its server-side `sse`/`sse-hold`), on `io`. */
export function serveNodeSide(io) {
  const op = ({ to, except } = {}) => {
    let o = io.of("/");
    if (to) o = o.to(to);
    if (except) o = o.except(except);
    return o;
  };
  const answer = async (cb, f) => {
    try {
      cb(await f());
    } catch (e) {
      cb({ error: String(e) });
    }
  };
  io.on("sse", (_from, cb) => cb("node"));
  io.on("sse-hold", (_from, cb) => cb("node"));
  io.on("connection", (s) => {
    s.on("join", (room, cb) => {
      s.join(room);
      cb?.([...s.rooms]);
    });
    s.on("c-broadcast", (sel, cb) => (op(sel).emit(sel.event, "node"), cb()));
    s.on("c-news", (args, cb) => (io.emit("news", ...args), cb()));
    s.on("c-join", (sel, cb) => (op(sel).socketsJoin(sel.room), cb()));
    s.on("c-leave", (sel, cb) => (op(sel).socketsLeave(sel.room), cb()));
    s.on("c-disconnect", (sel, cb) => (op(sel).disconnectSockets(), cb()));
    s.on("c-fetch", (_sel, cb) =>
      answer(cb, async () => (await io.fetchSockets()).map((x) => [x.id, [...x.rooms]])),
    );
    s.on("c-sse", (_sel, cb) =>
      answer(cb, async () => ({ responses: await io.serverSideEmitWithAck("sse", "node"), timeout: false })),
    );
    // The callback form: at the timeout it still gives the acks that came.
    s.on("c-bwa", (sel, cb) =>
      op(sel)
        .timeout(sel.ms || 2000)
        .emit("q", (err, acks) => cb({ acks, timeout: !!err })),
    );
  });
}

/** A client on `url` (WebSocket only) answering `q` with its id; `got` lists what came. */
export const openClient = (url) =>
  new Promise((resolve) => {
    const c = connect(url, { transports: ["websocket"], forceNew: true });
    const got = [];
    c.onAny((event) => got.push({ event, at: Date.now() }));
    c.on("q", (cb) => cb(c.id));
    c.once("connect", () => resolve({ c, got }));
  });

/** How many times `client` got `event`. */
export const count = (client, event) => client.got.filter((e) => e.event === event).length;

/** Emits `event` with `sel` and waits (15 s at most) for the server's answer. */
export const ask = (client, event, sel = {}) => client.c.timeout(15000).emitWithAck(event, sel);

/** Polls `pred` every 100 ms, `tries` times, then fails with `what`. */
export const until = async (what, pred, tries = 100) => {
  for (let i = 0; i < tries; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(what);
};

/** Whether fetchSockets' answer `list` holds every client of `all`. */
export const listsAll = (list, all) => Array.isArray(list) && all.every((x) => list.some(([id]) => id === x.c.id));
