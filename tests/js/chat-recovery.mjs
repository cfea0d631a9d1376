// The chat's connection state recovery in headless Chromium: Alice's page reaches the chat
// server through a TCP relay this script owns, Bob's page directly. Cutting the relay drops
// Alice's connection on both ends at once (the server sees its TCP connection close, the page
// its transport close) and refuses her reconnection attempts until it is restored.
//
// 1. A short drop: Bob says three things while Alice is cut off. Back within the server's
//    window (started with --recovery-ms 5000), her page is the same document (no reload), her
//    socket recovered, and it shows the three messages once each, in order, after what came
//    before; she did not re-join (one "you joined" notice), Bob was never told she left, and
//    both can talk again (her nickname and room survived on the server).
// 2. A drop longer than the window: Bob's page is told she left; once back, her page is not
//    recovered, claims her nickname and room again, and Bob sees her join.
//
// usage: node chat-recovery.mjs <chat server url, recovery window 5000 ms>
// Exits 0 when every check passed, 1 otherwise.
import net from "node:net";
import { launchChromium } from "./chromium.mjs";
import { check, joinRoom, notices, openPage, say, sees, seesNotice, texts, tryNick } from "./chat-page.mjs";

const url = process.argv[2];
if (!url) {
  console.error("usage: node chat-recovery.mjs <chat server url>");
  process.exit(2);
}
// A reconnection attempt comes 0.5-1.5 s after a drop, later ones up to 5 s apart: well
// past the window of phase 2, within the test's waits.
const BACK = { timeout: 20000 };

function log(msg) {
  console.log(`[chat-recovery] ${msg}`);
}

// A TCP relay to `target`; `cut()` destroys every relayed connection and refuses new ones
// until `restore()`.
async function relay(target) {
  const { hostname, port } = new URL(target);
  const open = new Set();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(port), hostname);
    const pair = [client, upstream];
    for (const s of pair) open.add(s);
    const end = () => {
      for (const s of pair) {
        s.destroy();
        open.delete(s);
      }
    };
    for (const s of pair) {
      s.on("error", end);
      s.on("close", end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() {
      refusing = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    restore() {
      refusing = false;
    },
    close() {
      server.close();
    },
  };
}

async function connected(page, up) {
  await page.waitForFunction(
    (u) => document.querySelector("#status").classList.contains("up") === u,
    up,
    BACK,
  );
}

async function main() {
  const logs = [];
  const link = await relay(url);
  const context = await launchChromium("chat-recovery");
  try {
    const tag = Math.random().toString(36).slice(2, 6);
    const [alice, bob] = [`alice-${tag}`, `bob-${tag}`];
    const room = `garden-${tag}`;
    const pa = await openPage(context, "alice", logs, link.url);
    const pb = await openPage(context, "bob", logs, url);
    check((await tryNick(pa, alice)) === null, "alice signs in");
    check((await tryNick(pb, bob)) === null, "bob signs in");
    await joinRoom(pa, room);
    await joinRoom(pb, room);
    await seesNotice(pa, `${bob} joined`);
    await say(pa, "before the drop");
    await sees(pb, alice, "before the drop");
    await pa.evaluate(() => {
      window.sameDocument = true;
    });

    // 1. A short drop, recovered.
    link.cut();
    await connected(pa, false);
    const missed = ["while you were away (1)", "while you were away (2)", "while you were away (3)"];
    for (const m of missed) await say(pb, m);
    link.restore();
    await connected(pa, true);
    check(await pa.evaluate(() => window.sameDocument === true), "the page was not reloaded");
    check(await pa.evaluate(() => chat.recovered), "alice's /chat socket recovered");
    for (const m of missed) await sees(pa, bob, m);
    const shown = await texts(pa);
    const expected = ["before the drop", ...missed];
    check(
      JSON.stringify(shown) === JSON.stringify(expected),
      `missed messages once each, in order: ${JSON.stringify(shown)}`,
    );
    const joinedNotices = (await notices(pa)).filter((n) => n === `you joined # ${room}`);
    check(joinedNotices.length === 1, `alice did not re-join: ${JSON.stringify(await notices(pa))}`);
    check(
      !(await notices(pb)).some((n) => n.startsWith(alice)),
      `bob was never told alice left or joined again: ${JSON.stringify(await notices(pb))}`,
    );
    await say(pb, "welcome back");
    await sees(pa, bob, "welcome back");
    await say(pa, "thanks, I missed nothing");
    await sees(pb, alice, "thanks, I missed nothing");
    log("short drop: recovered in place, 3 missed messages shown once and in order, still in the room");

    // 2. Longer than the window: gone, then back as a new socket.
    link.cut();
    await connected(pa, false);
    await seesNotice(pb, `${alice} left`);
    await say(pb, "she is gone");
    link.restore();
    await connected(pa, true);
    await seesNotice(pb, `${alice} joined`);
    check(!(await pa.evaluate(() => chat.recovered)), "after the window alice's socket is new");
    await say(pa, "hello again");
    await sees(pb, alice, "hello again");
    // What was said while she was gone comes from the room's history in the join reply.
    await sees(pa, bob, "she is gone");
    log("long drop: announced as left, back as a new socket that claimed its nickname and room");
  } catch (e) {
    for (const l of logs) console.log(l);
    throw e;
  } finally {
    await context.close();
    link.close();
  }
}

const deadline = setTimeout(() => {
  console.error("[chat-recovery] FAIL: timed out");
  process.exit(1);
}, 100000);
main().then(
  () => {
    clearTimeout(deadline);
    console.log("[chat-recovery] OK");
    process.exit(0);
  },
  (e) => {
    console.error(`[chat-recovery] FAIL: ${e.stack || e}`);
    process.exit(1);
  },
);
