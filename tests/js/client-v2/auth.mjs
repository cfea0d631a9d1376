// socket.io-client 2.x and "/admin": 2.x has no `auth` option; the namespace's query string is
// sent in the CONNECT packet (`0/admin?token=secret,`) and the server takes it as the auth object.
// `token=secret` is accepted; a wrong or missing token is refused with an ERROR packet, which 2.x
// reports as an "error" event carrying the payload: for an EIO 3 client node sends the middleware
// error's `data` ({reason: "bad token"}) when it has one, else its message string. A refusal on a
// shared connection leaves the connection and its "/" socket working.
import { assert, parseArgs, run, step } from "../lib.mjs";
import { ManagerV2, ackV2, assertWelcomeV2, connectV2 } from "./v2lib.mjs";

const { url } = parseArgs();

async function refused(opts) {
  try {
    const { socket } = await connectV2(url, { nsp: "/admin", ...opts });
    socket.disconnect();
  } catch (err) {
    assert.ok("refused" in err, `expected a refusal ("error" event), got ${err.message}`);
    return err.refused;
  }
  throw new Error(`/admin accepted ${JSON.stringify(opts)}`);
}

run("2.x namespace query as auth", async () => {
  const admin = await connectV2(url, { nsp: "/admin", query: { token: "secret" } });
  assertWelcomeV2(admin.welcome, admin.socket, "/admin", { token: "secret" });
  assert.deepEqual(await ackV2(admin.socket, "echo-ack", 1), [1]);
  step("/admin?token=secret accepted, its auth is {token: \"secret\"}");

  for (const opts of [{ query: { token: "nope" } }, { query: { token: "secret " } }, {}]) {
    assert.deepEqual(await refused(opts), { reason: "bad token" }, `refusal payload for ${JSON.stringify(opts)}`);
  }
  step('wrong, padded and missing tokens refused with payload {reason: "bad token"}');

  // On a shared connection: "/" works, "/admin" is refused, "/" still works afterwards.
  const manager = new ManagerV2(url, { reconnection: false, autoConnect: false });
  const main = await connectV2(url, { manager, nsp: "/" });
  assert.deepEqual(await refused({ manager, query: { token: "wrong" } }), { reason: "bad token" });
  assert.deepEqual(await ackV2(main.socket, "echo-ack", "after refusal"), ["after refusal"]);
  assert.equal(manager.engine.readyState, "open", "the shared connection stays open");
  step("a refusal on a shared connection left its / socket working");

  assert.deepEqual(await ackV2(admin.socket, "count"), [{ sockets: 1 }], "refused sockets are not counted");
});
