// A mixed cluster on one Redis: two of our e2e-servers (tokio, smol) and this node server
// (socket.io 4.8, @socket.io/redis-adapter 8.3), a socket.io-client 4.x on each. Every
// operation, started from each server in turn, reaches the clients of every server exactly
// once: broadcasts (all, room, except), socketsJoin/Leave, disconnectSockets, fetchSockets,
// serverSideEmit with acks, broadcast with acks. A 2.x and a 0.9 client on the tokio server
// receive a node broadcast once, intact. Then the fault: the smol server is killed
// while the tokio server waits for its server-side ack; that request ends at its timeout
// with node's answer. Prints OK and exits 0, or exits 1 with the reason.
// Usage: node cluster/mixed.mjs <redis-port> <tokio-url> <smol-url> <smol-pid>
import { createServer } from "node:http";
import { isDeepStrictEqual } from "node:util";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { connectV2 } from "../client-v2/v2lib.mjs";
import { inPage, withV09Page } from "../browser-v09/v09page.mjs";
import { io as connect } from "socket.io-client";
import { record } from "../lib.mjs";
import { ask, count, deadline, fail, listsAll, openClient, serveNodeSide, until } from "./node-side.mjs";

const [redisPort, tokioUrl, smolUrl, smolPid] = process.argv.slice(2);
deadline(80000);

const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);
const http = createServer();
const io = new Server(http, { adapter: createAdapter(pub, sub) });
await new Promise((r) => http.listen(0, "127.0.0.1", r));
const nodeUrl = `http://127.0.0.1:${http.address().port}`;

serveNodeSide(io);

const clients = {
  tokio: await openClient(tokioUrl),
  smol: await openClient(smolUrl),
  node: await openClient(nodeUrl),
};
const all = Object.values(clients);

await ask(clients.tokio, "join", "shared");
await ask(clients.node, "join", "shared");

// Our servers learn the server count from Redis once a second: wait until each lists all.
for (const [name, client] of Object.entries(clients)) {
  await until(`fetchSockets from ${name} lists every client`, async () =>
    listsAll(await ask(client, "c-fetch"), all),
  );
}
console.log("ok: every server counts the other two");

let markers = 0;
// After `check` ran, a broadcast to all from `origin` arrived everywhere: anything the
// origin published before it has arrived too (one publisher connection, in order).
const settled = async (origin) => {
  const event = `marker-${markers++}`;
  await ask(origin, "c-broadcast", { event });
  await until(`${event} reached every client`, () => all.every((x) => count(x, event) === 1));
};
const expectOnce = (event, who) => {
  for (const [name, x] of Object.entries(clients)) {
    const want = who.includes(name) ? 1 : 0;
    if (count(x, event) !== want) fail(`${event}: ${name}'s client got it ${count(x, event)} times`);
  }
};

for (const [from, origin] of Object.entries(clients)) {
  const everyone = Object.keys(clients);
  await ask(origin, "c-broadcast", { event: `all-${from}` });
  await ask(origin, "c-broadcast", { event: `room-${from}`, to: "shared" });
  await ask(origin, "c-broadcast", { event: `except-${from}`, except: "shared" });
  await settled(origin);
  expectOnce(`all-${from}`, everyone);
  expectOnce(`room-${from}`, ["tokio", "node"]);
  expectOnce(`except-${from}`, ["smol"]);
  console.log(`ok: ${from}'s broadcasts (all, room, except) reached each client once`);

  await ask(origin, "c-join", { room: `j-${from}`, except: "shared" });
  await ask(origin, "c-broadcast", { event: `joined-${from}`, to: `j-${from}` });
  await ask(origin, "c-leave", { room: `j-${from}` });
  await ask(origin, "c-broadcast", { event: `left-${from}`, to: `j-${from}` });
  await settled(origin);
  expectOnce(`joined-${from}`, ["smol"]);
  expectOnce(`left-${from}`, []);
  console.log(`ok: ${from}'s socketsJoin and socketsLeave reached every server`);

  const list = await ask(origin, "c-fetch");
  for (const [name, x] of Object.entries(clients)) {
    const entry = list.find(([id]) => id === x.c.id);
    const shared = name !== "smol";
    if (!entry || entry[1].includes("shared") !== shared || !entry[1].includes(x.c.id)) {
      fail(`fetchSockets from ${from}: ${name}'s socket is ${JSON.stringify(entry)}`);
    }
  }
  if (list.length !== 3) fail(`fetchSockets from ${from} listed ${JSON.stringify(list)}`);
  console.log(`ok: ${from}'s fetchSockets lists each server's socket with its rooms`);

  const sse = await ask(origin, "c-sse");
  const names = sse.responses ?? [];
  const nodes = names.filter((n) => n === "node").length;
  const rusts = new Set(names.filter((n) => n.startsWith("rust-")));
  if (sse.timeout || names.length !== 2 || nodes !== (from === "node" ? 0 : 1)) {
    fail(`serverSideEmitWithAck from ${from} gave ${JSON.stringify(sse)}`);
  }
  if (rusts.size !== (from === "node" ? 2 : 1)) fail(`sse from ${from}: ${JSON.stringify(sse)}`);
  console.log(`ok: ${from}'s serverSideEmitWithAck got one answer from each other server`);

  const bwa = await ask(origin, "c-bwa", { ms: 3000 });
  const want = all.map((x) => x.c.id).sort();
  if (bwa.timeout || JSON.stringify([...(bwa.acks ?? [])].sort()) !== JSON.stringify(want)) {
    fail(`broadcast with acks from ${from} gave ${JSON.stringify(bwa)}, want ${want}`);
  }
  console.log(`ok: ${from}'s broadcast with acks gathered the clients of all three servers`);

  const victims = [await openClient(tokioUrl), await openClient(smolUrl), await openClient(nodeUrl)];
  for (const v of victims) await ask(v, "join", `victim-${from}`);
  await ask(origin, "c-disconnect", { to: `victim-${from}` });
  await until(`${from}'s disconnectSockets`, () => victims.every((v) => !v.c.connected));
  if (!all.every((x) => x.c.connected)) fail(`${from}'s disconnectSockets took a bystander`);
  console.log(`ok: ${from}'s disconnectSockets reached every server's socket, only those`);
}

