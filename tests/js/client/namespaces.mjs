// Two namespaces over ONE engine connection (one Manager): "/" and "/admin". Each gets its own
// welcome and its own events; the engine connection opened once.
import { assert, ack, assertWelcome, connect, Manager, once, parseArgs, run, step, sleep } from "../lib.mjs";

const { url } = parseArgs();

run("two namespaces over one connection", async () => {
  const manager = new Manager(url, { reconnection: false, autoConnect: false });
  let engineOpens = 0;
  manager.on("open", () => engineOpens++);

  const main = await connect(url, { manager, nsp: "/" });
  const admin = await connect(url, { manager, nsp: "/admin", auth: { token: "secret" } });
  assertWelcome(main.welcome, main.socket, "/", null);
  assertWelcome(admin.welcome, admin.socket, "/admin", { token: "secret" });
  assert.notEqual(main.socket.id, admin.socket.id, "each namespace has its own socket id");
  assert.equal(main.socket.io, admin.socket.io, "same Manager");
  assert.equal(engineOpens, 1, "exactly one engine connection was opened");
  step(`"/" ${main.socket.id} and "/admin" ${admin.socket.id} share engine ${manager.engine.id}`);

  // An echo on one namespace reaches that namespace's socket only.
  let leaked = 0;
  main.socket.on("echo", () => leaked++);
  admin.socket.emit("echo", "for admin");
  assert.deepEqual(await once(admin.socket, "echo"), ["for admin"]);
  assert.deepEqual(await ack(main.socket, "echo-ack", "main"), ["main"]);
  assert.deepEqual(await ack(admin.socket, "echo-ack", "admin"), ["admin"]);
  await sleep(100);
  assert.equal(leaked, 0, "the /admin echo did not arrive on /");

  assert.deepEqual(await ack(main.socket, "count"), [{ sockets: 1 }]);
  assert.deepEqual(await ack(admin.socket, "count"), [{ sockets: 1 }]);

  // Leaving one namespace keeps the other (and the shared connection) alive.
  admin.socket.disconnect();
  assert.deepEqual(await ack(main.socket, "echo-ack", "still here"), ["still here"]);
  assert.equal(engineOpens, 1, "no second engine connection");
});
