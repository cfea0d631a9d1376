// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) runs socket.io-client
// 2.x's browser bundle against the server: see page.html (WebSocket, polling + upgrade, XHR
// polling, JSONP polling; a namespace on each connection). The page and the bundle are served
// from node_modules on their own port, with /socket.io/ proxied to the server for the same-origin
// scenarios: see ../browser-page.mjs.
//
// usage: node echo-ack.mjs <server url>     (E2E_CHROMIUM overrides the browser path)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPage } from "../browser-page.mjs";
import { parseArgs } from "../lib.mjs";

const { url } = parseArgs();
const here = path.dirname(fileURLToPath(import.meta.url));

runPage("headless chromium, socket.io-client 2.x", url, {
  page: path.join(here, "page.html"),
  files: { "/socket.io.js": path.join(here, "..", "node_modules", "socket.io-client-v2", "dist", "socket.io.js") },
  pageTimeoutMs: 40000,
  timeoutMs: 80000,
});
