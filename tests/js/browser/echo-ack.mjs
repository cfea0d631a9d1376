// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) runs socket.io-client's
// browser bundle against the server: see page.html. The page and the bundle are served from
// node_modules on their own port, with /socket.io/ proxied to the server so the page can also use
// long-polling same-origin (the server need not speak CORS): see ../browser-page.mjs.
//
// usage: node echo-ack.mjs <server url>     (E2E_CHROMIUM overrides the browser path)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPage } from "../browser-page.mjs";
import { parseArgs } from "../lib.mjs";

const { url } = parseArgs();
const here = path.dirname(fileURLToPath(import.meta.url));

runPage("headless chromium echo-ack", url, {
  page: path.join(here, "page.html"),
  files: { "/socket.io.min.js": path.join(here, "..", "node_modules", "socket.io-client", "dist", "socket.io.min.js") },
});
