// The admin UI's protocol (@socket.io/admin-ui 0.5, no auth, development mode) with
// socket.io-client as the admin client: config, all_sockets, live updates, each command,
// server_stats. The same script runs against node's own server with `instrument()`
// (E2E_SERVER=node), which is how we know the expectations are node's.
import { assert, connect, io, once, parseArgs, run, step, track } from "../lib.mjs";

const { url } = parseArgs();
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Every `event` of `socket` from now on, and a way to wait for one that matches. */
function inbox(socket, events) {
  const seen = [];
  const waiters = [];
  for (const event of events) {
    socket.on(event, (...args) => {
      seen.push({ event, args });
      for (const w of [...waiters]) w();
    });
  }
  return {
    seen,
    next(event, pred = () => true, ms = 5000) {
      return new Promise((resolve, reject) => {
        let from = 0;
        const check = () => {
          for (; from < seen.length; from++) {
            const e = seen[from];
            if (e.event === event && pred(...e.args)) {
              waiters.splice(waiters.indexOf(check), 1);
              clearTimeout(t);
              resolve(e.args);
              return;
            }
          }
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no ${event} matching within ${ms} ms; seen ${JSON.stringify(seen.map((e) => e.event))}`));
        }, ms);
        waiters.push(check);
        check();
      });
    },
  };
}

const LIVE = ["config", "all_sockets", "server_stats", "socket_connected", "socket_updated",
  "socket_disconnected", "room_joined", "room_left", "event_received", "event_sent"];

run("admin UI protocol", async () => {
  const admin = io(url + "/admin", { forceNew: true, reconnection: false });
  track(admin);
  const box = inbox(admin, LIVE);
  const [config] = await box.next("config");
  assert.deepEqual(config.supportedFeatures, ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN",
    "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"]);
  const [all] = await box.next("all_sockets");
  const own = all.find((s) => s.id === admin.id);
  assert.ok(own, `all_sockets lists the admin socket itself: ${JSON.stringify(all)}`);
  assert.equal(own.nsp, "/admin");
  assert.equal(own.clientId, admin.io.engine.id.slice(0, 12));
  assert.ok(own.rooms.includes(admin.id));
  step(`config and all_sockets (${all.length} sockets)`);

  // A user connects: its own room first, then socket_connected with the serialized socket.
  const user = (await connect(url, { transports: ["websocket"] })).socket;
  const [nsp, room, id, date] = await box.next("room_joined", (n, r, i) => i === user.id);
  assert.deepEqual([nsp, room], ["/", user.id]);
  assert.match(date, ISO);
  const joinedAt = box.seen.findIndex((e) => e.event === "room_joined" && e.args[2] === user.id);
  const [s, when] = await box.next("socket_connected", (s) => s.id === user.id);
  assert.ok(box.seen.findIndex((e) => e.event === "socket_connected" && e.args[0].id === user.id) > joinedAt,
    "room_joined of its own room before socket_connected");
  assert.match(when, ISO);
  assert.equal(s.nsp, "/");
  assert.equal(s.clientId, user.io.engine.id.slice(0, 12));
  assert.equal(s.transport, "websocket");
  assert.deepEqual(s.rooms, [user.id]);
  assert.deepEqual(s.data, {});
  for (const k of ["address", "headers", "query", "issued", "secure", "time", "url", "xdomain"]) {
    assert.ok(k in s.handshake, `handshake.${k} in ${JSON.stringify(s.handshake)}`);
  }
  assert.equal(s.handshake.query.EIO, "4");
  assert.equal(typeof s.handshake.issued, "number");
  step("socket_connected");

  // Events both ways are reported with the event name first.
  user.emit("echo", "hi", 1);
  const [rn, rid, rargs, rdate] = await box.next("event_received", (n, i) => i === user.id);
  assert.deepEqual([rn, rargs], ["/", ["echo", "hi", 1]]);
  assert.match(rdate, ISO);
  await box.next("event_sent", (n, i, a) => i === user.id && a[0] === "echo");
  step("event_received, event_sent");

  // emit(nsp, filter, event, ...args): the filter is a room (the socket's id).
  const got = once(user, "from-admin");
  admin.emit("emit", "/", user.id, "from-admin", "a", 2);
  assert.deepEqual(await got, ["a", 2]);
  step("emit");

  // join/leave(nsp, room, filter)
  admin.emit("join", "/", "r1", user.id);
  await box.next("room_joined", (n, r, i) => r === "r1" && i === user.id);
  admin.emit("leave", "/", "r1", user.id);
  await box.next("room_left", (n, r, i) => r === "r1" && i === user.id);
  step("join, leave");

  // server_stats every 2 s: fields, counts, aggregated events rounded to the second.
  const [stats] = await box.next("server_stats", (x) => x.clientsCount >= 2, 4500);
  for (const k of ["serverId", "hostname", "pid", "uptime", "clientsCount", "pollingClientsCount",
    "aggregatedEvents", "namespaces"]) {
    assert.ok(k in stats, `server_stats.${k}: ${JSON.stringify(stats)}`);
  }
  assert.ok(stats.clientsCount >= 2, "the UI's own connection and the user's");
  const names = Object.fromEntries(stats.namespaces.map((n) => [n.name, n.socketsCount]));
  assert.ok(names["/"] >= 1 && names["/admin"] >= 1, JSON.stringify(stats.namespaces));
  // Gather two sends' worth of aggregated events (the first may predate the user).
  const [stats2] = await box.next("server_stats", (x) => x !== stats, 4000);
  const events = [...stats.aggregatedEvents, ...stats2.aggregatedEvents];
  const sum = (type) => events.filter((e) => e.type === type).reduce((a, e) => a + e.count, 0);
  for (const e of events) assert.equal(e.timestamp % 1000, 0, "rounded down to the second");
  assert.ok(sum("packetsIn") >= 1 && sum("bytesIn") > sum("packetsIn"), JSON.stringify(events));
  assert.ok(sum("packetsOut") >= 1 && sum("bytesOut") > sum("packetsOut"), JSON.stringify(events));
  step(`server_stats: ${JSON.stringify(stats2)}`);

  // _disconnect(nsp, close, filter): the user's socket is disconnected by the server.
  const userId = user.id;
  const reason = once(user, "disconnect");
  admin.emit("_disconnect", "/", false, user.id);
  assert.equal((await reason)[0], "io server disconnect");
  const [dn, did, dreason, ddate] = await box.next("socket_disconnected", (n, i) => i === userId);
  assert.deepEqual([dn, dreason], ["/", "server namespace disconnect"]);
  assert.match(ddate, ISO);
  step("_disconnect");

  // A second user sees new raw connections in the next stats.
  const other = (await connect(url, {})).socket;
  const [stats3] = await box.next("server_stats",
    (x) => x.aggregatedEvents.some((e) => e.type === "rawConnection"), 4500);
  assert.ok(stats3.pollingClientsCount >= 0);
  const otherId = other.id;
  other.disconnect();
  const [, , r2] = await box.next("socket_disconnected", (n, i) => i === otherId);
  assert.equal(r2, "client namespace disconnect");
  step("rawConnection counted; client disconnect reported");
});
