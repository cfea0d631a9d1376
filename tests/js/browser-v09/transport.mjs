// socket.io-client 0.9.16's browser bundle in headless Chromium against the server over one
// transport (the Socket.IO 0.9 protocol): see T09.scenario in t09.js for what it checks.
//
// usage: node transport.mjs <server url> --transport websocket|xhr-polling|jsonp-polling
import { parseArgs, run } from "../lib.mjs";
import { inPage, withV09Page } from "./v09page.mjs";

const { url } = parseArgs();
const i = process.argv.indexOf("--transport");
const transport = i > 0 ? process.argv[i + 1] : null;
if (!["websocket", "xhr-polling", "jsonp-polling"].includes(transport)) {
  console.error("usage: node transport.mjs <server url> --transport websocket|xhr-polling|jsonp-polling");
  process.exit(2);
}

run(
  `socket.io-client 0.9 over ${transport} in headless chromium`,
  () => withV09Page(url, (tab) => inPage(tab, ([t, server]) => window.T09.scenario(t, server), [transport, url])),
  { timeoutMs: 75000 },
);
