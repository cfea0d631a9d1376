// The chat page: two Socket.IO namespaces on one connection.
//   /chat      nickname, rooms and messages (requests are acknowledged by the server)
//   /presence  the live room list and online count, pushed by the server
// User text is only ever set with textContent, never parsed as HTML.
'use strict';

const $ = (sel) => document.querySelector(sel);
const ACK_TIMEOUT_MS = 5000;

const chat = io('/chat');
const presence = io('/presence');

let me = null; // our nickname once the server accepted it
let room = null; // the room we are in
let members = new Set();

// ---- small DOM helpers -----------------------------------------------------------------

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function hue(nick) {
  let h = 0;
  for (const c of nick.toLowerCase()) h = (h * 31 + c.codePointAt(0)) % 360;
  return h;
}

function clock(ts) {
  const d = new Date(ts);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function scrollDown() {
  const list = $('#messages');
  list.scrollTop = list.scrollHeight;
}

// ---- rendering ---------------------------------------------------------------------------

function addMessage(m, mine = false) {
  const li = el('li', mine ? 'msg mine' : 'msg');
  li.dataset.nick = m.nick;
  const head = el('div', 'meta');
  const who = el('span', 'nick', m.nick);
  who.style.color = `hsl(${hue(m.nick)} 60% 36%)`;
  head.append(who, el('time', 'time', clock(m.ts)));
  const body = el('div', 'text', m.text);
  li.append(head, body);
  if (mine) li.append(el('span', 'tick', '…'));
  $('#messages').append(li);
  scrollDown();
  return li;
}

function addNotice(text) {
  $('#messages').append(el('li', 'notice', text));
  scrollDown();
}

function renderMembers() {
  const ul = $('#members');
  ul.replaceChildren();
  for (const nick of [...members].sort((a, b) => a.localeCompare(b))) {
    const li = el('li', nick === me ? 'member self' : 'member', nick);
    li.style.setProperty('--h', hue(nick));
    ul.append(li);
  }
}

function renderRooms(stats) {
  $('#online').textContent = stats.online;
  const ul = $('#rooms');
  ul.replaceChildren();
  for (const r of stats.rooms) {
    const li = el('li', r.name === room ? 'room active' : 'room');
    li.dataset.room = r.name;
    li.append(el('span', 'room-name', `# ${r.name}`), el('span', 'count', r.users));
    li.addEventListener('click', () => join(r.name));
    ul.append(li);
  }
}

function setComposer(enabled) {
  $('#text').disabled = !enabled;
  $('#send').disabled = !enabled;
  if (enabled) $('#text').focus();
}

// ---- requests (each acknowledged by the server) ------------------------------------------

async function request(event, arg) {
  try {
    return await chat.timeout(ACK_TIMEOUT_MS).emitWithAck(event, arg);
  } catch {
    return { ok: false, error: 'the server did not answer' };
  }
}

async function register(nick) {
  const res = await request('nick', nick);
  if (res.ok) me = res.nick;
  return res;
}

async function join(name) {
  $('#room-error').textContent = '';
  const res = await request('join', name);
  if (!res.ok) {
    $('#room-error').textContent = res.error;
    return;
  }
  room = res.room;
  members = new Set(res.members);
  $('#room-title').textContent = `# ${room}`;
  $('#messages').replaceChildren();
  for (const m of res.history) addMessage(m, m.nick === me);
  for (const li of document.querySelectorAll('.msg.mine')) markDelivered(li);
  addNotice(`you joined # ${room}`);
  renderMembers();
  for (const li of document.querySelectorAll('#rooms .room')) {
    li.classList.toggle('active', li.dataset.room === room);
  }
  setComposer(true);
}

function markDelivered(li) {
  li.classList.add('delivered');
  li.querySelector('.tick').textContent = '✓';
  li.querySelector('.tick').title = 'delivered';
}

async function send(text) {
  const li = addMessage({ nick: me, text, ts: Date.now() }, true);
  const res = await request('message', text);
  if (res.ok) {
    markDelivered(li);
  } else {
    li.classList.add('failed');
    li.querySelector('.tick').textContent = '!';
    li.querySelector('.tick').title = res.error;
  }
}

// ---- UI events ---------------------------------------------------------------------------

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#login-error').textContent = '';
  const res = await register($('#nick').value);
  if (!res.ok) {
    $('#login-error').textContent = res.error;
    return;
  }
  $('#me').textContent = me;
  $('#login').hidden = true;
  $('#app').hidden = false;
  await join('lobby');
});

$('#room-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('#room-name').value.trim();
  if (!name) return;
  $('#room-name').value = '';
  await join(name);
});

$('#send-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('#text').value.trim();
  if (!text) return;
  $('#text').value = '';
  send(text);
});

// ---- server events -----------------------------------------------------------------------

chat.on('message', (m) => {
  if (m.room === room) addMessage(m);
});

chat.on('joined', ({ room: r, nick }) => {
  if (r !== room) return;
  members.add(nick);
  renderMembers();
  addNotice(`${nick} joined`);
});

chat.on('left', ({ room: r, nick }) => {
  if (r !== room) return;
  members.delete(nick);
  renderMembers();
  addNotice(`${nick} left`);
});

presence.on('stats', renderRooms);

chat.on('connect', async () => {
  $('#status').classList.add('up');
  if (!me) return;
  // Back within the server's recovery window: the same socket, still in its room, and the
  // messages sent meanwhile have just been delivered as events. Nothing to claim again.
  if (chat.recovered) {
    addNotice('reconnected');
    if (room) setComposer(true);
    return;
  }
  // Otherwise the server knows a new socket: claim the nickname and room again.
  const res = await register(me);
  if (!res.ok) {
    addNotice(`could not get your nickname back: ${res.error}`);
    return;
  }
  if (room) await join(room);
});

// Leaving the page is leaving the chat: say so, so the room hears it at once. (A connection
// that merely drops is held by the server for a while, waiting for this page to come back.)
window.addEventListener('pagehide', () => {
  chat.disconnect();
  presence.disconnect();
});
// Back from the browser's back-forward cache: connect again (as a new socket, since we left).
window.addEventListener('pageshow', (e) => {
  if (!e.persisted) return;
  chat.connect();
  presence.connect();
});

chat.on('disconnect', () => {
  $('#status').classList.remove('up');
  setComposer(false);
  if (me) addNotice('connection lost, reconnecting…');
});
