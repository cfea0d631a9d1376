// The node side of the Socket.IO 0.9 browser tests: serves browser-v09/page.html with
// socket.io-client 0.9.16's own bundle (dist/socket.io.js of the `socket.io-client-v09` alias) and
// t09.js, proxying /socket.io/ to the server under test (../browser-page.mjs), and opens it in
// headless Chromium (../chromium.mjs) for `body(tab)` to drive through window.T09.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startPageServer } from "../browser-page.mjs";
import { launchChromium } from "../chromium.mjs";
import { step } from "../lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const files = {
  "/socket.io-v09.js": path.join(here, "..", "node_modules", "socket.io-client-v09", "dist", "socket.io.js"),
  "/t09.js": path.join(here, "t09.js"),
};

/**
 * Opens the 0.9 page at `/?server=<serverUrl>` and runs `body(tab)`; the page's console is
 * printed as progress lines (also when `body` fails, with the error).
 */
export async function withV09Page(serverUrl, body) {
  const pageServer = await startPageServer(serverUrl, path.join(here, "page.html"), files);
  const context = await launchChromium("e2e-chromium-v09");
  const logs = [];
  try {
    const tab = context.pages()[0] ?? (await context.newPage());
    tab.on("console", (m) => logs.push(`console.${m.type()}: ${m.text()}`));
    tab.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
    await tab.goto(`http://127.0.0.1:${pageServer.address().port}/?server=${encodeURIComponent(serverUrl)}`);
    await tab.waitForFunction(() => typeof window.T09 === "object" && typeof window.io === "object", null, { timeout: 10000 });
    return await body(tab);
  } finally {
    for (const l of logs.splice(0)) step(l);
    await context.close();
    pageServer.closeAllConnections();
    pageServer.close();
  }
}

/** Evaluates `fn(arg)` in the page; a rejection there fails here with the page's message. */
export async function inPage(tab, fn, arg) {
  try {
    return await tab.evaluate(fn, arg);
  } catch (e) {
    throw new Error(`in the browser: ${e.message}`);
  }
}
