// Reference implementation of the e2e test application (CONTRACTS.md F2) on node's own
// `socket.io` 4.8 server. It exists to prove the client scripts right: every script must pass
// against this server before its result against our `e2e-server` means anything.
//
// Same command-line contract as `e2e-server`:
//   node reference-server.mjs [--port N] [--ping-interval-ms N] [--ping-timeout-ms N]
//     [--recovery-ms N] [--parser default|msgpack] [--runtime X] [--redis-streams URL]
// `--recovery-ms N` turns connectionStateRecovery on with maxDisconnectionDuration N.
// `--parser msgpack` serves socket.io-msgpack-parser's packets instead of the default parser's.
// `--redis-streams URL` makes it one server of a cluster on that Redis with
// @socket.io/redis-streams-adapter (as e2e-server's flag of the same name).
// `--redis URL` makes it one server of a cluster on that Redis (@socket.io/redis-adapter's
// createAdapter), `--redis-sharded URL` the same with createShardedAdapter, as e2e-server.
// `--port 0` (the default) picks a free port; when listening it prints exactly one line
// `LISTENING <port>` on stdout. On stdin EOF it closes gracefully (every socket is disconnected
// with "server shutting down") and exits 0. `--runtime` is accepted and ignored so the Rust
// harness can start either server with the same arguments.
//
// Where node can only approximate the contract, it says so below:
// - "auth or null": node turns a CONNECT without auth into `{}`; the contract says `null`, so an
//   empty auth object is reported as null (a client that sends `{}` explicitly also sees null).
import http from "node:http";
import { Server } from "socket.io";
import msgpackParser from "socket.io-msgpack-parser";
import { instrument } from "@socket.io/admin-ui";

