// The admin UI's own static build (@socket.io/admin-ui's ui/dist, served here by node's
// http from another origin) in headless Chromium, pointed at the chat started with
// --admin, with two chat users on the real chat page: the UI lists their sockets and rooms,
// its dashboard shows the namespaces, and its disconnect button disconnects Bob's page
// (whose socket sees "io server disconnect"). Screenshots go to ADMIN_SCREENSHOT_DIR (or
// the temp dir); their paths are printed.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../chromium.mjs";
import { WAIT, check, joinRoom, openPage, tryNick } from "../chat-page.mjs";

const chatUrl = process.argv[2];
if (!chatUrl) {
  console.error("usage: node admin/ui-browser.mjs <chat server url started with --admin>");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "node_modules", "@socket.io", "admin-ui", "ui", "dist");
const shots = process.env.ADMIN_SCREENSHOT_DIR || os.tmpdir();
const log = (msg) => console.log(`[admin-ui] ${msg}`);

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css",
  ".png": "image/png", ".svg": "image/svg+xml", ".map": "application/json" };

/** A static server for ui/dist on a free port of 127.0.0.1. */
function serveDist() {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const file = path.join(dist, path.normalize(rel));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Picks `nsp` in the page's namespace selector (a Vuetify v-select). */
async function selectNamespace(page, nsp) {
  await page.click(".v-select.selector .v-select__slot", WAIT);
  await page.click(`.menuable__content__active [role=option]:has-text("${nsp}")`, WAIT);
}

async function main() {
  const logs = [];
  const ui = await serveDist();
  const uiUrl = `http://127.0.0.1:${ui.address().port}/`;
  const context = await launchChromium("admin-ui-chromium");
  // The UI links web fonts from CDNs; the test runs offline.
  await context.route(/fonts\.googleapis|cdn\.jsdelivr/, (route) => route.abort());
  try {
    const tag = Math.random().toString(36).slice(2, 6);
    const [alice, bob, room] = [`alice-${tag}`, `bob-${tag}`, `garden-${tag}`];
    const pa = await openPage(context, "alice", logs, chatUrl);
    const pb = await openPage(context, "bob", logs, chatUrl);
    check((await tryNick(pa, alice)) === null, "alice signs in");
    check((await tryNick(pb, bob)) === null, "bob signs in");
    await joinRoom(pa, room);
    await joinRoom(pb, room);
    const [aliceId, bobId] = [await pa.evaluate("chat.id"), await pb.evaluate("chat.id")];
    log(`chat users: ${alice} ${aliceId}, ${bob} ${bobId}, in ${room}`);

    // The UI connects at once to the server saved in its settings.
    const admin = await context.newPage();
    await admin.setViewportSize({ width: 1400, height: 900 });
    admin.on("console", (m) => logs.push(`admin console.${m.type()}: ${m.text()}`));
    admin.on("pageerror", (e) => logs.push(`admin pageerror: ${e.message}`));
    await admin.addInitScript((url) => {
      localStorage.setItem("server_url", url);
      localStorage.setItem("namespace", "/admin");
    }, chatUrl);

    await admin.goto(`${uiUrl}#/`);
    await admin.waitForFunction(() => document.body.innerText.includes("/chat"), null, WAIT);
    // The dashboard's figures come with the first server_stats (every 2 s).
    await admin.waitForFunction(() => /\/presence/.test(document.body.innerText), null, WAIT);
    const dashboard = path.join(shots, "admin-ui-dashboard.png");
    await admin.screenshot({ path: dashboard, fullPage: true });
    const dashText = await admin.evaluate(() => document.body.innerText);
    log(`dashboard: ${JSON.stringify(dashText.replace(/\s+/g, " ").slice(0, 400))}`);
    log(`screenshot ${dashboard}`);

    await admin.goto(`${uiUrl}#/sockets/`);
    await selectNamespace(admin, "/chat");
    for (const id of [aliceId, bobId]) {
      await admin.waitForSelector(`tr:has-text("${id}")`, WAIT);
    }
    const socketsShot = path.join(shots, "admin-ui-sockets.png");
    await admin.screenshot({ path: socketsShot, fullPage: true });
    log(`sockets page lists both users; screenshot ${socketsShot}`);

    await admin.goto(`${uiUrl}#/rooms/`);
    await selectNamespace(admin, "/chat");
    await admin.waitForSelector(`tr:has-text("${room}")`, WAIT);
    const roomsShot = path.join(shots, "admin-ui-rooms.png");
    await admin.screenshot({ path: roomsShot, fullPage: true });
    log(`rooms page lists ${room}; screenshot ${roomsShot}`);

    // Bob's page learns why it lost its socket.
    await pb.evaluate(() => chat.once("disconnect", (why) => { window.disconnectReason = why; }));
    await admin.goto(`${uiUrl}#/sockets/`);
    await selectNamespace(admin, "/chat");
    await admin.click(`tr:has-text("${bobId}") button:has(i.mdi-logout)`, WAIT);
    await pb.waitForFunction(() => window.disconnectReason !== undefined, null, WAIT);
    const reason = await pb.evaluate(() => window.disconnectReason);
    check(reason === "io server disconnect", `bob's socket was disconnected by the server: ${reason}`);
    check(await pa.evaluate("chat.connected"), "alice is still connected");
    const after = path.join(shots, "admin-ui-after-disconnect.png");
    await admin.screenshot({ path: after, fullPage: true });
    log(`disconnect from the UI: bob's page saw io server disconnect; screenshot ${after}`);
    console.log("[admin/ui-browser] OK");
  } catch (e) {
    console.error(`FAIL admin UI in Chromium: ${e.stack ?? e}`);
    console.error(logs.slice(-40).join("\n"));
    process.exitCode = 1;
  } finally {
    await context.close();
    ui.close();
  }
}

main();
