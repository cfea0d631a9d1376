// Headless Chromium runs socket.io-client's msgpack bundle (dist/socket.io.msgpack.min.js)
// against a server started with `--parser msgpack`: see msgpack.html.
//
// usage: node msgpack.mjs <server url>     (E2E_CHROMIUM overrides the browser path)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPage } from "../browser-page.mjs";
import { parseArgs } from "../lib.mjs";

const { url } = parseArgs();
const here = path.dirname(fileURLToPath(import.meta.url));

runPage("headless chromium with the msgpack parser", url, {
  page: path.join(here, "msgpack.html"),
  files: {
    "/socket.io.msgpack.min.js": path.join(here, "..", "node_modules", "socket.io-client", "dist", "socket.io.msgpack.min.js"),
  },
});
