// Shared helpers of the client scripts: argument parsing, an overall timeout so a script never
// hangs, waiting for events with timeouts, and connecting socket.io clients that report their
// "welcome" event. Each script is a plain program: exit 0 on success, 1 with a message on failure.
import assert from "node:assert/strict";
import { io, Manager } from "socket.io-client";

export { assert, io, Manager };

/**
 * Parses `<url> [--reference node]`. `--reference node` says the server is node's own socket.io
 * (tests/js/reference-server.mjs), for the few answers where node differs from our contract.
 */
export function parseArgs() {
  const args = process.argv.slice(2);
  const url = args.find((a) => !a.startsWith("--"));
  if (!url) {
    console.error(`usage: node ${process.argv[1]} <server url> [--reference node]`);
    process.exit(2);
  }
  const refIdx = args.indexOf("--reference");
  const reference = refIdx >= 0 ? args[refIdx + 1] : null;
  return { url: url.replace(/\/$/, ""), reference, isNodeReference: reference === "node" };
}

const sockets = new Set();

/** Has `run` disconnect `socket` before the script exits (any client with `disconnect()`). */
export function track(socket) {
  sockets.add(socket);
  return socket;
}

/**
 * Runs `body` with an overall timeout; prints PASS/FAIL and exits 0/1. Every socket made with
 * `connect` or given to `track` is closed before exiting so the server sees well-behaved clients.
 */
export function run(name, body, { timeoutMs = 20000 } = {}) {
  const started = Date.now();
  const timer = setTimeout(() => {
    console.error(`FAIL ${name}: overall timeout after ${timeoutMs} ms`);
    process.exit(1);
  }, timeoutMs);
  Promise.resolve()
    .then(body)
    .then(
      () => {
        clearTimeout(timer);
        closeAll();
        console.log(`PASS ${name} (${Date.now() - started} ms)`);
        // let the disconnect packets leave before the process ends
        setTimeout(() => process.exit(0), 50);
      },
      (err) => {
        clearTimeout(timer);
        closeAll();
        console.error(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
        process.exit(1);
      },
    );
}

function closeAll() {
  for (const s of sockets) {
    try {
      s.disconnect();
    } catch {
      // already gone
    }
  }
}

/** Prints a progress line (shown by the Rust harness when a test fails). */
export function step(msg) {
  console.log(`- ${msg}`);
}

/** Resolves with the argument list of the next `event` on `emitter`, or rejects after `ms`. */
export function once(emitter, event, ms = 5000, what = event) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    function handler(...args) {
      clearTimeout(t);
      emitter.off(event, handler);
      resolve(args);
    }
    emitter.on(event, handler);
  });
}

/** Records every `event` on `emitter` so a test can later assert what arrived (or did not). */
export function record(emitter, event) {
  const got = [];
  emitter.on(event, (...args) => got.push(args));
  return got;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Deep comparison with binaries (Buffer, ArrayBuffer, views) normalised to their hex. */
export function assertSameArgs(got, want, what) {
  const norm = (v) => {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return { bin: toBuffer(v).toString("hex") };
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
    return v;
  };
  assert.deepEqual(norm(got), norm(want), what);
}

/**
 * Creates a socket (forceNew: its own engine connection unless `manager` is given), connects it
 * and resolves with `{ socket, welcome }` once the server's "welcome" arrived.
 * Rejects on connect_error (with the error as `cause`) or timeout. `client` is the `io` function
 * of the client package (socket.io-client 4.x by default); `refusedEvent` names the event by which
 * that client reports a refused namespace when it is not connect_error (2.x: "error"), whose
 * payload the rejection carries as `refused`.
 */
export async function connect(
  url,
  { nsp = "/", manager = null, ms = 5000, client = io, refusedEvent = null, ...opts } = {},
) {
  const socket = manager
    ? manager.socket(nsp, opts)
    : client(url + nsp, { forceNew: true, reconnection: false, autoConnect: false, ...opts });
  track(socket);
  const welcome = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no welcome on ${nsp} within ${ms} ms`)), ms);
    socket.once("welcome", (w) => {
      clearTimeout(t);
      resolve(w);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(t);
      const e = new Error(`connect_error on ${nsp}: ${err && err.message ? err.message : err}`);
      e.cause = err;
      reject(e);
    });
    if (refusedEvent) {
      socket.once(refusedEvent, (payload) => {
        clearTimeout(t);
        const e = new Error(`${nsp} refused: ${JSON.stringify(payload)}`);
        e.refused = payload;
        reject(e);
      });
    }
  });
  socket.connect();
  const w = await welcome;
  return { socket, welcome: w };
}

/** Emits with an ack and a timeout; resolves with the ack's argument list. */
export async function ack(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(5000).emit(event, ...args, (err, ...reply) => {
      if (err) reject(new Error(`no ack for "${event}" within 5000 ms`));
      else resolve(reply);
    });
  });
}

/** Asserts the welcome payload of the contract for `socket` on `nsp` with `auth`. */
export function assertWelcome(welcome, socket, nsp, auth) {
  assert.equal(typeof welcome, "object", "welcome payload is an object");
  assert.equal(welcome.id, socket.id, "welcome.id is the socket id");
  assert.equal(welcome.nsp, nsp, "welcome.nsp");
  assert.deepEqual(welcome.auth, auth, "welcome.auth");
}

/** The bytes 0..=255. */
export function allBytes() {
  const b = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) b[i] = i;
  return b;
}

/** Normalises a received binary value (Buffer in node, ArrayBuffer elsewhere) to a Buffer. */
export function toBuffer(v) {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new Error(`expected binary, got ${typeof v}: ${JSON.stringify(v)}`);
}

/** Rooms from a join/leave ack, without the socket's own id room (node keeps it, ours may not). */
export function roomsWithoutOwn(reply, socket) {
  assert.ok(reply && Array.isArray(reply.rooms), `ack has a rooms array: ${JSON.stringify(reply)}`);
  const sorted = [...reply.rooms].sort();
  assert.deepEqual(reply.rooms, sorted, "rooms are sorted");
  return reply.rooms.filter((r) => r !== socket.id);
}
