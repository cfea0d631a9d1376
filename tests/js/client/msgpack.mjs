// socket.io-client 4.8 with socket.io-msgpack-parser 3.0 (the server runs `--parser msgpack`):
// on WebSocket and on long-polling, events and acks both ways, binary both ways (alone,
// nested, mixed with JSON, the 256-byte ack), two namespaces over one connection (auth on
// "/admin"), a broadcast with binary to a room; then a client with the default parser is
// closed at once, as node closes it ("transport close").
import msgpackParser from "socket.io-msgpack-parser";
import { Manager, assert, assertSameArgs, assertWelcome, ack, allBytes, connect, io, once, parseArgs, record, run, sleep, step, toBuffer } from "../lib.mjs";

const { url } = parseArgs();
const parser = msgpackParser;

async function scenario(transports) {
  const label = transports.join("+");
  const opts = { transports, upgrade: false, parser };
  const manager = new Manager(url, { reconnection: false, autoConnect: false, ...opts });
  const main = await connect(url, { manager, nsp: "/" });
  const admin = await connect(url, { manager, nsp: "/admin", auth: { token: "secret" } });
  assertWelcome(main.welcome, main.socket, "/", null);
  assertWelcome(admin.welcome, admin.socket, "/admin", { token: "secret" });
  const socket = main.socket;
  step(`${label}: "/" and "/admin" (with auth) over one connection`);

  // Events and client -> server acks, with binaries of every shape.
  const cases = [
    ["text", 1, 2.5, null, true, { k: [1, "two"] }],
    [Buffer.from([1, 2, 3])],
    [Buffer.alloc(0)],
    ["text", Buffer.from("abc"), 5, { k: Buffer.from([9]) }],
    [{ list: [Buffer.from([1]), Buffer.from([2]), { deeper: Buffer.from([3]) }] }],
    [Buffer.alloc(200000, 7)],
  ];
  for (const args of cases) {
    socket.emit("echo", ...args);
    assertSameArgs(await once(socket, "echo"), args, `${label} echo`);
    assertSameArgs(await ack(socket, "echo-ack", ...args), args, `${label} echo-ack`);
    assertSameArgs(await ack(admin.socket, "echo-ack", ...args), args, `${label} /admin echo-ack`);
  }
  const [bytes, ...rest] = await ack(socket, "binary");
  assert.equal(rest.length, 0, "binary acks one argument");
  assert.ok(toBuffer(bytes).equals(allBytes()), `${label}: "binary" ack is the bytes 0..255`);
  step(`${label}: ${cases.length} argument shapes both ways, and the 256-byte ack`);

  // Server -> client ack.
  socket.on("question", (q, reply) => reply({ answering: q }));
  assert.deepEqual(await ack(socket, "ask", "what is 6*7?"), [{ answer: { answering: "what is 6*7?" } }]);
  socket.off("question");
  step(`${label}: the server's question answered through the client's ack`);

  // A broadcast with binary to a room, the sender left out.
  const other = (await connect(url, opts)).socket;
  const outsider = (await connect(url, opts)).socket;
  for (const s of [socket, other]) await ack(s, "join", "mp");
  const got = { self: record(socket, "mp-news"), other: record(other, "mp-news"), outsider: record(outsider, "mp-news") };
  const args = [Buffer.from([1, 2, 3]), "text", { nested: Buffer.from([255, 0]) }];
  assert.deepEqual(await ack(socket, "broadcast", { room: "mp", event: "mp-news", args, exceptSelf: true }), [{ ok: true }]);
  await Promise.all([socket, other, outsider].map((s) => ack(s, "echo-ack", "sync")));
  await sleep(50);
  assert.equal(got.self.length + got.outsider.length, 0, "neither the sender nor the non-member got it");
  assert.equal(got.other.length, 1, "the member got the broadcast once");
  assertSameArgs(got.other[0], args, `${label} broadcast`);
  step(`${label}: binary broadcast to a room`);

  assert.equal(socket.io.engine.transport.name, transports[0]);
  for (const s of [socket, admin.socket, other, outsider]) s.disconnect();
}

run("socket.io-msgpack-parser client", async () => {
  await scenario(["websocket"]);
  await scenario(["polling"]);

  // A client with the default parser: its CONNECT is text, which a msgpack server refuses.
  for (const transports of [["websocket"], ["polling"]]) {
    const socket = io(url, { forceNew: true, reconnection: false, autoConnect: false, transports });
    const welcomed = record(socket, "welcome");
    const closed = once(socket, "disconnect", 5000, "the default-parser client's close");
    socket.connect();
    const [reason] = await closed;
    assert.equal(reason, "transport close", `${transports}: default-parser client closed`);
    assert.equal(welcomed.length, 0, "no welcome");
    step(`${transports}: a default-parser client is closed at once ("${reason}")`);
  }
});
