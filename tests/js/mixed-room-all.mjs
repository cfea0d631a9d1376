// One room, three client generations: a socket.io-client 4.x client (node, EIO 4 / Socket.IO v5,
// over WebSocket), a 2.x client (node, EIO 3 / Socket.IO v4, over polling) and a 0.9 client
// (socket.io-client 0.9.16's browser bundle in headless Chromium, the 0.9 protocol, over
// WebSocket) join "mixed"; a 4.x outsider and a 0.9 outsider (over xhr-polling) do not. Each
// member's broadcast to the room with exceptSelf reaches each of the other two members exactly
// once, arguments intact, and nobody else; without exceptSelf it reaches all three members
// (the sender too) once each, and still no outsider.
//
// usage: node mixed-room-all.mjs <server url>
import { ackV2, connectV2 } from "./client-v2/v2lib.mjs";
import { assert, ack, connect, parseArgs, record, run, sleep, step } from "./lib.mjs";
import { inPage, withV09Page } from "./browser-v09/v09page.mjs";

const { url } = parseArgs();

run(
  "4.x, 2.x and 0.9 clients in one room",
  () =>
    withV09Page(url, async (tab) => {
      // the 0.9 clients, in the page: sessions "member" and "outsider"
      const v09 = {
        open: (name, transport) => inPage(tab, ([n, t]) => window.T09.open(n, t), [name, transport]),
        ack: (name, event, ...args) => inPage(tab, ([n, e, a]) => window.T09.ack(n, e, a), [name, event, args]),
        take: (name) => inPage(tab, (n) => window.T09.take(n), name),
      };
      const v4 = (await connect(url, { transports: ["websocket"] })).socket;
      const v2 = (await connectV2(url, { transports: ["polling"] })).socket;
      const v4out = (await connect(url, { transports: ["websocket"] })).socket;
      const v09welcome = await v09.open("member", "websocket");
      await v09.open("outsider", "xhr-polling");
      step(`0.9 member connected as ${v09welcome.id}`);

      // every client, as { ack(event, ...args), take() -> the "news" argument lists since last time }
      const node = (s, ackFn) => {
        const got = record(s, "news");
        return { ack: (e, ...a) => ackFn(s, e, ...a), take: async () => got.splice(0) };
      };
      const clients = {
        v4: node(v4, ack),
        v2: node(v2, ackV2),
        v4out: node(v4out, ack),
        v09: { ack: (e, ...a) => v09.ack("member", e, ...a), take: () => v09.take("member") },
        v09out: { ack: (e, ...a) => v09.ack("outsider", e, ...a), take: () => v09.take("outsider") },
      };
      const members = ["v4", "v2", "v09"];
      const ownId = { v4: v4.id, v2: v2.id, v09: v09welcome.id };

      for (const m of members) {
        const [reply] = await clients[m].ack("join", "mixed");
        assert.ok(reply && Array.isArray(reply.rooms), `${m}: join acks a rooms array: ${JSON.stringify(reply)}`);
        assert.deepEqual(reply.rooms.filter((r) => r !== ownId[m]), ["mixed"], `${m}: rooms after join`);
      }
      assert.deepEqual(await clients.v4.ack("count"), [{ sockets: 5 }], "count: the five clients on /");
      step("a 4.x, a 2.x and a 0.9 client joined mixed; a 4.x and a 0.9 client did not");

      const collect = async () => {
        // a sync point per client: its echo-ack returns after any broadcast sent before it
        await Promise.all(Object.values(clients).map((c) => c.ack("echo-ack", "sync")));
        await sleep(50);
        const out = {};
        for (const [k, c] of Object.entries(clients)) out[k] = await c.take();
        return out;
      };
      const bc = (from, exceptSelf, args) => clients[from].ack("broadcast", { room: "mixed", event: "news", args, exceptSelf });
      const counts = (seen) => Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.length]));

      for (const from of members) {
        const args = [`from ${from}`, { n: members.indexOf(from), s: "✓ 🌍 \"q\"", list: [1, null, true] }];
        assert.deepEqual(await bc(from, true, args), [{ ok: true }], `${from}: broadcast acked`);
        const seen = await collect();
        const want = Object.fromEntries(Object.keys(clients).map((k) => [k, members.includes(k) && k !== from ? 1 : 0]));
        assert.deepEqual(counts(seen), want, `${from}'s broadcast with exceptSelf: how often each client got it`);
        for (const m of members.filter((m) => m !== from)) {
          assert.deepEqual(seen[m][0], args, `${from} -> ${m}: arguments`);
        }
        step(`${from} -> the other two members once each, intact; sender and outsiders nothing`);
      }

      for (const from of members) {
        const args = [`all of mixed from ${from}`];
        assert.deepEqual(await bc(from, false, args), [{ ok: true }], `${from}: broadcast acked`);
        const seen = await collect();
        const want = Object.fromEntries(Object.keys(clients).map((k) => [k, members.includes(k) ? 1 : 0]));
        assert.deepEqual(counts(seen), want, `${from}'s broadcast without exceptSelf: how often each client got it`);
        for (const m of members) assert.deepEqual(seen[m][0], args, `${from} -> ${m}: arguments`);
      }
      step("without exceptSelf: all three members (sender included) once each, outsiders nothing");

      await inPage(tab, () => window.T09.close());
    }),
  { timeoutMs: 75000 },
);
