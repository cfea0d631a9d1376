// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) runs socket.io-client's
// browser bundle against the server: see page.html. This script serves the page and the bundle
// from node_modules on its own port, and proxies /socket.io/ to the server so the page can also
// use long-polling same-origin (the server need not speak CORS).
//
// usage: node echo-ack.mjs <server url>     (E2E_CHROMIUM overrides the browser path)
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../chromium.mjs";
import { parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();
const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.join(here, "..", "node_modules", "socket.io-client", "dist", "socket.io.min.js");
const target = new URL(url);

function startPageServer() {
  const server = http.createServer((req, res) => {
    if (req.url.startsWith("/socket.io/")) {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (ures) => {
          res.writeHead(ures.statusCode, ures.headers);
          ures.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
      return;
    }
    const file = req.url === "/socket.io.min.js" ? bundle : req.url.startsWith("/?") || req.url === "/" ? path.join(here, "page.html") : null;
    if (req.url === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": file.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8" });
    fs.createReadStream(file).pipe(res);
  });
  // WebSocket upgrades are relayed byte for byte.
  server.on("upgrade", (req, sock, head) => {
    const up = net.connect(Number(target.port), target.hostname, () => {
      let raw = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        raw += `${name}: ${name.toLowerCase() === "host" ? target.host : req.rawHeaders[i + 1]}\r\n`;
      }
      up.write(raw + "\r\n");
      if (head.length) up.write(head);
      sock.pipe(up).pipe(sock);
    });
    up.on("error", () => sock.destroy());
    sock.on("error", () => up.destroy());
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

run("headless chromium echo-ack", async () => {
  const pageServer = await startPageServer();
  const pagePort = pageServer.address().port;
  const context = await launchChromium("e2e-chromium");
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const logs = [];
    page.on("console", (m) => logs.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${pagePort}/?server=${encodeURIComponent(url)}`);
    let result;
    try {
      await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 20000 });
      result = await page.evaluate(() => window.__result);
    } catch (e) {
      throw new Error(`the page did not finish: ${e.message}\n${logs.join("\n")}`);
    }
    for (const l of logs) step(l);
    if (!result.ok) throw new Error(`in the browser: ${result.error}`);
  } finally {
    await context.close();
    pageServer.closeAllConnections();
    pageServer.close();
  }
}, { timeoutMs: 60000 });
