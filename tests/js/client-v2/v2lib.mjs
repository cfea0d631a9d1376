// Helpers of the socket.io-client 2.x scripts (Engine.IO v3 / Socket.IO v4 protocol), the
// counterparts of lib.mjs's `connect` and `ack`: a 2.x client has no `auth` option (a namespace's
// query string is what the server sees as its auth), no `socket.timeout()`, and reports a refused
// namespace as an "error" event carrying the server's payload (not "connect_error").
import ioV2 from "socket.io-client-v2";
import { assert, assertSameArgs, allBytes, connect, once, step, toBuffer } from "../lib.mjs";

export { ioV2 };

/** socket.io-client 2.x's Manager (one engine connection, several namespaces). */
export const ManagerV2 = ioV2.Manager;

/**
 * Creates a 2.x socket (forceNew: its own engine connection unless `manager` is given), connects
 * it and resolves with `{ socket, welcome }` once the server's "welcome" arrived. Rejects on
 * timeout, on "connect_error" (the engine connection failed) and on "error" (the namespace was
 * refused): that error's `refused` holds the payload the server sent.
 */
export function connectV2(url, opts = {}) {
  return connect(url, { client: ioV2, refusedEvent: "error", ...opts });
}

/**
 * Asserts the welcome payload of the contract for a 2.x `socket` on `nsp` with `auth` (a query
 * object, or null). A 2.x client is never told its socket id: it derives it from the engine
 * connection's id, `<engine id>` on "/" and `<nsp>#<engine id>` elsewhere, and node gives EIO 3
 * sockets exactly that id, so that the id a 2.x client knows (for a room of its own, `left`
 * events, ...) is the server's.
 */
export function assertWelcomeV2(welcome, socket, nsp, auth) {
  assert.equal(typeof welcome, "object", "welcome payload is an object");
  assert.equal(welcome.nsp, nsp, "welcome.nsp");
  assert.deepEqual(welcome.auth, auth, "welcome.auth");
  const engineId = socket.io.engine.id;
  assert.equal(socket.id, nsp === "/" ? engineId : `${nsp}#${engineId}`, "the 2.x client's own socket id");
  assert.equal(welcome.id, socket.id, `welcome.id is the id the 2.x client derived (${nsp === "/" ? "" : `${nsp}#`}<engine id>)`);
}

/**
 * A 2.x socket on "/" (see `connectV2`) whose welcome was checked, the id it derived included
 * (the scripts that compare ids in rooms and "left" events need it).
 */
export async function connectRootV2(url, opts = {}) {
  const { socket, welcome } = await connectV2(url, opts);
  assertWelcomeV2(welcome, socket, "/", null);
  return socket;
}

/** Emits with an ack and a 5 s timeout; resolves with the ack's argument list. */
export function ackV2(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ack for "${event}" within 5000 ms`)), 5000);
    socket.emit(event, ...args, (...reply) => {
      clearTimeout(t);
      resolve(reply);
    });
  });
}

export { assertSameArgs };

/**
 * Records the raw payloads the engine's current transport receives (strings, or binary as a
 * Buffer), to check which framing the server chose. Only packets that arrive after this call.
 */
export function recordRaw(socket) {
  const transport = socket.io.engine.transport;
  const raw = [];
  const onData = transport.onData;
  transport.onData = function (data) {
    raw.push(typeof data === "string" ? data : toBuffer(data));
    return onData.call(this, data);
  };
  return raw;
}

const jsonShapes = [
  ["hello", 42],
  [{ nested: { deep: [1, { k: "v" }] }, empty: {}, list: [] }, true, null],
  // non-ASCII and astral characters: an EIO 3 polling payload counts lengths in UTF-16 units
  ["héllo wörld ✓ 🌍 \"quoted\" \\ back\nslash", "🌍🌍"],
  ["x".repeat(50000)],
];

const binaryShapes = [
  [Buffer.from([1, 2, 3])],
  ["text", Buffer.from("abc"), 5, { k: Buffer.from([9]) }],
  [{ list: [Buffer.from([1]), { deeper: Buffer.from([0, 255]) }] }],
  [Buffer.alloc(0)],
];

/**
 * What every transport script does once connected: echo and echo-ack of JSON and binary
 * arguments (client to server acks), the server-to-client ack ("ask"), the "binary" ack of the
 * bytes 0..255, then a client disconnect.
 */
export async function exerciseV2(socket, label) {
  for (const args of jsonShapes) {
    socket.emit("echo", ...args);
    assert.deepEqual(await once(socket, "echo"), args, `${label}: echo of ${JSON.stringify(args).slice(0, 50)}`);
    assert.deepEqual(await ackV2(socket, "echo-ack", ...args), args, `${label}: echo-ack of ${JSON.stringify(args).slice(0, 50)}`);
  }
  assert.deepEqual(await ackV2(socket, "echo-ack"), [], `${label}: an ack with no arguments`);
  step(`${label}: echo and echo-ack of ${jsonShapes.length} JSON argument lists`);

  for (const args of binaryShapes) {
    socket.emit("echo", ...args);
    assertSameArgs(await once(socket, "echo"), args, `${label}: binary echo`);
    assertSameArgs(await ackV2(socket, "echo-ack", ...args), args, `${label}: binary echo-ack`);
  }
  const [bytes, ...rest] = await ackV2(socket, "binary");
  assert.equal(rest.length, 0, `${label}: "binary" acks one argument`);
  assert.ok(toBuffer(bytes).equals(allBytes()), `${label}: "binary" ack is the bytes 0..255`);
  step(`${label}: ${binaryShapes.length} binary argument lists both ways and the 256-byte ack`);

  const questions = [];
  socket.on("question", (q, reply) => {
    questions.push(q);
    assert.equal(typeof reply, "function", `${label}: the server asked for an ack`);
    reply({ answering: q });
  });
  assert.deepEqual(await ackV2(socket, "ask", "6*7?"), [{ answer: { answering: "6*7?" } }], `${label}: ask`);
  assert.deepEqual(questions, ["6*7?"], `${label}: one question arrived`);
  socket.off("question");
  step(`${label}: ask -> question -> answer (server to client ack)`);

  const gone = once(socket, "disconnect", 5000, `${label}: disconnect`);
  socket.disconnect();
  assert.deepEqual(await gone, ["io client disconnect"], `${label}: client-side disconnect reason`);
  assert.equal(socket.connected, false);
}
