// The argument rule as a client sees it, on "/" (closure handlers) and "/admin" (a namespace
// object): an ack of the number 5 arrives as 5 and of the string "ok" as "ok" (they once put
// `43<id>5` and a non-array ACK on the wire), a tuple is several arguments, and a Vec is ONE
// array argument, as node's `socket.emit("vec", [1, 2, 3])` sends it. On "/admin", the
// object's per-socket state (`hit` totals) belongs to each socket, and arguments that do not
// fit a method come back as a `bad-event` report instead of silence.
import { assert, ack, connect, once, parseArgs, run, step } from "../lib.mjs";

const { url, isNodeReference } = parseArgs();

run("argument rule on the wire", async () => {
  for (const [nsp, auth] of [["/", undefined], ["/admin", { token: "secret" }]]) {
    for (const transports of [["websocket"], ["polling"]]) {
      const { socket } = await connect(url, { nsp, transports, ...(auth && { auth }) });
      assert.deepEqual(await ack(socket, "ack-number"), [5], `${nsp} ack.send(&5)`);
      assert.deepEqual(await ack(socket, "ack-string"), ["ok"], `${nsp} ack.send("ok")`);
      assert.deepEqual(await ack(socket, "ack-pair"), ["a", 1], `${nsp} a tuple is two arguments`);
      assert.deepEqual(await ack(socket, "ack-vec"), [[1, 2]], `${nsp} a Vec acks one array`);
      socket.emit("send-vec");
      assert.deepEqual(await once(socket, "vec"), [[1, 2, 3]], `${nsp} a Vec emits one array`);
      socket.disconnect();
      step(`${nsp} over ${transports[0]}: 5, "ok", ("a", 1), [1, 2] and [1, 2, 3] as sent`);
    }
  }

  // What follows is ours: node's reference application has no namespace objects.
  if (isNodeReference) return;
  const auth = { token: "secret" };
  const a = (await connect(url, { nsp: "/admin", auth })).socket;
  const b = (await connect(url, { nsp: "/admin", auth })).socket;
  assert.deepEqual(await ack(a, "hit", 2), [2]);
  assert.deepEqual(await ack(a, "hit", 3), [5]);
  assert.deepEqual(await ack(b, "hit", 1), [1], "each socket has its own object");
  // Events sent at once are handled one at a time, in order.
  const burst = await Promise.all([1, 1, 1, 1].map((n) => ack(a, "hit", n)));
  assert.deepEqual(burst, [[6], [7], [8], [9]]);
  step("per-socket state in the namespace object, events in order");

  const report = once(a, "bad-event");
  a.emit("hit", "not a number");
  const [bad] = await report;
  assert.equal(bad.event, "hit");
  assert.match(bad.error, /invalid type/);
  assert.deepEqual(await ack(a, "hit", 1), [10], "the bad event changed nothing");
  step(`a bad argument is reported: ${bad.error}`);
});
