// Bad input of the Socket.IO 0.9 generation over plain HTTP and WebSocket, each with a clean
// answer and the session closed, then a normal client is still served:
// - payloads whose U+FFFD length prefixes lie (too long, too short, not a number) → 400
//   {"code":3,"message":"Bad request"} and the session closes;
// - malformed 0.9 packets (unknown type, broken event JSON, bad ack id) in a valid frame → the
//   session closes (the POST itself is 200: the framing was fine);
// - a jsonp-polling index that is not a number → 400; a jsonp-polling form whose `d` is no
//   JSON string → 400 and the session closes;
// - an unknown sid → the 0.9 error packet `7:::1+0` (client not handshaken, reconnect); an
//   unsupported transport (flashsocket, an unknown name) → `7:::0+0`;
// - garbage on a 0.9 WebSocket → the connection closes.
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertJsonError, assertServes, request } from "./rawlib.mjs";

const { url } = parseArgs();
const FFFD = "\ufffd";

async function handshake() {
  const res = await request(url, "/socket.io/1/?t=1");
  assert.equal(res.status, 200, `0.9 handshake (body ${res.text.slice(0, 200)})`);
  const [sid, hb, close, transports] = res.text.split(":");
  assert.ok(sid && Number(hb) > 0 && Number(close) > 0, `handshake body ${res.text}`);
  assert.equal(transports, "websocket,htmlfile,xhr-polling,jsonp-polling");
  return sid;
}

const xhr = (sid) => `/socket.io/1/xhr-polling/${sid}?t=2`;
const postXhr = (sid, body) =>
  request(url, xhr(sid), { method: "POST", body, headers: { "Content-Type": "text/plain;charset=UTF-8" } });

/** The session is gone: a poll is answered with the error packet for an unknown sid. */
async function assertGone(sid, what) {
  // A GET parked before the close would have the disconnect; a new one finds no session.
  for (let i = 0; i < 3; i++) {
    const res = await request(url, xhr(sid));
    assert.equal(res.status, 200, `${what}: GET after the close`);
    if (res.text === "7:::1+0") return;
    assert.ok(/(^|\ufffd)(0::|1::)/.test(res.text), `${what}: what a closing session sends: ${res.text}`);
  }
  throw new Error(`${what}: the session still serves GETs`);
}

run("malformed Socket.IO 0.9 input", async () => {
  const lying = [
    `${FFFD}9${FFFD}2::`,
    `${FFFD}2${FFFD}2::`,
    `${FFFD}x${FFFD}2::`,
    `${FFFD}3${FFFD}2::junk`,
    `${FFFD}3${FFFD}`,
  ];
  for (const body of lying) {
    const sid = await handshake();
    assertJsonError(await postXhr(sid, body), 400, 3, "Bad request", `lying frame ${JSON.stringify(body)}`);
    await assertGone(sid, `lying frame ${JSON.stringify(body)}`);
  }
  step(`${lying.length} payloads whose length prefixes lie: 400 and the session closed`);

  const badPackets = ["9::", '5:::{"name":', "5:::[1]", "6:::x+[]", "1:x:"];
  for (const body of badPackets) {
    const sid = await handshake();
    const res = await postXhr(sid, body);
    assert.equal(res.status, 200, `${JSON.stringify(body)}: the framing is fine`);
    await assertGone(sid, `malformed packet ${JSON.stringify(body)}`);
  }
  step(`${badPackets.length} malformed 0.9 packets: the session closed`);

  {
    const sid = await handshake();
    const res = await request(url, `/socket.io/1/jsonp-polling/${sid}?t=1&i=abc`);
    assertJsonError(res, 400, 3, "Bad request", "jsonp index abc");
    const form = await request(url, `/socket.io/1/jsonp-polling/${sid}?t=1&i=0`, {
      method: "POST",
      body: "d=not-a-json-string",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assertJsonError(form, 400, 3, "Bad request", "jsonp form whose d is no JSON string");
    await assertGone(sid, "bad jsonp form");
    step("a jsonp index that is not a number and a form that is not a JSON string: 400");
  }

  {
    const unknown = await request(url, "/socket.io/1/xhr-polling/AAAAAAAAAAAAAAAAAAAA?t=1");
    assert.equal(unknown.text, "7:::1+0", "unknown sid: client not handshaken, reconnect");
    const sid = await handshake();
    for (const t of ["flashsocket", "carrier-pigeon"]) {
      const res = await request(url, `/socket.io/1/${t}/${sid}?t=1`);
      assert.equal(res.text, "7:::0+0", `${t}: transport not supported, reconnect`);
    }
    step("unknown sid and unsupported transports: the 0.9 error packets");
  }

  {
    const sid = await handshake();
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/1/websocket/${sid}`);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const closed = new Promise((resolve) => ws.once("close", resolve));
    ws.send("this is no packet");
    const timer = setTimeout(() => ws.terminate(), 3000);
    await closed;
    clearTimeout(timer);
    await assertGone(sid, "garbage on a 0.9 WebSocket");
    step("garbage on a 0.9 WebSocket: the connection closed");
  }

  await assertServes(url, "after malformed 0.9 input");
});
