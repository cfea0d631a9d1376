// Graceful server shutdown (stdin EOF). Protocol with the Rust harness: after connecting two
// clients (websocket and polling) this script prints "READY_FOR_SHUTDOWN"; the harness closes
// the server's stdin; both clients must see a disconnect promptly.
import { assert, connect, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

run("graceful shutdown", async () => {
  const a = (await connect(url, { transports: ["websocket"] })).socket;
  const b = (await connect(url, { transports: ["polling"], upgrade: false })).socket;
  const goneA = once(a, "disconnect", 10000, "websocket client's disconnect");
  const goneB = once(b, "disconnect", 10000, "polling client's disconnect");
  console.log("READY_FOR_SHUTDOWN");
  const [[ra], [rb]] = await Promise.all([goneA, goneB]);
  step(`websocket client: ${ra}; polling client: ${rb}`);
  const ok = ["io server disconnect", "transport close", "transport error"];
  assert.ok(ok.includes(ra), `websocket client reason ${ra}`);
  assert.ok(ok.includes(rb), `polling client reason ${rb}`);
}, { timeoutMs: 30000 });
