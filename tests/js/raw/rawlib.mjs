// Helpers of the bad-input scripts: plain HTTP requests with node's `http` (no socket.io client),
// Engine.IO handshakes and session checks, and the assertion that the server still serves a
// normal socket.io client afterwards.
import http from "node:http";
import { assert, ack, connect, step } from "../lib.mjs";

/** An agent without keep-alive: each request gets its own connection, like a fresh client. */
export const freshAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

/**
 * One HTTP request. Resolves with `{ status, headers, body: Buffer, text }` as soon as the whole
 * response arrived; an error after the response (the server closing early) is ignored.
 */
export function request(base, path, { method = "GET", headers = {}, body = null, timeoutMs = 5000, agent = freshAgent } = {}) {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent },
      (res) => {
        answered = true;
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(t);
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode, headers: res.headers, body, text: body.toString("utf8") });
        });
        res.on("error", (e) => reject(e));
      },
    );
    const t = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (e) => {
      if (!answered) {
        clearTimeout(t);
        reject(new Error(`${method} ${path}: ${e.message}`));
      }
    });
    if (body !== null) req.end(body);
    else req.end();
  });
}

export const EIO_PATH = "/socket.io/?EIO=4&transport=polling";

/** An Engine.IO v4 polling handshake; resolves with the sid and the open packet's JSON. */
export async function handshake(base) {
  const res = await request(base, EIO_PATH);
  assert.equal(res.status, 200, `handshake status (body ${res.text.slice(0, 200)})`);
  assert.ok(res.text.startsWith("0{"), `handshake body is an open packet: ${res.text.slice(0, 200)}`);
  const open = JSON.parse(res.text.slice(1));
  assert.equal(typeof open.sid, "string", "open packet has a sid");
  return { sid: open.sid, open };
}

/** GET/POST on an existing session. */
export const poll = (base, sid) => request(base, `${EIO_PATH}&sid=${encodeURIComponent(sid)}`);
export const post = (base, sid, body, headers = { "Content-Type": "text/plain;charset=UTF-8" }) =>
  request(base, `${EIO_PATH}&sid=${encodeURIComponent(sid)}`, { method: "POST", body, headers });

/** Asserts node engine.io's error answer: status, JSON content type and `{code, message}` body. */
export function assertJsonError(res, status, code, message, what) {
  assert.equal(res.status, status, `${what}: status (body ${res.text.slice(0, 200)})`);
  assert.match(String(res.headers["content-type"]), /^application\/json/, `${what}: content-type`);
  let body;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new Error(`${what}: body is not JSON: ${res.text.slice(0, 200)}`);
  }
  assert.deepEqual(body, { code, message }, `${what}: body`);
}

/**
 * Asserts the session `sid` is closed: a GET either receives the close packet (a parked poll
 * is answered with it) and the next one is refused, or it is refused at once with
 * 400 {"code":1,"message":"Session ID unknown"}.
 */
export async function assertSessionGone(base, sid, what) {
  for (let i = 0; i < 2; i++) {
    const res = await poll(base, sid);
    if (res.status === 400) {
      assertJsonError(res, 400, 1, "Session ID unknown", `${what}: GET on the closed session`);
      return;
    }
    assert.equal(res.status, 200, `${what}: GET on the closing session (body ${res.text.slice(0, 200)})`);
    const packets = res.text.split("\x1e");
    assert.ok(
      packets.includes("1") || packets.every((p) => p === "6"),
      `${what}: a GET on a closing session gets the close packet (or noop), got ${res.text.slice(0, 200)}`,
    );
  }
  throw new Error(`${what}: the session still answers GETs after it should have closed`);
}

/** Asserts a normal socket.io client still connects (websocket and polling) and gets an ack. */
export async function assertServes(base, what) {
  for (const transports of [["websocket"], ["polling"]]) {
    const { socket } = await connect(base, { transports, upgrade: false });
    assert.deepEqual(await ack(socket, "echo-ack", what), [what], `${what}: echo-ack over ${transports[0]}`);
    socket.disconnect();
  }
  step(`${what}: a normal client still connects and gets acks`);
}
