// One node socket.io 4.8 server with @socket.io/redis-adapter 8.3 and one of ours on the same
// Redis, a socket.io-client on each: a broadcast from each server reaches the other server's
// client, and node's fetchSockets / allRooms list our socket. With `restart`, it then prints
// READY_FOR_RESTART, waits for a line on stdin (Redis was restarted meanwhile) and checks
// broadcasts cross both ways again. Prints OK and exits 0, or exits 1 with the reason.
// Usage: node cluster/interop.mjs <redis-port> <our-server-url> [restart]
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import { io as connect } from "socket.io-client";

const [redisPort, ourUrl, mode] = process.argv.slice(2);
const fail = (why) => {
  console.error(`FAIL: ${why}`);
  process.exit(1);
};
setTimeout(() => fail("timed out"), 30000).unref();

const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
pub.on("error", () => {}); // reconnects by itself; errors while Redis is away are expected
const sub = pub.duplicate();
sub.on("error", () => {});
await Promise.all([pub.connect(), sub.connect()]);
const http = createServer();
const nodeIo = new Server(http, { adapter: createAdapter(pub, sub) });
await new Promise((r) => http.listen(0, "127.0.0.1", r));
nodeIo.on("connection", (s) => s.join("node-room"));
// Server-side emits from our server (node's io.on for serverSideEmit).
const heardByNode = [];
nodeIo.on("hello-servers", (x) => heardByNode.push(x));
nodeIo.on("ping-servers", (x, cb) => cb(["node-pong", x]));

const open = (url) =>
  new Promise((resolve) => {
    const c = connect(url, { transports: ["websocket"] });
    const got = [];
    c.onAny((event, ...args) => got.push([event, args]));
    c.on("q", (cb) => cb(c.id)); // our broadcast with acks asks every client
    c.on("connect", () => resolve({ c, got }));
  });
const onNode = await open(`http://127.0.0.1:${http.address().port}`);
const onOurs = await open(ourUrl);

