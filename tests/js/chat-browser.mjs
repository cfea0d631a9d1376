// The chat example in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// three people on the real page. Alice and Bob join one room and talk both ways; Carol is in
// another room and must see none of it; a taken nickname is refused; the room list (the
// /presence namespace) counts members; delivered ticks come from the server's acks; Bob
// leaving is announced. Screenshots go to $CHAT_SCREENSHOT_DIR (default: the temp dir).
//
// With a second url (another chat instance on the same Redis), Bob's page is served by it:
// messages, the other room's isolation and Bob's leaving must cross the instances; the
// member counts and lists are per instance there, so they are not checked.
//
// usage: node chat-browser.mjs <chat server url> [<second instance url>]
//        (E2E_CHROMIUM overrides the browser path)
// Exits 0 when every check passed, 1 otherwise.
import os from "node:os";
import path from "node:path";
import { launchChromium } from "./chromium.mjs";
import { WAIT, check, joinRoom, openPage, say, sees, texts, tryNick } from "./chat-page.mjs";

const url = process.argv[2];
const bobUrl = process.argv[3] ?? url;
const clustered = bobUrl !== url;
if (!url) {
  console.error("usage: node chat-browser.mjs <chat server url>");
  process.exit(2);
}
const shots = process.env.CHAT_SCREENSHOT_DIR || os.tmpdir();

function log(msg) {
  console.log(`[chat-browser] ${msg}`);
}

async function main() {
  const logs = [];
  const context = await launchChromium("chat-chromium");
  try {
    const tag = Math.random().toString(36).slice(2, 6);
    const [alice, bob, carol] = [`alice-${tag}`, `bob-${tag}`, `carol-${tag}`];
    const room = `garden-${tag}`;
    const other = `kitchen-${tag}`;

    const pa = await openPage(context, "alice", logs, url);
    const pb = await openPage(context, "bob", logs, bobUrl);
    const pc = await openPage(context, "carol", logs, url);

    check((await tryNick(pa, alice)) === null, "alice signs in");
    check((await tryNick(pb, bob)) === null, "bob signs in");
    const refused = await tryNick(pc, alice.toUpperCase());
    check(/taken/.test(refused ?? ""), `a taken nickname is refused, got ${JSON.stringify(refused)}`);
    await pc.screenshot({ path: path.join(shots, "chat-browser-login.png") });
    check((await tryNick(pc, carol)) === null, "carol signs in with a free nickname");
    log("nicknames: registered, a taken one refused");

    await joinRoom(pa, room);
    await joinRoom(pb, room);
    await joinRoom(pc, other);
    // The room list (pushed on /presence) counts both members; the header lists them.
    if (!clustered) await pa.waitForFunction(
      (r) => document.querySelector(`#rooms li[data-room="${r}"] .count`)?.textContent === "2",
      room,
      WAIT,
    );
    if (!clustered) await pa.waitForFunction(
      (n) => [...document.querySelectorAll("#members .member")].map((e) => e.textContent).join() === n,
      [alice, bob].join(),
      WAIT,
    );
    log(`rooms: both in one room, carol in another${clustered ? "" : "; list and members up to date"}`);

    await say(pa, "hello from alice");
    await sees(pb, alice, "hello from alice");
    await say(pb, "hi alice, bob here");
    await sees(pa, bob, "hi alice, bob here");
    await say(pa, "schöner Garten, ça pousse ✓");
    await sees(pb, alice, "schöner Garten, ça pousse ✓");
    log(`messages: delivered both ways${clustered ? " across the two instances" : ""}, acks marked them delivered`);

    // Carol's room stays quiet.
    await say(pc, "anyone in the kitchen?");
    await pa.waitForTimeout(300);
    const inKitchen = await texts(pc);
    check(inKitchen.join("|") === "anyone in the kitchen?", `carol sees only her room: ${JSON.stringify(inKitchen)}`);
    const inGarden = await texts(pa);
    check(!inGarden.includes("anyone in the kitchen?"), "alice does not see the other room");
    log("isolation: the other room saw nothing, and leaked nothing");

    await pa.screenshot({ path: path.join(shots, "chat-browser-alice.png") });
    await pb.screenshot({ path: path.join(shots, "chat-browser-bob.png") });

    // Bob leaves: Alice is told and her member list shrinks.
    await pb.close();
    await pa.waitForFunction(
      (n) => [...document.querySelectorAll(".notice")].some((e) => e.textContent === `${n} left`),
      bob,
      WAIT,
    );
    await pa.waitForFunction(
      () => document.querySelectorAll("#members .member").length === 1,
      null,
      WAIT,
    );
    log("leaving: announced to the room");
    await pa.screenshot({ path: path.join(shots, "chat-browser-after-leave.png") });
    log(`screenshots in ${shots}`);
  } catch (e) {
    for (const l of logs) console.log(l);
    throw e;
  } finally {
    await context.close();
  }
}

const deadline = setTimeout(() => {
  console.error("[chat-browser] FAIL: timed out");
  process.exit(1);
}, 90000);
main().then(
  () => {
    clearTimeout(deadline);
    console.log("[chat-browser] OK");
    process.exit(0);
  },
  (e) => {
    console.error(`[chat-browser] FAIL: ${e.stack || e}`);
    process.exit(1);
  },
);
