// What the chat browser tests do on the chat's page (examples/chat/static): sign in, join,
// say, and wait for what the page shows. Shared by chat-browser.mjs and chat-recovery.mjs.

export const WAIT = { timeout: 10000 };

export async function openPage(context, name, logs, at) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1100, height: 700 });
  page.on("console", (m) => logs.push(`${name} console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`${name} pageerror: ${e.message}`));
  await page.goto(at);
  return page;
}

// Picks a nickname; resolves with the page's error text, or null once signed in.
export async function tryNick(page, nick) {
  await page.fill("#nick", nick);
  await page.click("#nick-submit");
  const outcome = await Promise.race([
    page.waitForSelector("#app:not([hidden])", WAIT).then(() => null),
    page.waitForFunction(() => document.querySelector("#login-error").textContent !== "", null, WAIT)
      .then(() => page.textContent("#login-error")),
  ]);
  if (outcome === null) await waitRoom(page, "lobby");
  return outcome;
}

export async function waitRoom(page, room) {
  await page.waitForFunction((r) => document.querySelector("#room-title").textContent === `# ${r}`, room, WAIT);
}

export async function joinRoom(page, room) {
  await page.fill("#room-name", room);
  await page.press("#room-name", "Enter");
  await waitRoom(page, room);
}

// Sends `text` and waits until the server's ack marked it delivered.
export async function say(page, text) {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
  await page.waitForFunction(
    (t) => [...document.querySelectorAll(".msg.mine.delivered .text")].some((e) => e.textContent === t),
    text,
    WAIT,
  );
}

// Waits until `page` shows `text` as someone else's message by `nick`.
export async function sees(page, nick, text) {
  await page.waitForFunction(
    ([n, t]) =>
      [...document.querySelectorAll(".msg:not(.mine)")].some(
        (e) => e.dataset.nick === n && e.querySelector(".text").textContent === t,
      ),
    [nick, text],
    WAIT,
  );
}

export async function texts(page) {
  return page.$$eval(".msg .text", (els) => els.map((e) => e.textContent));
}

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Waits until `page` shows the notice `text` (e.g. "bob left").
export async function seesNotice(page, text) {
  await page.waitForFunction(
    (t) => [...document.querySelectorAll(".notice")].some((e) => e.textContent === t),
    text,
    WAIT,
  );
}

// The notices `page` shows, oldest first.
export async function notices(page) {
  return page.$$eval(".notice", (els) => els.map((e) => e.textContent));
}