// Until each side is subscribed, a broadcast reaches only its own server: retry.
const until = async (what, pred, poke) => {
  for (let i = 0; i < 150; i++) {
    if (pred()) return console.log(`ok: ${what}`);
    poke();
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(what);
};
const has = (got, event) => got.find(([e]) => e === event);

await until(
  "node's broadcast reached our client",
  () => has(onOurs.got, "from-node"),
  () => nodeIo.emit("from-node", 1, Buffer.from([4, 5])),
);
const fromNode = has(onOurs.got, "from-node")[1];
if (fromNode[0] !== 1 || !Buffer.from(fromNode[1]).equals(Buffer.from([4, 5]))) {
  fail(`from-node arrived as ${JSON.stringify(fromNode)}`);
}
await until(
  "our broadcast reached node's client",
  () => has(onNode.got, "from-rust"),
  () => onOurs.c.emit("broadcast-please"),
);
const fromRust = has(onNode.got, "from-rust")[1];
if (fromRust[0] !== 7 || !Buffer.from(fromRust[1]).equals(Buffer.from([1, 2, 3]))) {
  fail(`from-rust arrived as ${JSON.stringify(fromRust)}`);
}

// node's serverCount counts us (we SUBSCRIBE to the request channel), and we answer.
const sockets = await nodeIo.fetchSockets();
const ours = sockets.find((s) => s.id === onOurs.c.id);
if (sockets.length !== 2 || !ours || !ours.rooms.has(onOurs.c.id)) {
  fail(`fetchSockets gave ${JSON.stringify(sockets.map((s) => [s.id, [...s.rooms]]))}`);
}
console.log("ok: node's fetchSockets lists our socket");
const rooms = await nodeIo.of("/").adapter.allRooms();
if (!rooms.has(onOurs.c.id) || !rooms.has("node-room")) {
  fail(`allRooms gave ${JSON.stringify([...rooms])}`);
}
console.log("ok: node's allRooms lists our socket's room");

// Our fetchSockets across the cluster lists node's socket with its rooms (retried: our
// server count comes from Redis once a second, so node may not be counted at first).
let remote = [];
await until(
  "our fetchSockets lists node's socket",
  () => remote.some(([id, rooms]) => id === onNode.c.id && rooms.includes("node-room")),
  () => onOurs.c.emit("fetch-please", (list) => (remote = list)),
);

// Our application API across the cluster (node is counted by now: fetch-please saw it).
const ask = (...args) => onOurs.c.timeout(10000).emitWithAck(...args);
const [sse, sseTimedOut] = await ask("sse-please");
if (sseTimedOut || JSON.stringify(sse) !== JSON.stringify([["node-pong", "from-rust"]])) {
  fail(`our serverSideEmitWithAck gave ${JSON.stringify([sse, sseTimedOut])}`);
}
await until("our serverSideEmit reached node", () => heardByNode.includes(1), () => {});
if (heardByNode.length !== 1) fail(`node heard ${JSON.stringify(heardByNode)}`);
console.log("ok: our serverSideEmit, with and without acks, reached node");
const answers = await nodeIo.serverSideEmitWithAck("node-asks", 41);
if (JSON.stringify(answers) !== JSON.stringify([["rust-answer", 42]])) {
  fail(`node's serverSideEmitWithAck gave ${JSON.stringify(answers)}`);
}
nodeIo.serverSideEmit("node-tells", "psst");
await until("node's serverSideEmit reached our handler", () => has(onOurs.got, "heard"), () => {});
if (has(onNode.got, "heard")) fail("our local broadcast reached node's client");
console.log("ok: node's serverSideEmit, with and without acks, reached our handlers");
const [allRooms, count] = await ask("rooms-please");
for (const room of ["node-room", onNode.c.id, onOurs.c.id]) {
  if (!allRooms.includes(room)) fail(`our all_rooms gave ${JSON.stringify(allRooms)}`);
}
if (count !== 2) fail(`our server_count gave ${count}`);
console.log("ok: our all_rooms and server_count cover node's server");
const [localAcks, remoteAcks, bwaTimedOut] = await ask("bwa-please");
if (
  bwaTimedOut ||
  JSON.stringify(localAcks) !== JSON.stringify([onOurs.c.id]) ||
  JSON.stringify(remoteAcks) !== JSON.stringify([onNode.c.id])
) {
  fail(`our broadcast with acks gave ${JSON.stringify([localAcks, remoteAcks, bwaTimedOut])}`);
}
console.log("ok: our broadcast with acks gathered node's client's ack");

// Our remote sockets (node's RemoteSocket): emit, join, leave, and disconnect at the end.
const nodeSocket = () => nodeIo.of("/").sockets.get(onNode.c.id);
if ((await ask("remote-please", "emit-join")) !== 1) fail("remote-please did not list 1");
await until(
  "our remote socket's emit and join reached node's socket",
  () => has(onNode.got, "to-you") && nodeSocket().rooms.has("joined-by-rust"),
  () => {},
);
const toYou = onNode.got.filter(([e]) => e === "to-you");
if (toYou.length !== 1 || toYou[0][1][0] !== onNode.c.id) fail(`to-you: ${JSON.stringify(toYou)}`);
await ask("remote-please", "leave");
await until("our remote socket's leave", () => !nodeSocket().rooms.has("joined-by-rust"), () => {});
console.log("ok: our remote sockets emit, join and leave on node's server");

if (mode === "restart") {
  console.log("READY_FOR_RESTART");
  await new Promise((r) => process.stdin.once("data", r));
  const before = [onNode.got.length, onOurs.got.length];
  await until(
    "after the restart, node's broadcast reached our client",
    () => onOurs.got.slice(before[1]).some(([e]) => e === "after-restart-node"),
    () => nodeIo.emit("after-restart-node"),
  );
  await until(
    "after the restart, our broadcast reached node's client",
    () => onNode.got.slice(before[0]).some(([e]) => e === "from-rust"),
    () => onOurs.c.emit("broadcast-please"),
  );
}

if (mode !== "restart") {
  await ask("remote-please", "disconnect");
  await until("our remote socket's disconnect", () => !onNode.c.connected, () => {});
  if (!onOurs.c.connected) fail("our own client was disconnected too");
  console.log("ok: our remote socket's disconnect reached node's client");
}

onNode.c.close();
onOurs.c.close();
nodeIo.close();
await Promise.all([pub.quit(), sub.quit()]);
console.log("OK");
process.exit(0);