// node's fetchSockets lists our sockets with the handshake node's own sockets carry: the
// same fields, `issued` when the server accepted it (and `time`, its date), the client's
// auth, and node's default `data`.
{
  const before = Date.now();
  const withAuth = async (url) => {
    const c = connect(url, { transports: ["websocket"], forceNew: true, auth: { token: "t✓", n: 1 } });
    await new Promise((r) => c.once("connect", r));
    return c;
  };
  const ours = { tokio: await withAuth(tokioUrl), smol: await withAuth(smolUrl) };
  const after = Date.now();
  const listed = await io.fetchSockets();
  const nodeKeys = Object.keys(listed.find((x) => x.id === clients.node.c.id).handshake).sort();
  for (const [name, c] of Object.entries(ours)) {
    const r = listed.find((x) => x.id === c.id);
    if (!r) fail(`node's fetchSockets does not list ${name}'s socket`);
    const hs = r.handshake;
    const why = [];
    if (JSON.stringify(Object.keys(hs).sort()) !== JSON.stringify(nodeKeys)) why.push(`fields ${Object.keys(hs)} (node's: ${nodeKeys})`);
    if (!(hs.issued >= before - 1000 && hs.issued <= after + 1000)) why.push(`issued ${hs.issued} not in ${before}..${after}`);
    if (Date.parse(hs.time) !== Math.floor(hs.issued / 1000) * 1000) why.push(`time ${hs.time} is not issued's date`);
    if (!isDeepStrictEqual(hs.auth, { token: "t✓", n: 1 })) why.push(`auth ${JSON.stringify(hs.auth)}`);
    if (hs.query?.EIO !== "4" || !hs.url?.startsWith("/socket.io/?") || hs.headers?.host === undefined) why.push("query, url or headers");
    if (!isDeepStrictEqual(r.data, {})) why.push(`data ${JSON.stringify(r.data)}`);
    if (why.length) fail(`node's fetchSockets lists ${name}'s socket with ${why.join("; ")}: ${JSON.stringify(hs)}`);
  }
  for (const c of Object.values(ours)) c.close();
}
console.log("ok: node's fetchSockets lists our sockets with node's handshake fields, issued, time and auth");

// Older client generations on our server receive node's broadcast live: a socket.io-client
// 2.x (EIO 3) and a 0.9 client (its own browser bundle in headless Chromium) on tokio.
await withV09Page(tokioUrl, async (tab) => {
  await inPage(tab, () => window.T09.open("old", "websocket"));
  const v2 = (await connectV2(tokioUrl, { transports: ["websocket"] })).socket;
  const v2news = record(v2, "news");
  const takeV09 = () => inPage(tab, () => window.T09.take("old"));
  const v09news = [];
  const args = ["from node", { s: "✓ 🌍 \"q\"", n: -1.5, list: [1, null, true], deep: { a: [{}] } }];
  await ask(clients.node, "c-news", args);
  // One publisher: once the end marker is in, everything node sent before it is too.
  await ask(clients.node, "c-news", ["end"]);
  await until("node's broadcast reached the 2.x and 0.9 clients", async () => {
    v09news.push(...(await takeV09()));
    return [v2news, v09news].every((got) => got.some((a) => a[0] === "end"));
  });
  for (const [name, got] of Object.entries({ "2.x": v2news, "0.9": v09news })) {
    // Key order aside: our 0.9 encoding writes object keys sorted (as t09.js allows).
    if (!isDeepStrictEqual(got, [args, ["end"]])) {
      fail(`node's broadcast reached the ${name} client on tokio as ${JSON.stringify(got)}`);
    }
  }
  v2.close();
  await inPage(tab, () => window.T09.close());
});
console.log("ok: node's broadcast reached a 2.x and a 0.9 client on our server once, intact");

// The fault: smol dies while tokio waits for its answer (smol holds `sse-hold` unanswered).

// smol is killed once tokio's request crossed Redis (a pattern subscriber, which PUBSUB
// NUMSUB does not count, sees it): killed earlier, it could be gone from tokio's server count
// before the request starts, and the request would not wait for it.
const spy = pub.duplicate();
await spy.connect();
let carried = false;
await spy.pSubscribe("socket.io-request#*", () => (carried = true), true);
const held = ask(clients.tokio, "c-sse-hold");
await until("tokio's request crossed Redis", () => carried);
process.kill(Number(smolPid), "SIGKILL");
const fault = await held;
if (!fault.timeout || JSON.stringify(fault.responses) !== JSON.stringify(["node"]) || fault.ms < 4500) {
  fail(`with smol killed, tokio's serverSideEmitWithAck gave ${JSON.stringify(fault)}`);
}
console.log(`ok: with smol killed mid-request, tokio's request ended at its timeout (${fault.ms} ms) with node's answer`);

for (const x of all) x.c.close();
io.close();
await Promise.all([pub.quit(), sub.quit(), spy.quit()]);
console.log("OK");
process.exit(0);
