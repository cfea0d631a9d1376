// Faults in a mixed cluster on one Redis: two of our e2e-servers (tokio, smol) and this node
// server (socket.io 4.8, @socket.io/redis-adapter 8.3), a socket.io-client 4.x on each.
// The Rust test (tests/tests/cluster_faults.rs) SIGKILLs Redis when this prints KILL-REDIS
// and starts it again on the same port when this prints RESTART-REDIS.
// 1. Redis down: every server still serves its own clients (a broadcast reaches the
//    sender's own client at once); our requests (fetchSockets, allRooms,
//    serverSideEmitWithAck) end at their 5 s timeout.
// 2. Redis back: each server's broadcasts reach the others again (the time each pair takes
//    is printed as `figure:` lines), the broadcasts made during the outage arrive (our
//    servers' offline queue; node's Redis client queues them too), and fetchSockets,
//    serverSideEmitWithAck and broadcast with acks work from every server.
// 3. smol is frozen (SIGSTOP) so it cannot answer, node and tokio make requests, and smol is
//    SIGKILLed once Redis carried them: node's fetchSockets rejects with its timeout error,
//    ours fails at the timeout, and each broadcast with acks ends at its timeout with the
//    acks that came.
// Prints OK and exits 0, or exits 1 with the reason.
// Usage: node cluster/faults.mjs <redis-port> <tokio-url> <smol-url> <smol-pid>
import { createServer } from "node:http";
import { connect as tcp } from "node:net";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { ask, count, deadline, fail, listsAll, openClient, serveNodeSide, until } from "./node-side.mjs";

const [redisPort, tokioUrl, smolUrl, smolPid] = process.argv.slice(2);
deadline(80000);

