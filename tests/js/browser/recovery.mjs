// Connection state recovery in headless Chromium: see recovery.html. The server must run with
// `--recovery-ms N` (long enough for each cut and reconnect).
//
// usage: node recovery.mjs <server url>     (E2E_CHROMIUM overrides the browser path)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPage } from "../browser-page.mjs";
import { parseArgs } from "../lib.mjs";

const { url } = parseArgs();
const here = path.dirname(fileURLToPath(import.meta.url));

runPage("headless chromium connection state recovery", url, {
  page: path.join(here, "recovery.html"),
  files: { "/socket.io.min.js": path.join(here, "..", "node_modules", "socket.io-client", "dist", "socket.io.min.js") },
  pageTimeoutMs: 40000,
});
