// Bad input of the older generation (Engine.IO 3 / Socket.IO v4, what socket.io-client 2.x
// speaks), over plain HTTP, each with a clean answer and the session closed:
// - v3 text payloads whose `<length>:` prefixes lie (too long, too short, not a number) and a v3
//   binary payload whose length digits lie → 400 {"code":3,"message":"Bad request"} and the
//   session closes;
// - a JSONP index `j` that is not a number → 400 code 3 at the handshake; a JSONP form body
//   without its `d` field → 400 and the session closes;
// - a malformed Socket.IO v4 packet inside a valid v3 payload → accepted by the Engine.IO layer
//   (200 "ok"), then the connection is closed ("parse error").
// Then a normal client is still served.
//
// Node differs, and with --reference node the script asserts node's answers instead: it answers
// a malformed payload 200 "ok" (then closes the session), and it strips the non-digits from `j`
// (`___eio[](...)` for `j=abc`) rather than refusing it, and it ignores a JSONP form without `d`.
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertJsonError, assertServes, request } from "./rawlib.mjs";

const { url, isNodeReference } = parseArgs();
const V3 = "/socket.io/?EIO=3&transport=polling";

/** Splits a v3 text payload into its packets, checking every length prefix. */
function v3Packets(text) {
  const packets = [];
  let rest = text;
  while (rest.length > 0) {
    const colon = rest.indexOf(":");
    assert.ok(colon > 0, `v3 payload record has a length: ${text.slice(0, 120)}`);
    const len = Number(rest.slice(0, colon));
    assert.ok(Number.isInteger(len) && len > 0, `v3 payload record length: ${text.slice(0, 120)}`);
    packets.push(rest.slice(colon + 1, colon + 1 + len));
    rest = rest.slice(colon + 1 + len);
  }
  return packets;
}

/** The payload inside a JSONP script `___eio[j]("<payload>");`, or `text` as it is. */
function unwrapJsonp(text) {
  const m = /^___eio\[\d*\]\((".*")\);$/s.exec(text);
  return m ? JSON.parse(m[1]) : text;
}

/** A v3 polling handshake; the sid and the packets of the first response. */
async function handshakeV3(query = "") {
  const res = await request(url, `${V3}${query}`);
  assert.equal(res.status, 200, `v3 handshake status (body ${res.text.slice(0, 200)})`);
  return res;
}

async function openV3() {
  const res = await handshakeV3();
  const packets = v3Packets(res.text);
  assert.ok(packets[0].startsWith("0{"), `v3 open packet: ${res.text.slice(0, 200)}`);
  const open = JSON.parse(packets[0].slice(1));
  return open.sid;
}

const session = (sid) => `${V3}&sid=${encodeURIComponent(sid)}`;
const postV3 = (sid, body, type = "text/plain;charset=UTF-8") =>
  request(url, session(sid), { method: "POST", body, headers: { "Content-Type": type } });

/**
 * The v3 session `sid` is gone: GETs may still collect what was queued before the close (the
 * automatic `/` CONNECT) and the close packet, and then are refused as unknown.
 */
async function assertGone(sid, what) {
  for (let i = 0; i < 4; i++) {
    const res = await request(url, session(sid));
    if (res.status === 400) {
      assertJsonError(res, 400, 1, "Session ID unknown", `${what}: GET on the closed session`);
      return;
    }
    assert.equal(res.status, 200, `${what}: GET on the closing session`);
    const packets = v3Packets(unwrapJsonp(res.text));
    assert.ok(
      packets.includes("1") || packets.every((p) => p === "6" || p.startsWith("4")),
      `${what}: a closing session's GET gets what was queued and the close packet, got ${res.text.slice(0, 200)}`,
    );
  }
  throw new Error(`${what}: the session still answers GETs after it should have closed`);
}

/** The answer to a malformed payload: ours 400 code 3, node's 200 "ok"; then the session is gone. */
async function assertRefused(res, sid, what) {
  if (isNodeReference) {
    assert.equal(res.status, 200, `${what}: node answers 200`);
  } else {
    assertJsonError(res, 400, 3, "Bad request", what);
  }
  await assertGone(sid, what);
}

run("malformed Engine.IO 3 / Socket.IO v4 input", async () => {
  // Each record holds a noop ("6", valid in v3 and ignored), so only the framing can be what
  // closes the session. Lengths count UTF-16 units: "6é" is 2, so "3:6é" lies too.
  const lyingText = ["9:6", "1:66x", "x:6", ":6", "1:61:", "3:6é", "1:6-1:6"];
  for (const body of lyingText) {
    const sid = await openV3();
    await assertRefused(await postV3(sid, body), sid, `v3 payload ${JSON.stringify(body)}`);
  }
  step(`${lyingText.length} v3 text payloads whose lengths lie: refused and the session closed`);

  {
    // A binary payload record: 0x00 (text), the length as one byte per decimal digit, 0xff.
    const sid = await openV3();
    const lying = Buffer.from([0x00, 9, 0xff, ...Buffer.from("6")]);
    const res = await postV3(sid, lying, "application/octet-stream");
    await assertRefused(res, sid, "v3 binary payload with a lying length");
    step("a v3 binary payload whose length lies: refused and the session closed");
  }

  for (const j of ["abc", "1);alert(1"]) {
    const res = await request(url, `${V3}&j=${encodeURIComponent(j)}`);
    if (isNodeReference) {
      assert.equal(res.status, 200, `j=${j}: node strips the non-digits and answers`);
      assert.match(res.text, /^___eio\[\d*\]\(/, `j=${j}: node keeps only the digits`);
    } else {
      assertJsonError(res, 400, 3, "Bad request", `JSONP index j=${JSON.stringify(j)}`);
    }
  }
  step("a JSONP index that is not a number: refused at the handshake");

  {
    const res = await handshakeV3("&j=0");
    // engine.io 3 served JSONP as text/javascript, as we do; node's engine.io 6 says text/plain.
    if (!isNodeReference) {
      assert.match(String(res.headers["content-type"]), /^text\/javascript/, "JSONP content type");
    }
    assert.match(res.text, /^___eio\[0\]\("\d+:0\{/, `JSONP handshake script: ${res.text.slice(0, 120)}`);
    const sid = JSON.parse(v3Packets(unwrapJsonp(res.text))[0].slice(1)).sid;
    const post = await request(url, `${session(sid)}&j=0`, {
      method: "POST",
      body: "x=1",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    if (isNodeReference) {
      // node ignores a form without `d` (and keeps the session): nothing to close.
      assert.equal(post.status, 200, "a JSONP form without d: node answers 200");
    } else {
      await assertRefused(post, sid, "a JSONP form without its d field");
    }
    step("a JSONP form body without its d field: refused and the session closed");
  }

  const badSio = ["4garbage", '2["echo"', '2{"not":"an array"}', "9"];
  for (const packet of badSio) {
    const sid = await openV3();
    const msg = `4${packet}`;
    const res = await postV3(sid, `${msg.length}:${msg}`);
    const what = `malformed Socket.IO v4 packet ${JSON.stringify(packet)}`;
    assert.equal(res.status, 200, `${what}: the Engine.IO layer accepts the message (body ${res.text.slice(0, 100)})`);
    await assertGone(sid, what);
  }
  step(`${badSio.length} malformed Socket.IO v4 packets: the connection was closed`);

  await assertServes(url, "after malformed v3 input");
});
