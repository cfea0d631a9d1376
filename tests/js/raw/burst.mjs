// A burst of 10 000 small events sent at once over a raw WebSocket (node `ws`, no Socket.IO
// client):
// - a client that reads its replies gets all 10 000 echoes, in order (node echoes them in
//   ~110 ms); a burst is not a slow consumer;
// - a client that sends the same burst and then stops reading (its socket paused) is
//   disconnected: it cannot answer pings, so the heartbeat ends its session (the harness's
//   pingInterval + pingTimeout is 3 s; seen from outside as a GET with its sid refused as
//   "Session ID unknown"), and once it reads again its connection ends (the close frame
//   after whatever was still buffered): the server does not keep it open.
// Then a normal client is still served.
import WebSocket from "ws";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertServes, poll } from "./rawlib.mjs";

const { url } = parseArgs();
const wsUrl = url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
const N = 10_000;

/** Opens a WebSocket, connects namespace "/", then sends the burst; `onReply` sees each echo. */
function burst({ read }) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    const started = Date.now();
    let got = 0;
    let sentAt = 0;
    let sid = null;
    ws.on("error", () => {});
    ws.on("message", (m) => {
      const s = m.toString();
      if (s.startsWith("0{")) {
        sid = JSON.parse(s.slice(1)).sid;
        return ws.send("40");
      }
      if (s === "2") return ws.send("3");
      if (s.startsWith("40{")) {
        sentAt = Date.now();
        for (let i = 0; i < N; i++) ws.send(`42["echo",${i}]`);
        if (!read) {
          ws._socket.pause();
          resolve({ ws, sid, closed: new Promise((done) => ws.on("close", (code) => done({ code, got }))) });
        }
        return;
      }
      if (s.startsWith('42["echo",')) {
        if (s !== `42["echo",${got}]`) return reject(new Error(`reply ${got} out of order: ${s}`));
        got++;
        if (got === N && read) resolve({ ws, got, ms: Date.now() - sentAt, code: null });
      }
    });
    ws.on("close", (code) => resolve({ ws, got, ms: Date.now() - (sentAt || started), code }));
  });
}

const within = (p, ms, what) =>
  Promise.race([p, new Promise((_, r) => setTimeout(() => r(new Error(`${what}: not within ${ms} ms`)), ms))]);

run("burst of events", async () => {
  {
    const r = await within(burst({ read: true }), 20000, "replies to a burst");
    assert.equal(r.code, null, `the server closed a reading client (code ${r.code}) after ${r.got}/${N} replies`);
    assert.equal(r.got, N, "every reply");
    step(`a client that reads: all ${N} replies in ${r.ms} ms`);
    r.ws.close();
  }
  {
    const { ws, sid, closed } = await within(burst({ read: false }), 15000, "a burst from a client that then stops reading");
    const t0 = Date.now();
    await within((async () => {
      for (;;) {
        const res = await poll(url, sid);
        if (res.status === 400 && res.text.includes("Session ID unknown")) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    })(), 10000, "the session of a client that stopped reading ends");
    step(`a client that stopped reading: its session ended after ${Date.now() - t0} ms`);
    ws._socket.resume();
    const { code, got } = await within(closed, 5000, "its connection ends once it reads again");
    step(`... and its connection ended (${code}) after ${got}/${N} replies`);
  }
  await assertServes(url, "after bursts");
}, { timeoutMs: 40000 });