const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
const sub = pub.duplicate();
// node-redis emits `error` on every failed reconnection; unhandled, it would end the process.
const ready = { pub: [], sub: [] };
for (const [name, c] of Object.entries({ pub, sub })) {
  c.on("error", () => {});
  c.on("ready", () => ready[name].push(Date.now()));
}
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const redisUp = () =>
  new Promise((resolve) => {
    const s = tcp(Number(redisPort), "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

// Our servers learn the server count from Redis once a second: wait until each lists all.
for (const [name, client] of Object.entries(clients)) {
  await until(`fetchSockets from ${name} lists every client`, async () =>
    listsAll(await ask(client, "c-fetch"), all),
  );
}
console.log("ok: every server counts the other two");

// 1. Redis down.
console.log("KILL-REDIS");
await until("Redis went down", async () => !(await redisUp()));
const down = Date.now();
const requests = Promise.all([
  ask(clients.tokio, "c-fetch"),
  ask(clients.tokio, "c-rooms"),
  ask(clients.tokio, "c-sse"),
]);
for (const [name, client] of Object.entries(clients)) {
  await ask(client, "c-broadcast", { event: `outage-${name}` });
  await until(`with Redis down, ${name}'s broadcast reached its own client`, () =>
    count(client, `outage-${name}`) === 1,
  );
}
console.log("ok: with Redis down, every server's broadcast reached its own client");
const [fetched, rooms, sse] = await requests;
if (!fetched.error || fetched.ms < 4500) fail(`fetchSockets during the outage: ${JSON.stringify(fetched)}`);
if (!rooms.error || rooms.ms < 4500) fail(`allRooms during the outage: ${JSON.stringify(rooms)}`);
if (!sse.timeout || sse.responses.length !== 0 || sse.ms < 4500) {
  fail(`serverSideEmitWithAck during the outage: ${JSON.stringify(sse)}`);
}
console.log(
  `ok: with Redis down, tokio's fetchSockets (${fetched.ms} ms), allRooms (${rooms.ms} ms) and serverSideEmitWithAck (${sse.ms} ms) ended at their timeout`,
);
for (const [name, client] of Object.entries(clients)) {
  for (const other of Object.keys(clients)) {
    if (other !== name && count(client, `outage-${other}`) !== 0) fail(`${other}'s outage broadcast crossed without Redis`);
  }
}
if (!all.every((x) => x.c.connected)) fail("a client lost its server during the outage");

// 2. Redis back: every 100 ms each server broadcasts `probe-<name>`; a pair is back when a
// probe of the first server reaches the client of the second.
console.log("RESTART-REDIS");
await until("Redis came back", redisUp, 200);
const up = Date.now();
console.log(`figure: Redis was down ${up - down} ms`);
// When each server subscribed again: its own response channel (`socket.io-response#/#<uid>#`)
// reappears in PUBSUB CHANNELS, asked every 20 ms by a client made now (no backoff).
const watcher = createClient({ url: `redis://127.0.0.1:${redisPort}` });
watcher.on("error", () => {});
await watcher.connect();
const nodeUid = io.of("/").adapter.uid;
const resubscribed = {};
const watching = (async () => {
  while (Object.keys(resubscribed).length < 3 && Date.now() - up < 10000) {
    for (const ch of await watcher.sendCommand(["PUBSUB", "CHANNELS", "socket.io-response#/#?*#"])) {
      const uid = ch.slice("socket.io-response#/#".length, -1);
      resubscribed[uid === nodeUid ? "node" : `ours ${uid}`] ??= Date.now() - up;
    }
    await sleep(20);
  }
})();
const firstAt = (client, event) => client.got.find((e) => e.event === event)?.at;
const pairs = [];
for (const from of Object.keys(clients)) {
  for (const to of Object.keys(clients)) if (from !== to) pairs.push([from, to]);
}
const back = () => pairs.every(([from, to]) => firstAt(clients[to], `probe-${from}`) !== undefined);
for (let i = 0; !back(); i++) {
  if (i > 200) fail(`after Redis came back, not every pair of servers talks: ${JSON.stringify(pairs.filter(([f, t]) => firstAt(clients[t], `probe-${f}`) === undefined))}`);
  for (const [name, client] of Object.entries(clients)) ask(client, "c-broadcast", { event: `probe-${name}` }).catch(() => {});
  await sleep(100);
}
for (const [from, to] of pairs) {
  console.log(`figure: ${from}'s broadcasts reached ${to}'s client ${firstAt(clients[to], `probe-${from}`) - up} ms after Redis was back`);
}
await watching;
await watcher.quit();
console.log(`figure: each server subscribed again (ms after Redis was back): ${JSON.stringify(resubscribed)}`);
for (const [name, at] of Object.entries(ready)) {
  console.log(`figure: node's ${name} client ready again ${at.at(-1) - up} ms after Redis was back`);
}

// The outage broadcasts, once the probes of every pair crossed.
const outage = {};
for (const [from, to] of pairs) outage[`${from}->${to}`] = count(clients[to], `outage-${from}`);
console.log(`figure: broadcasts made during the outage, as received: ${JSON.stringify(outage)}`);
for (const [from, to] of pairs) {
  if (from !== "node" && outage[`${from}->${to}`] !== 1) {
    fail(`${from}'s broadcast made during the outage reached ${to}'s client ${outage[`${from}->${to}`]} times`);
  }
}
console.log("ok: our servers' broadcasts made during the outage reached every other client once");

for (const [name, client] of Object.entries(clients)) {
  await until(`after the outage, ${name}'s fetchSockets lists every client`, async () =>
    listsAll(await ask(client, "c-fetch"), all),
  );
  console.log(`figure: ${name}'s fetchSockets lists every client ${Date.now() - up} ms after Redis was back`);
  const sse = await ask(client, "c-sse");
  if (sse.timeout || sse.responses?.length !== 2) fail(`after the outage, ${name}'s serverSideEmitWithAck gave ${JSON.stringify(sse)}`);
  const bwa = await ask(client, "c-bwa", { ms: 3000 });
  const want = all.map((x) => x.c.id).sort();
  if (bwa.timeout || JSON.stringify([...(bwa.acks ?? [])].sort()) !== JSON.stringify(want)) {
    fail(`after the outage, ${name}'s broadcast with acks gave ${JSON.stringify(bwa)}`);
  }
}
console.log("ok: after the outage, fetchSockets, serverSideEmitWithAck and broadcast with acks work from every server");

// 3. smol frozen, then killed, while node and tokio wait for it. A pattern subscriber (not
// counted by PUBSUB NUMSUB, so no server waits for it) sees the requests cross Redis.
const spy = pub.duplicate();
spy.on("error", () => {});
await spy.connect();
let carried = 0;
await spy.pSubscribe("socket.io-request#*", () => carried++, true);
process.kill(Number(smolPid), "SIGSTOP");
const timed = async (f) => {
  const t = Date.now();
  const r = await f();
  return { ...r, ms: Date.now() - t };
};
const killed = Promise.all([
  timed(async () => {
    try {
      return { sockets: await io.fetchSockets() };
    } catch (e) {
      return { error: String(e) };
    }
  }),
  timed(() => ask(clients.node, "c-bwa", { ms: 3000 })),
  timed(() => ask(clients.tokio, "c-bwa", { ms: 3000 })),
  timed(() => ask(clients.tokio, "c-fetch")),
]);
await until("the four requests crossed Redis", () => carried >= 4);
process.kill(Number(smolPid), "SIGKILL");
const [nodeFetch, nodeBwa, tokioBwa, tokioFetch] = await killed;
if (nodeFetch.error !== "Error: timeout reached while waiting for fetchSockets response" || nodeFetch.ms < 4500) {
  fail(`with smol killed, node's fetchSockets gave ${JSON.stringify(nodeFetch)}`);
}
if (!tokioFetch.error || tokioFetch.ms < 4500) fail(`with smol killed, tokio's fetchSockets gave ${JSON.stringify(tokioFetch)}`);
const survivors = [clients.tokio.c.id, clients.node.c.id].sort();
for (const [name, r] of Object.entries({ node: nodeBwa, tokio: tokioBwa })) {
  if (!r.timeout || r.ms < 2900 || JSON.stringify([...(r.acks ?? [])].sort()) !== JSON.stringify(survivors)) {
    fail(`with smol killed, ${name}'s broadcast with acks gave ${JSON.stringify(r)}, want ${survivors} at the timeout`);
  }
}
console.log(
  `ok: with smol killed mid-request, node's fetchSockets rejected (${nodeFetch.ms} ms), tokio's failed (${tokioFetch.ms} ms), and both broadcasts with acks ended at the timeout (node ${nodeBwa.ms} ms, tokio ${tokioBwa.ms} ms) with the acks of the other two servers' clients`,
);

for (const x of all) x.c.close();
io.close();
await Promise.all([pub.quit(), sub.quit(), spy.quit()]);
console.log("OK");
process.exit(0);
