// The sharded mixed cluster on one Redis 7: two of our e2e-servers (tokio, smol, with
// `--redis-sharded`) and this node server (socket.io 4.8, @socket.io/redis-adapter 8.3's
// createShardedAdapter, default subscriptionMode "dynamic"), a socket.io-client 4.x on each.
// Every operation, started from each server in turn, reaches the clients of every server
// exactly once: broadcasts (all, room on its own shard channel, except), socketsJoin/Leave,
// disconnectSockets, fetchSockets, serverSideEmit with acks, broadcast with acks.
// Prints OK and exits 0, or exits 1 with the reason.
// Usage: node cluster/sharded.mjs <redis-port> <tokio-url> <smol-url>
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { ask, count, deadline, fail, listsAll, openClient, serveNodeSide, until } from "./node-side.mjs";

const [redisPort, tokioUrl, smolUrl] = process.argv.slice(2);
deadline(80000);

const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);
const http = createServer();
const io = new Server(http, { adapter: createShardedAdapter(pub, sub) });
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
await until("tokio and node subscribed the shared room's channel", async () => {
  const counts = await pub.sendCommand(["PUBSUB", "SHARDNUMSUB", "socket.io#/#shared#"]);
  return Number(counts[1]) === 2;
});

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
  // The room now exists on smol alone, which subscribes its shard channel (as node would,
  // asynchronously): wait for that subscription before broadcasting to the room.
  await until(`smol subscribed j-${from}'s channel`, async () => {
    const counts = await pub.sendCommand(["PUBSUB", "SHARDNUMSUB", `socket.io#/#j-${from}#`]);
    return Number(counts[1]) === 1;
  });
  await ask(origin, "c-broadcast", { event: `joined-${from}`, to: `j-${from}` });
  await ask(origin, "c-leave", { room: `j-${from}` });
  // The room emptied on smol, which unsubscribes its channel.
  await until(`smol unsubscribed j-${from}'s channel`, async () => {
    const counts = await pub.sendCommand(["PUBSUB", "SHARDNUMSUB", `socket.io#/#j-${from}#`]);
    return Number(counts[1]) === 0;
  });
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

for (const x of all) x.c.close();
io.close();
await Promise.all([pub.quit(), sub.quit()]);
console.log("OK");
process.exit(0);
