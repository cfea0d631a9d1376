// What the socket.io-client browser tests share (browser/, browser-v2/): a page server on its
// own port that serves the test page and a client bundle from node_modules and proxies
// /socket.io/ to the server under test, so the page can reach the server both cross-origin
// (straight to the server's URL) and same-origin (long-polling through the proxy, which needs no
// CORS from the server); and the run of that page in headless Chromium, whose outcome the page
// leaves in `window.__result` ({ ok: true } or { ok: false, error }).
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { launchChromium } from "./chromium.mjs";
import { run, step } from "./lib.mjs";

/**
 * Serves `page` at "/" (any query string) and each `files[route]` at `route`, and proxies
 * /socket.io/ (HTTP and WebSocket upgrades) to `serverUrl`. Resolves with the listening server.
 */
export function startPageServer(serverUrl, page, files) {
  const target = new URL(serverUrl);
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
    if (req.url === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const file = Object.hasOwn(files, req.url) ? files[req.url] : req.url.startsWith("/?") || req.url === "/" ? page : null;
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

/**
 * The whole browser script: serves `page` and `files` (see `startPageServer`), opens
 * `/?server=<serverUrl>` in headless Chromium, waits up to `pageTimeoutMs` for the page's
 * `window.__result`, prints the page's console, and passes or fails with the page.
 */
export function runPage(name, serverUrl, { page, files, pageTimeoutMs = 20000, timeoutMs = 60000 }) {
  run(name, async () => {
    const pageServer = await startPageServer(serverUrl, page, files);
    const pagePort = pageServer.address().port;
    const context = await launchChromium("e2e-chromium");
    try {
      const tab = context.pages()[0] ?? (await context.newPage());
      const logs = [];
      tab.on("console", (m) => logs.push(`console.${m.type()}: ${m.text()}`));
      tab.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
      await tab.goto(`http://127.0.0.1:${pagePort}/?server=${encodeURIComponent(serverUrl)}`);
      let result;
      try {
        await tab.waitForFunction(() => window.__result !== undefined, null, { timeout: pageTimeoutMs });
        result = await tab.evaluate(() => window.__result);
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
  }, { timeoutMs });
}
