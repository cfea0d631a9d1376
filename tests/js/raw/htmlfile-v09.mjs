// Socket.IO 0.9's htmlfile transport over a real socket. Its only client is Internet Explorer
// (an ActiveX "htmlfile" document), which this machine cannot run, so this script plays the
// page's part with node's http module: it opens the never-ending page, reads the script tags
// as they arrive, and sends with POSTs, as socket.io-client 0.9's htmlfile transport does.
// - the page starts at once (text/html, node 0.9's 256-byte prelude defining `_`);
// - what the server queued (the CONNECT `1::`) and every later packet arrive as
//   `<script>_("<packet>");</script>`, a JavaScript string with `/` escaped;
// - an event POSTed to the same path is acknowledged on the page; heartbeats `2::` arrive on
//   the page and are answered by POST;
// - a second page for the session is refused; closing the page ends the session.
import http from "node:http";
import { assert, parseArgs, run, sleep, step } from "../lib.mjs";
import { freshAgent, request } from "./rawlib.mjs";

const { url } = parseArgs();

/** Opens the page; resolves with its response and a reader of the script tags so far. */
function openPage(path) {
  const u = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: freshAgent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      const ended = new Promise((r) => res.on("end", r));
      resolve({ req, res, read: () => text, ended });
    });
    req.on("error", reject);
  });
}

/** The packets the page's script tags carry, in order (each `_("...")` argument decoded). */
function packets(text) {
  const out = [];
  for (const m of text.matchAll(/<script>_\((".*?")\);<\/script>/g)) out.push(JSON.parse(m[1]));
  return out;
}

async function until(what, cond, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

run("0.9 htmlfile transport", async () => {
  const hs = await request(url, "/socket.io/1/?t=1");
  const [sid, , , transports] = hs.text.split(":");
  assert.ok(transports.split(",").includes("htmlfile"), `htmlfile offered: ${hs.text}`);
  const path = `/socket.io/1/htmlfile/${sid}?t=2`;

  const page = await openPage(path);
  assert.equal(page.res.statusCode, 200);
  assert.match(String(page.res.headers["content-type"]), /^text\/html/);
  await until("the prelude and the CONNECT", () => packets(page.read()).includes("1::"));
  assert.ok(
    page.read().startsWith("<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>"),
    `prelude: ${page.read().slice(0, 120)}`,
  );
  await until("welcome", () => packets(page.read()).some((p) => p.includes('"name":"welcome"')));
  step("the page streams: prelude, CONNECT and welcome as script tags");

  const post = (body) => request(url, path, { method: "POST", body, headers: { "Content-Type": "text/plain" } });
  const sent = '5:1+::{"name":"echo-ack","args":["a/b</script>"]}';
  assert.equal((await post(sent)).status, 200);
  await until("the ack on the page", () => packets(page.read()).includes('6:::1+["a/b</script>"]'));
  assert.ok(page.read().includes("a\\/b<\\/script>"), "`/` escaped inside the script tag");
  step("an event POSTed is acknowledged on the page, `/` escaped");

  const beats = () => packets(page.read()).filter((p) => p === "2::").length;
  await until("a heartbeat on the page", () => beats() >= 1, 3000);
  assert.equal((await post("2::")).status, 200);
  await until("the next heartbeat", () => beats() >= 2, 3000);
  assert.equal((await post("2::")).status, 200);
  step("heartbeats arrive on the page and are answered by POST");

  const second = await request(url, path);
  assert.equal(second.status, 400, "a second page for the session is refused");
  step("a second page is refused");

  page.req.destroy();
  await sleep(200);
  const after = await request(url, `/socket.io/1/xhr-polling/${sid}?t=3`);
  assert.equal(after.text, "7:::1+0", "the session ended with its page");
  step("closing the page ended the session");
});
