// socket.io-client 2.x: two namespaces over ONE engine connection (one Manager). "/" is connected
// by the server as soon as the engine connection opens (EIO 3 clients send no CONNECT for "/");
// "/admin" is asked for with the query `token=secret`, which the server takes as its auth. Each
// namespace gets its own welcome and events; socket ids are the 2.x ones ("/admin#<engine id>").
import { assert, once, parseArgs, run, sleep, step } from "../lib.mjs";
import { ManagerV2, ackV2, assertWelcomeV2, connectV2 } from "./v2lib.mjs";

const { url } = parseArgs();

run("2.x two namespaces over one connection", async () => {
  const manager = new ManagerV2(url, { reconnection: false, autoConnect: false });
  let engineOpens = 0;
  manager.on("open", () => engineOpens++);

  const main = await connectV2(url, { manager, nsp: "/" });
  const admin = await connectV2(url, { manager, nsp: "/admin", query: { token: "secret" } });
  assertWelcomeV2(main.welcome, main.socket, "/", null);
  assertWelcomeV2(admin.welcome, admin.socket, "/admin", { token: "secret" });
  assert.equal(main.socket.io, admin.socket.io, "same Manager");
  assert.equal(engineOpens, 1, "exactly one engine connection was opened");
  step(`"/" ${main.socket.id} and "/admin" ${admin.socket.id} share one engine connection`);

  let leaked = 0;
  main.socket.on("echo", () => leaked++);
  admin.socket.emit("echo", "for admin");
  assert.deepEqual(await once(admin.socket, "echo"), ["for admin"]);
  assert.deepEqual(await ackV2(main.socket, "echo-ack", "main"), ["main"]);
  assert.deepEqual(await ackV2(admin.socket, "echo-ack", "admin"), ["admin"]);
  await sleep(100);
  assert.equal(leaked, 0, "the /admin echo did not arrive on /");
  assert.deepEqual(await ackV2(main.socket, "count"), [{ sockets: 1 }]);
  assert.deepEqual(await ackV2(admin.socket, "count"), [{ sockets: 1 }]);
  step("events stay in their namespace");

  // Leaving one namespace keeps the other (and the shared connection) alive.
  const leftAdmin = once(admin.socket, "disconnect", 5000, "/admin disconnect");
  admin.socket.disconnect();
  assert.deepEqual(await leftAdmin, ["io client disconnect"]);
  assert.deepEqual(await ackV2(main.socket, "echo-ack", "still here"), ["still here"]);
  assert.deepEqual(await ackV2(main.socket, "count"), [{ sockets: 1 }]);
  assert.equal(engineOpens, 1, "no second engine connection");
  assert.equal(manager.engine.readyState, "open");
  step("/admin left, / still served on the same connection");
});
