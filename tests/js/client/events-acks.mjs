// Events and acks both ways: echo and echo-ack with every JSON shape, acks with no arguments,
// and a server-to-client ack ("ask" makes the server emit "question" with an ack; the client's
// answer comes back in the ask's ack; an unanswered question acks {"error":"timeout"} after 2 s).
import { assert, ack, connect, once, parseArgs, run, step } from "../lib.mjs";

const { url } = parseArgs();

const shapes = [
  ["text"],
  [""],
  [0, -1.5, 1e21, Number.MAX_SAFE_INTEGER],
  [true, false, null],
  [{ nested: { deep: [1, { k: "v" }] }, empty: {}, list: [] }],
  [["a", ["b", ["c"]]]],
  ["héllo wörld ✓ 🌍 \u0000 \"quoted\" \\ back\nslash"],
  ["x".repeat(100000)],
];

run("events and acks both ways", async () => {
  const { socket } = await connect(url, { transports: ["websocket"] });

  for (const args of shapes) {
    socket.emit("echo", ...args);
    assert.deepEqual(await once(socket, "echo"), args, `echo of ${JSON.stringify(args).slice(0, 60)}`);
    assert.deepEqual(await ack(socket, "echo-ack", ...args), args, `echo-ack of ${JSON.stringify(args).slice(0, 60)}`);
  }
  step(`echo and echo-ack of ${shapes.length} argument shapes`);

  assert.deepEqual(await ack(socket, "echo-ack"), [], "an ack with no arguments");
  socket.emit("echo");
  assert.deepEqual(await once(socket, "echo"), [], "an echo with no arguments");

  // Many acks in flight at once: each reply matches its own request.
  const many = await Promise.all(Array.from({ length: 200 }, (_, i) => ack(socket, "echo-ack", { i })));
  assert.deepEqual(many, Array.from({ length: 200 }, (_, i) => [{ i }]));
  step("200 concurrent acks matched");

  // Server -> client ack: the server asks, we answer, the answer comes back.
  const answers = [];
  socket.on("question", (q, reply) => {
    answers.push(q);
    assert.equal(typeof reply, "function", "the server asked for an ack");
    reply({ answering: q });
  });
  assert.deepEqual(await ack(socket, "ask", "what is 6*7?"), [{ answer: { answering: "what is 6*7?" } }]);
  assert.deepEqual(answers, ["what is 6*7?"]);
  step("ask -> question -> answer");

  // No answer: the server's ack times out after 2 s and says so.
  socket.off("question");
  let asked = 0;
  socket.on("question", () => asked++);
  const t0 = Date.now();
  assert.deepEqual(await ack(socket, "ask", "silence"), [{ error: "timeout" }]);
  const waited = Date.now() - t0;
  assert.equal(asked, 1, "the question arrived");
  assert.ok(waited >= 1800 && waited < 4500, `timeout ack after ~2 s (took ${waited} ms)`);
  step(`unanswered question acked {"error":"timeout"} after ${waited} ms`);
});
