#!/usr/bin/env node
// Reference server for the Socket.IO 0.9 scripts (browser-v09/, mixed-room-all.mjs,
// ../py/client_v09.py): node's own socket.io 0.9.19 serves the 0.9 protocol at /socket.io/1/
// and socket.io 4.8 (tests/js/node_modules, Engine.IO 3 allowed) serves 4.x and 2.x clients on
// the same port, both running the e2e application (tests/src/app.rs) for the events the scripts
// use. It only exists to prove those scripts right; it is not part of the test run.
//
// socket.io 0.9 is not a dependency of tests/js: install it elsewhere, then point the harness here:
//   npm install --prefix /tmp/ref09 socket.io@0.9.19
//   REF09_DIR=/tmp/ref09 E2E_SERVER=$PWD/tests/js/reference-server-v09.cjs \
//     cargo test -p socketio-e2e-tests --test legacy_v09
//
// Same command line as e2e-server (--runtime ignored). Where the two halves share state: a room
// broadcast reaches the room on both servers, and "count" adds both servers' sockets.
// Where node can only approximate the contract: the 0.9 welcome's id is the session id on every
// namespace (node 0.9 has one socket id per session), and the auth of a 0.9 socket is the
// handshake's query minus `t` and `jsonp` (null when nothing is left).
"use strict";
const http = require("node:http");
const path = require("node:path");
const { createRequire } = require("node:module");

const ref09 = createRequire(path.join(process.env.REF09_DIR || "/tmp/ref09", "node_modules", "x.js"));
const io09lib = ref09("socket.io");
const { Server } = require("socket.io");

const opts = { port: 0, pingIntervalMs: 25000, pingTimeoutMs: 20000 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const v = argv[i + 1];
  switch (argv[i]) {
    case "--port": opts.port = Number(v); break;
    case "--ping-interval-ms": opts.pingIntervalMs = Number(v); break;
    case "--ping-timeout-ms": opts.pingTimeoutMs = Number(v); break;
    case "--runtime": break;
    default:
      console.error(`reference-server-v09: unknown argument ${argv[i]}`);
      process.exit(2);
  }
}

