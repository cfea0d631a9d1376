// A flood of 500 Engine.IO handshakes at once (500 parallel connections). All must be answered
// 200 with an open packet and distinct sids; then a normal client must still connect and get acks.
import http from "node:http";
import { assert, parseArgs, run, step } from "../lib.mjs";
import { assertServes, request, EIO_PATH } from "./rawlib.mjs";

const { url } = parseArgs();
const FLOOD = 500;

run("handshake flood", async () => {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const t0 = Date.now();
  const results = await Promise.allSettled(
    Array.from({ length: FLOOD }, () => request(url, EIO_PATH, { agent, timeoutMs: 15000 })),
  );
  const elapsed = Date.now() - t0;
  const failed = results.filter((r) => r.status === "rejected");
  const bad = results.filter((r) => r.status === "fulfilled" && !(r.value.status === 200 && r.value.text.startsWith("0{")));
  assert.equal(failed.length, 0, `${failed.length} handshakes got no answer, e.g. ${failed[0]?.reason?.message}`);
  assert.equal(bad.length, 0, `${bad.length} handshakes were refused, e.g. ${bad[0]?.value?.status} ${bad[0]?.value?.text.slice(0, 100)}`);
  const sids = new Set(results.map((r) => JSON.parse(r.value.text.slice(1)).sid));
  assert.equal(sids.size, FLOOD, "every handshake got its own sid");
  step(`${FLOOD} parallel handshakes answered in ${elapsed} ms`);

  await assertServes(url, "after the flood");
});