function parseArgs(argv) {
  const opts = { port: 0, pingIntervalMs: undefined, pingTimeoutMs: undefined, recoveryMs: undefined, admin: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const num = () => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 0) {
        console.error(`reference-server: ${flag} needs a non-negative integer`);
        process.exit(2);
      }
      i++;
      return n;
    };
    switch (flag) {
      case "--port": opts.port = num(); break;
      case "--ping-interval-ms": opts.pingIntervalMs = num(); break;
      case "--ping-timeout-ms": opts.pingTimeoutMs = num(); break;
      case "--recovery-ms": opts.recoveryMs = num(); break;
      case "--parser": opts.parser = value; i++; break;
      case "--runtime": i++; break;
      case "--redis-streams": opts.redisStreams = value; i++; break;
      case "--redis": opts.redis = value; i++; break;
      case "--redis-sharded": opts.redis = value; opts.sharded = true; i++; break;
      // The admin UI (no auth, development mode) in place of the test namespace /admin.
      case "--admin": opts.admin = true; break;
      default:
        console.error(`reference-server: unknown argument ${flag}`);
        process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const httpServer = http.createServer();
let adapter;
if (opts.redisStreams) {
  const { createClient } = await import("redis");
  const { createAdapter } = await import("@socket.io/redis-streams-adapter");
  const client = createClient({ url: opts.redisStreams });
  await client.connect();
  adapter = createAdapter(client);
} else if (opts.redis) {
  const { createClient } = await import("redis");
  const { createAdapter, createShardedAdapter } = await import("@socket.io/redis-adapter");
  const pub = createClient({ url: opts.redis });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  adapter = (opts.sharded ? createShardedAdapter : createAdapter)(pub, sub);
}
const io = new Server(httpServer, {
  path: "/socket.io/",
  ...(adapter && { adapter }),
  allowEIO3: true,
  ...(opts.admin && { cors: { origin: true, credentials: true } }),
  ...(opts.pingIntervalMs !== undefined && { pingInterval: opts.pingIntervalMs }),
  ...(opts.pingTimeoutMs !== undefined && { pingTimeout: opts.pingTimeoutMs }),
  ...(opts.parser === "msgpack" && { parser: msgpackParser }),
  ...(opts.recoveryMs !== undefined && {
    connectionStateRecovery: { maxDisconnectionDuration: opts.recoveryMs },
  }),
});

/** The auth a client sent, or null when it sent none (node reports an absent auth as {}). */
function authOf(socket) {
  const auth = socket.handshake.auth;
  if (auth === undefined || auth === null) return null;
  if (typeof auth === "object" && !Array.isArray(auth) && Object.keys(auth).length === 0) return null;
  return auth;
}

/** The socket's rooms, sorted (node includes the socket's own id room, as our server may). */
function roomsOf(socket) {
  return { rooms: [...socket.rooms].sort() };
}

/** Splits an event's arguments into (args, ack) when the client asked for an ack. */
function splitAck(args) {
  if (args.length > 0 && typeof args[args.length - 1] === "function") {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

function setUp(nsp) {
  nsp.on("connection", (socket) => {
    const auth = authOf(socket);
    // admin-ui 0.5.1 wraps socket.data in proxies and throws on a null value: keep it out.
    if (auth !== null || !opts.admin) socket.data.auth = auth;
    socket.emit("welcome", { id: socket.id, nsp: nsp.name, auth });

    socket.on("echo", (...args) => {
      socket.emit("echo", ...args);
    });

    socket.on("echo-ack", (...all) => {
      const [args, ack] = splitAck(all);
      if (ack) ack(...args);
    });

    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack(roomsOf(socket));
    });

    socket.on("leave", (room, ack) => {
      socket.leave(room);
      if (typeof ack === "function") ack(roomsOf(socket));
    });

    socket.on("broadcast", (req, ack) => {
      const { room = null, event, args = [], exceptSelf = false } = req ?? {};
      let target = exceptSelf ? socket.broadcast : nsp;
      if (room !== null && room !== undefined) target = target.to(room);
      target.emit(event, ...args);
      if (typeof ack === "function") ack({ ok: true });
    });

    socket.on("ask", (question, ack) => {
      socket.timeout(2000).emit("question", question, (err, answer) => {
        if (typeof ack !== "function") return;
        ack(err ? { error: "timeout" } : { answer });
      });
    });

    socket.on("binary", (ack) => {
      const bytes = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) bytes[i] = i;
      if (typeof ack === "function") ack(bytes);
    });

    socket.on("disconnect-me", () => {
      socket.disconnect(false);
    });

    // The server cuts the client's connection, as a network failure would.
    socket.on("drop-connection", () => {
      socket.conn.close();
    });

    socket.on("count", (ack) => {
      if (typeof ack === "function") ack({ sockets: nsp.sockets.size });
    });

    // The argument-rule events: what node sends for ack(5), ack("ok"), ack("a", 1),
    // ack([1, 2]) and emit("vec", [1, 2, 3]).
    socket.on("ack-number", (ack) => ack(5));
    socket.on("ack-string", (ack) => ack("ok"));
    socket.on("ack-pair", (ack) => ack("a", 1));
    socket.on("ack-vec", (ack) => ack([1, 2]));
    socket.on("send-vec", () => socket.emit("vec", [1, 2, 3]));

    socket.on("disconnect", (reason) => {
      nsp.emit("left", { id: socket.id, reason });
    });
  });
}

setUp(io.of("/"));

if (opts.admin) {
  instrument(io, { auth: false, mode: "development" });
} else {
const admin = io.of("/admin");
admin.use((socket, next) => {
  const auth = socket.handshake.auth;
  if (auth && auth.token === "secret") return next();
  const err = new Error("unauthorized");
  err.data = { reason: "bad token" };
  next(err);
});
setUp(admin);
}

httpServer.listen(opts.port, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${httpServer.address().port}\n`);
});

// Graceful shutdown on stdin EOF: disconnect every socket, close the listener, exit 0.
let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  io.close(() => process.exit(0));
  httpServer.closeAllConnections();
  // Never hang on a stuck connection: exit anyway after a grace period.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
process.on("SIGTERM", shutdown);