// One listening server; each half gets requests through its own (never listening) http.Server.
const front = http.createServer();
const srv09 = http.createServer();
const srv4 = http.createServer();
const is09 = (url) => url.startsWith("/socket.io/1/") || url === "/socket.io/1";
front.on("request", (req, res) => {
  if (process.env.REF09_TRACE && is09(req.url)) {
    // REF09_TRACE=1: what the 0.9 clients send (requests and POST bodies) on stderr
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => console.error(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`));
  }
  (is09(req.url) ? srv09 : srv4).emit("request", req, res);
});
front.on("upgrade", (req, sock, head) => (is09(req.url) ? srv09 : srv4).emit("upgrade", req, sock, head));

// Contract: heartbeat timeout and close timeout = interval + timeout, in whole seconds.
const hbTimeoutS = Math.ceil((opts.pingIntervalMs + opts.pingTimeoutMs) / 1000);
const io09 = io09lib.listen(srv09, {
  log: false,
  "flash policy server": false,
  transports: ["websocket", "xhr-polling", "jsonp-polling"],
  "heartbeat interval": Math.max(1, Math.round(opts.pingIntervalMs / 1000)),
  "heartbeat timeout": hbTimeoutS,
  "close timeout": hbTimeoutS,
  // node 0.9 sends no heartbeats on polling transports but ends a held poll with a noop after
  // "polling duration"; the 0.9 client drops a polling connection that stays silent for the
  // close timeout, so a poll must end well within it.
  "polling duration": Math.max(1, Math.round(opts.pingIntervalMs / 1000)),
});
const io4 = new Server(srv4, {
  path: "/socket.io/",
  allowEIO3: true,
  pingInterval: opts.pingIntervalMs,
  pingTimeout: opts.pingTimeoutMs,
});

function splitAck(args) {
  if (args.length > 0 && typeof args[args.length - 1] === "function") {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

/** Broadcast to `room` (or the namespace) on both halves; `except` = the sender's own half. */
function broadcast(nspName, { room = null, event, args = [], exceptSelf = false }, sender) {
  let t4 = io4.of(nspName);
  if (room !== null && room !== undefined) t4 = t4.to(room);
  if (exceptSelf && sender.kind === "4") t4 = t4.except(sender.socket.id);
  t4.emit(event, ...args);
  let t09 = io09.of(nspName === "/" ? "" : nspName);
  if (room !== null && room !== undefined) t09 = t09.in(room);
  if (exceptSelf && sender.kind === "09") t09 = t09.except(sender.socket.id);
  t09.emit.apply(t09, [event, ...args]);
}

const count = (nspName) => io4.of(nspName).sockets.size + io09.of(nspName === "/" ? "" : nspName).clients().length;

// --- the 0.9 half ---------------------------------------------------------------------------
function authOf09(socket) {
  const q = { ...(socket.handshake.query || {}) };
  delete q.t;
  delete q.jsonp;
  return Object.keys(q).length ? q : null;
}

function setUp09(nsp, nspName) {
  nsp.on("connection", (socket) => {
    const rooms = new Set([socket.id]);
    socket.emit("welcome", { id: socket.id, nsp: nspName, auth: authOf09(socket) });
    socket.on("echo", (...args) => socket.emit.apply(socket, ["echo", ...args]));
    socket.on("echo-ack", (...all) => {
      const [args, ack] = splitAck(all);
      if (ack) ack(...args);
    });
    socket.on("join", (room, ack) => {
      socket.join(room);
      rooms.add(room);
      if (typeof ack === "function") ack({ rooms: [...rooms].sort() });
    });
    socket.on("leave", (room, ack) => {
      socket.leave(room);
      rooms.delete(room);
      if (typeof ack === "function") ack({ rooms: [...rooms].sort() });
    });
    socket.on("broadcast", (req, ack) => {
      broadcast(nspName, req || {}, { kind: "09", socket });
      if (typeof ack === "function") ack({ ok: true });
    });
    socket.on("ask", (question, ack) => {
      let done = false;
      const t = setTimeout(() => {
        done = true;
        if (typeof ack === "function") ack({ error: "timeout" });
      }, 2000);
      socket.emit("question", question, (answer) => {
        if (done) return;
        clearTimeout(t);
        if (typeof ack === "function") ack({ answer });
      });
    });
    socket.on("disconnect-me", () => socket.disconnect());
    socket.on("count", (ack) => {
      if (typeof ack === "function") ack({ sockets: count(nspName) });
    });
    socket.on("disconnect", (reason) => {
      nsp.emit("left", { id: socket.id, reason: String(reason) });
    });
  });
}
setUp09(io09.of(""), "/");
const admin09 = io09.of("/admin");
admin09.authorization((handshake, cb) => cb(null, (handshake.query || {}).token === "secret"));
setUp09(admin09, "/admin");

// --- the 4.x / 2.x half -----------------------------------------------------------------------
function authOf4(socket) {
  const a = socket.handshake.auth;
  return a && typeof a === "object" && Object.keys(a).length ? a : null;
}

function setUp4(nsp) {
  nsp.on("connection", (socket) => {
    socket.emit("welcome", { id: socket.id, nsp: nsp.name, auth: authOf4(socket) });
    socket.on("echo", (...args) => socket.emit("echo", ...args));
    socket.on("echo-ack", (...all) => {
      const [args, ack] = splitAck(all);
      if (ack) ack(...args);
    });
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack({ rooms: [...socket.rooms].sort() });
    });
    socket.on("leave", (room, ack) => {
      socket.leave(room);
      if (typeof ack === "function") ack({ rooms: [...socket.rooms].sort() });
    });
    socket.on("broadcast", (req, ack) => {
      broadcast(nsp.name, req || {}, { kind: "4", socket });
      if (typeof ack === "function") ack({ ok: true });
    });
    socket.on("count", (ack) => {
      if (typeof ack === "function") ack({ sockets: count(nsp.name) });
    });
    socket.on("disconnect-me", () => socket.disconnect(false));
    socket.on("disconnect", (reason) => nsp.emit("left", { id: socket.id, reason }));
  });
}
setUp4(io4.of("/"));

front.listen(opts.port, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${front.address().port}\n`);
});
const bye = () => process.exit(0);
process.stdin.on("end", bye);
process.stdin.on("close", bye);
process.stdin.resume();
process.on("SIGTERM", bye);
