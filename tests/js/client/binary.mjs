// Binary both ways on both transports: echo of Buffer / Uint8Array (alone, several, nested in
// objects, mixed with JSON), echo-ack of binary, and the "binary" ack of the bytes 0..255.
import { assert, assertSameArgs, ack, allBytes, connect, once, parseArgs, run, step, toBuffer } from "../lib.mjs";

const { url } = parseArgs();

function check(got, want, what) {
  assert.equal(got.length, want.length, `${what}: argument count`);
  assertSameArgs(got, want, what);
}

async function scenario(transports) {
  const label = transports.join("+");
  const { socket } = await connect(url, { transports, upgrade: false });
  const big = Buffer.alloc(200000, 7);
  const cases = [
    [Buffer.from([1, 2, 3])],
    [new Uint8Array([255, 0, 128])],
    [Buffer.alloc(0)],
    ["text", Buffer.from("abc"), 5, { k: Buffer.from([9]) }],
    [{ list: [Buffer.from([1]), Buffer.from([2]), { deeper: Buffer.from([3]) }] }],
    [big],
  ];
  for (const args of cases) {
    socket.emit("echo", ...args);
    check(await once(socket, "echo"), args, `${label} echo`);
    check(await ack(socket, "echo-ack", ...args), args, `${label} echo-ack`);
  }
  const [bytes, ...rest] = await ack(socket, "binary");
  assert.equal(rest.length, 0, "binary acks one argument");
  assert.ok(toBuffer(bytes).equals(allBytes()), `${label}: "binary" ack is the bytes 0..255`);
  assert.equal(socket.io.engine.transport.name, transports[0]);
  socket.disconnect();
  step(`${label}: ${cases.length} binary shapes both ways and the 256-byte ack`);
}

run("binary both ways", async () => {
  await scenario(["websocket"]);
  await scenario(["polling"]);
});
