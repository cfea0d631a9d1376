// Checks the chat server's Socket.IO protocol with real node clients:
//   node examples/chat/check/protocol.mjs http://127.0.0.1:3000 [websocket|polling]
// Exits 0 when every check passed, 1 (with the reason) otherwise.
import { io } from 'socket.io-client';

const url = process.argv[2] ?? 'http://127.0.0.1:3000';
const transports = process.argv[3] ? [process.argv[3]] : undefined;
const fail = (m) => { console.error('FAIL', m); process.exit(1); };
const check = (cond, m) => { if (!cond) fail(m); };
setTimeout(() => fail('timed out'), 20000).unref();

const sockets = [];
function connect(nsp) {
  const s = io(url + nsp, { transports, forceNew: true, reconnection: false });
  sockets.push(s);
  return s;
}
const once = (s, ev) => new Promise((r) => s.once(ev, r));
const ask = (s, ev, arg) => s.timeout(5000).emitWithAck(ev, arg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A user: one manager with /chat and /presence, like the page.
async function user(nick) {
  const chat = io(url + '/chat', { transports, forceNew: true, reconnection: false });
  const presence = chat.io.socket('/presence');
  sockets.push(chat, presence);
  const stats = [];
  presence.on('stats', (s) => stats.push(s));
  await once(chat, 'connect');
  const res = nick === undefined ? null : await ask(chat, 'nick', nick);
  return { chat, presence, stats, res, got: [] };
}

const tag = Math.random().toString(36).slice(2, 8);
const a = await user(`ada-${tag}`);
check(a.res.ok === true && a.res.nick === `ada-${tag}`, 'nick ok ' + JSON.stringify(a.res));
const b = await user(`bob-${tag}`);
check(b.res.ok, 'second nick ok');

// A taken nickname (any case) is refused with an error.
const dup = await user(`ADA-${tag}`);
check(dup.res.ok === false && /taken/.test(dup.res.error), 'taken nick ' + JSON.stringify(dup.res));
const bad = await ask(dup.chat, 'nick', '   ');
check(bad.ok === false, 'blank nick refused');

// Requests before a nickname are refused.
const early = await ask(dup.chat, 'join', 'lobby');
check(early.ok === false && /nickname/.test(early.error), 'join without nick ' + JSON.stringify(early));

// Join: ack with members and history; the other member is told.
const room = `room-${tag}`;
const ja = await ask(a.chat, 'join', room);
check(ja.ok && ja.room === room && ja.members.join() === `ada-${tag}`, 'join a ' + JSON.stringify(ja));
const joinedNotice = once(a.chat, 'joined');
const jb = await ask(b.chat, 'join', room);
check(jb.ok && jb.members.length === 2, 'join b ' + JSON.stringify(jb));
const jn = await joinedNotice;
check(jn.nick === `bob-${tag}` && jn.room === room, 'joined notice ' + JSON.stringify(jn));

// Messages reach the room except the sender, and are acked.
const c = await user(`cy-${tag}`);
await ask(c.chat, 'join', `other-${tag}`);
for (const u of [a, b, c]) u.chat.on('message', (m) => u.got.push(m));
const ack = await ask(a.chat, 'message', 'hello bob');
check(ack.ok && typeof ack.id === 'number' && ack.ts > 0, 'message ack ' + JSON.stringify(ack));
const back = await ask(b.chat, 'message', 'hi ada');
check(back.ok && back.id > ack.id, 'reply ack');
await sleep(300);
check(b.got.length === 1 && b.got[0].text === 'hello bob' && b.got[0].nick === `ada-${tag}`, 'b got ' + JSON.stringify(b.got));
check(a.got.length === 1 && a.got[0].text === 'hi ada', 'a got ' + JSON.stringify(a.got));
check(c.got.length === 0, 'other room got nothing ' + JSON.stringify(c.got));

// History for late joiners.
const d = await user(`dee-${tag}`);
const jd = await ask(d.chat, 'join', room);
check(jd.history.map((m) => m.text).join('|') === 'hello bob|hi ada', 'history ' + JSON.stringify(jd.history));

// Presence: stats pushed with the room and the online count.
await sleep(200);
const last = a.stats.at(-1);
const r = last.rooms.find((x) => x.name === room);
check(r && r.users === 3, 'stats room count ' + JSON.stringify(last));
check(last.online >= 4, 'stats online ' + JSON.stringify(last));

// Leaving: disconnect frees the nickname and tells the room.
const leftNotice = once(a.chat, 'left');
b.chat.disconnect();
const ln = await leftNotice;
check(ln.nick === `bob-${tag}` && ln.room === room, 'left notice ' + JSON.stringify(ln));
const again = await user(`bob-${tag}`);
check(again.res.ok, 'nickname free after disconnect');

// Concurrency: 20 clients race for one nickname; exactly one wins.
const racers = await Promise.all(Array.from({ length: 20 }, () => user()));
const results = await Promise.all(racers.map((u) => ask(u.chat, 'nick', `race-${tag}`)));
const winners = results.filter((x) => x.ok).length;
check(winners === 1, `race winners ${winners}`);
// The racers disconnecting at once leave no nickname behind.
for (const u of racers) u.chat.disconnect();
await sleep(300);
const after = await user(`race-${tag}`);
check(after.res.ok, 'raced nickname free after everyone left');

console.log(`OK chat protocol (${a.chat.io.engine.transport.name})`);
for (const s of sockets) s.disconnect();
process.exit(0);
