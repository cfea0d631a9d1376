// Debian's chromium, headless, as every browser test launches it (never a downloaded browser).
// The flags keep it off the network (this machine reaches only package registries) and out of
// the sandbox, which needs privileges a test run as root does not have.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const executablePath = process.env.E2E_CHROMIUM || "/usr/bin/chromium";

/**
 * A persistent context in a fresh user-data dir named after `prefix`; closing the context
 * also removes that dir.
 */
export async function launchChromium(prefix) {
  if (!fs.existsSync(executablePath)) {
    throw new Error(`no browser at ${executablePath} (tools/test.sh installs Debian's chromium)`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    timeout: 30000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Chromium's helper processes may still be writing into the dir when the context reports
  // closed (ENOTEMPTY seen in CI), so removal retries and is best-effort: a leftover temporary
  // dir is not a test failure, and an exception thrown from this handler would fail the script.
  context.on("close", () => {
    try {
      fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (err) {
      console.error(`note: could not remove ${userDataDir}: ${err.code ?? err}`);
    }
  });
  return context;
}
