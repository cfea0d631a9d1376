// Auth: "/" accepts anyone and echoes the auth; "/admin" accepts {token:"secret"} only and
// otherwise answers connect_error "unauthorized" with data {reason:"bad token"}.
import { assert, ack, assertWelcome, connect, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

async function refused(auth) {
  try {
    const { socket } = await connect(url, { nsp: "/admin", ...(auth !== undefined && { auth }) });
    socket.disconnect();
  } catch (err) {
    assert.ok(err.cause, `expected connect_error, got ${err.message}`);
    return err.cause;
  }
  throw new Error(`/admin accepted auth ${JSON.stringify(auth)}`);
}

run("auth accepted and refused", async () => {
  const user = { user: "alice", roles: ["a", "b"], n: 1 };
  const root = await connect(url, { auth: user });
  assertWelcome(root.welcome, root.socket, "/", user);
  step("/ echoes auth");

  const admin = await connect(url, { nsp: "/admin", auth: { token: "secret" } });
  assertWelcome(admin.welcome, admin.socket, "/admin", { token: "secret" });
  assert.deepEqual(await ack(admin.socket, "echo-ack", 1), [1]);
  step("/admin accepts the secret");

  for (const bad of [{ token: "nope" }, {}, undefined, { token: "secret ", extra: 1 }]) {
    const err = await refused(bad);
    assert.equal(err.message, "unauthorized", `message for auth ${JSON.stringify(bad)}`);
    assert.deepEqual(err.data, { reason: "bad token" }, `data for auth ${JSON.stringify(bad)}`);
  }
  step("/admin refuses bad tokens with message and data");

  // The refusals did not disturb the accepted sockets.
  assert.deepEqual(await ack(admin.socket, "count"), [{ sockets: 1 }]);
  assert.deepEqual(await ack(root.socket, "echo-ack", "ok"), ["ok"]);
});
