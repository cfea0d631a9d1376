// Runs in the page, after socket.io-client 0.9.16's own browser bundle (window.io): helpers for
// the 0.9 client API (io.connect / socket.of, "connect_failed", acks as a trailing callback, no
// timeouts of its own) and the per-transport scenario. The driving node script calls into
// window.T09 with playwright's evaluate: `T09.scenario(transport, serverUrl)` for one
// transport, `T09.open` / `T09.ack` / `T09.take` for the mixed-room script.
(function () {
  "use strict";
  var T09 = (window.T09 = {});
  var log = (T09.log = function (m) {
    console.log(m);
  });

  function check(cond, msg) {
    if (!cond) throw new Error(msg);
  }

  /** Deep equality of JSON values, key order ignored (the server may reorder object keys). */
  function same(a, b) {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (var i = 0; i < ka.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(b, ka[i]) || !same(a[ka[i]], b[ka[i]])) return false;
    }
    return true;
  }
  T09.same = same;
  var show = function (v) {
    return JSON.stringify(v);
  };
  function checkSame(got, want, what) {
    check(same(got, want), what + ": got " + show(got) + ", want " + show(want));
  }

  var sleep = (T09.sleep = function (ms) {
    return new Promise(function (r) {
      setTimeout(r, ms);
    });
  });

  /**
   * The argument list of the next `event` on `emitter` (a 0.9 namespace or socket) that satisfies
   * `pred`; rejects after `ms`, or at once on any of `failOn` (events that mean it never comes).
   */
  function waitFor(emitter, event, ms, what, pred, failOn) {
    return new Promise(function (resolve, reject) {
      var fails = [];
      function cleanup() {
        clearTimeout(t);
        emitter.removeListener(event, handler);
        fails.forEach(function (f) {
          emitter.removeListener(f[0], f[1]);
        });
      }
      var t = setTimeout(function () {
        cleanup();
        reject(new Error("timed out after " + ms + " ms waiting for " + what));
      }, ms);
      function handler() {
        var args = Array.prototype.slice.call(arguments);
        if (pred && !pred.apply(null, args)) return;
        cleanup();
        resolve(args);
      }
      emitter.on(event, handler);
      (failOn || []).forEach(function (name) {
        var f = function () {
          cleanup();
          reject(new Error(what + ": got " + name + " " + show(Array.prototype.slice.call(arguments))));
        };
        fails.push([name, f]);
        emitter.on(name, f);
      });
    });
  }
  T09.waitFor = waitFor;

  /** Resolves once `cond()` holds (checked every 10 ms); rejects after `ms`. */
  function until(cond, ms, what) {
    return new Promise(function (resolve, reject) {
      var deadline = Date.now() + ms;
      (function poll() {
        if (cond()) return resolve();
        if (Date.now() > deadline) return reject(new Error("timed out after " + ms + " ms waiting for " + what));
        setTimeout(poll, 10);
      })();
    });
  }

  /** Emits `event` with `args` and an ack callback; resolves with the ack's argument list. */
  function ack(nsp, event) {
    var args = Array.prototype.slice.call(arguments, 2);
    return new Promise(function (resolve, reject) {
      var t = setTimeout(function () {
        reject(new Error("no ack for " + event + " on " + (nsp.name || "/") + " within 5000 ms"));
      }, 5000);
      nsp.emit.apply(nsp, [event].concat(args, [
        function () {
          clearTimeout(t);
          resolve(Array.prototype.slice.call(arguments));
        },
      ]));
    });
  }
  T09.ackOf = ack;

  /** Records every `event` on `emitter`. */
  function record(emitter, event) {
    var got = [];
    emitter.on(event, function () {
      got.push(Array.prototype.slice.call(arguments));
    });
    return got;
  }

  /** The welcome of `nsp`; fails on connect_failed, error or disconnect. */
  function welcome(nsp, what) {
    return waitFor(nsp, "welcome", 10000, what + ": welcome", null, ["connect_failed", "error", "disconnect"]).then(
      function (args) {
        return args[0];
      },
    );
  }

  /**
   * A new 0.9 session (`force new connection`, no reconnection) to `url` (its path is the
   * namespace, its query the handshake's query) over `transport` only; resolves with
   * { sock, root, nsp } once the welcome of `url`'s namespace arrived (`nsp` === `root` for "/").
   * The root namespace's welcome is in `rootWelcome`, the other one's in `welcome`.
   */
  T09.session = function (url, transport, what) {
    var nsp = io.connect(url, {
      transports: [transport],
      "force new connection": true,
      reconnect: false,
      "connect timeout": 8000,
    });
    var sock = nsp.socket;
    var root = sock.of("");
    var waits = [welcome(root, what + " /")];
    if (nsp !== root) waits.push(welcome(nsp, what + " " + nsp.name));
    return Promise.all(waits).then(function (w) {
      return { sock: sock, root: root, nsp: nsp, rootWelcome: w[0], welcome: w[w.length - 1] };
    });
  };

  function checkWelcome(w, nsp, auth, what) {
    check(w && typeof w === "object", what + ": welcome is an object: " + show(w));
    check(typeof w.id === "string" && w.id.length > 0, what + ": welcome.id is a non-empty string: " + show(w));
    check(w.nsp === nsp, what + ": welcome.nsp " + show(w.nsp) + ", want " + show(nsp));
    // no query besides t (and jsonp): null, as for a 4.x client without auth
    checkSame(w.auth, auth, what + ": welcome.auth");
  }

  var argLists = [
    ["from 0.9"],
    ["two", 2, { n: 1, s: "héllo wörld ✓ 🌍 \"quoted\" \\ back\nslash", list: [1, null, true, 2.5] }],
    [{ nested: { deep: [1, { k: "v" }] }, empty: {}, list: [] }, false, null],
  ];

  /** echo, echo-ack and ask on one namespace. */
  async function exercise(nsp, other, label) {
    var echoes = record(nsp, "echo");
    var elsewhere = record(other, "echo");
    for (var i = 0; i < argLists.length; i++) {
      var args = argLists[i];
      nsp.emit.apply(nsp, ["echo"].concat(args));
      checkSame(await waitFor(nsp, "echo", 5000, label + " echo"), args, label + ": echo");
      checkSame(await ack.apply(null, [nsp, "echo-ack"].concat(args)), args, label + ": echo-ack");
    }
    checkSame(await ack(nsp, "echo-ack"), [], label + ": echo-ack with no arguments");
    check(echoes.length === argLists.length, label + ": " + echoes.length + " echoes for " + argLists.length + " emits");
    check(elsewhere.length === 0, label + ": the other namespace got " + elsewhere.length + " echoes");
    log(label + ": events and client-to-server acks of " + argLists.length + " argument lists");

    var questions = [];
    function onQuestion(q, reply) {
      questions.push(q);
      check(typeof reply === "function", label + ": the server asked for an ack");
      reply({ answering: q });
    }
    nsp.on("question", onQuestion);
    checkSame(await ack(nsp, "ask", "6*7?"), [{ answer: { answering: "6*7?" } }], label + ": ask");
    checkSame(questions, ["6*7?"], label + ": questions received");
    nsp.removeListener("question", onQuestion);
    log(label + ": ask -> question -> answer (server-to-client ack)");
  }

  /**
   * One transport: namespaces / and /admin on one session (the token rides on the handshake
   * query), events and acks both ways on each, heartbeats over an idle period, a refused
   * /admin without the token, client- and server-initiated disconnects of a namespace and of
   * the whole session, each seen by the server (its "left" broadcast) or by the client.
   * websocket and xhr-polling go same-origin through the page server's proxy (the server need
   * not speak CORS); jsonp-polling goes cross-origin to the server itself, as a browser without
   * CORS-capable XHR would: the handshake too is JSONP then.
   */
  T09.scenario = async function (transport, server) {
    check(typeof io === "object" && io.version === "0.9.16", "socket.io-client 0.9.16 did not load");
    var base = location.origin;
    if (transport === "jsonp-polling") {
      io.util.ua.hasCORS = false;
      base = server;
    }
    var tag = "0.9 " + transport;

    // A: "/admin?token=secret" -> "/" (opened by the server) and "/admin" on one session
    var a = await T09.session(base + "/admin?token=secret", transport, tag + " A");
    check(a.sock.transport && a.sock.transport.name === transport, tag + ": transport is " + (a.sock.transport && a.sock.transport.name));
    checkWelcome(a.rootWelcome, "/", { token: "secret" }, tag + " A /");
    checkWelcome(a.welcome, "/admin", { token: "secret" }, tag + " A /admin");
    log(tag + ": session " + a.sock.sessionid + ", / is " + a.rootWelcome.id + ", /admin is " + a.welcome.id);
    var aDisconnects = { root: record(a.root, "disconnect"), admin: record(a.nsp, "disconnect") };

    await exercise(a.root, a.nsp, tag + " /");
    await exercise(a.nsp, a.root, tag + " /admin");
    checkSame(await ack(a.nsp, "count"), [{ sockets: 1 }], tag + ": count on /admin");

    // heartbeats: idle for longer than the heartbeat timeout the handshake announced
    var idleMs = Math.max(4500, a.sock.heartbeatTimeout + 1500);
    await sleep(idleMs);
    check(a.sock.connected, tag + ": still connected after " + idleMs + " ms idle");
    check(aDisconnects.root.length === 0 && aDisconnects.admin.length === 0, tag + ": no disconnect while idle");
    checkSame(await ack(a.root, "echo-ack", "after idle"), ["after idle"], tag + ": / after idle");
    checkSame(await ack(a.nsp, "echo-ack", "after idle"), ["after idle"], tag + ": /admin after idle");
    log(tag + ": idle " + idleMs + " ms (heartbeat timeout " + a.sock.heartbeatTimeout + " ms): still connected");

    // B: no token: "/" is accepted, "/admin" refused
    var b = await T09.session(base, transport, tag + " B");
    checkWelcome(b.rootWelcome, "/", null, tag + " B /");
    var refused = b.sock.of("/admin");
    var why = await waitFor(refused, "connect_failed", 5000, tag + ": connect_failed on /admin without a token", null, ["welcome", "connect"]);
    checkSame(why, ["unauthorized"], tag + ": connect_failed reason");
    checkSame(await ack(b.root, "echo-ack", "still here"), ["still here"], tag + ": B / after the refusal");
    log(tag + ": without a token: / welcome auth " + show(b.rootWelcome.auth) + ", /admin connect_failed (unauthorized), / unaffected");

    // C: a second token session; its client-side disconnects are seen by A
    var c = await T09.session(base + "/admin?token=secret", transport, tag + " C");
    var cAdminId = c.welcome.id, cRootId = c.rootWelcome.id;
    // within 2 s: sooner than any timeout (heartbeat, close) could end a socket
    var leftAdmin = waitFor(a.nsp, "left", 2000, tag + ": A /admin told that C left /admin", function (l) {
      return l && l.id === cAdminId;
    });
    c.nsp.disconnect();
    var l1 = (await leftAdmin)[0];
    check(typeof l1.reason === "string" && l1.reason.length > 0, tag + ": left reason " + show(l1));
    checkSame(await ack(c.root, "echo-ack", "after leaving /admin"), ["after leaving /admin"], tag + ": C / after C left /admin");
    log(tag + ": client namespace disconnect (0::/admin): A saw left " + show(l1));

    var leftRoot = waitFor(a.root, "left", 2000, tag + ": A / told that C left", function (l) {
      return l && l.id === cRootId;
    });
    // The 0.9 client queues what it sends while a POST is in flight and drops that queue when
    // it disconnects: a 0:: queued behind a POST would never leave. So disconnect at a moment
    // with no POST in flight (the continuation runs before any other event of the page).
    await until(function () {
      return !c.sock.doBuffer;
    }, 3000, tag + ": C with no POST in flight");
    c.sock.disconnect();
    check(!c.sock.connected, tag + ": C disconnected");
    var l2 = (await leftRoot)[0];
    check(typeof l2.reason === "string" && l2.reason.length > 0, tag + ": left reason " + show(l2));
    log(tag + ": client disconnect (0::): A saw left " + show(l2));

    // server-initiated: A's /admin, then A's whole session (B watches)
    var adminGone = waitFor(a.nsp, "disconnect", 5000, tag + ": disconnect of A /admin");
    a.nsp.emit("disconnect-me");
    await adminGone;
    checkSame(await ack(a.root, "echo-ack", "after /admin went"), ["after /admin went"], tag + ": A / after its /admin was disconnected");
    check(aDisconnects.root.length === 0, tag + ": / got no disconnect when /admin was disconnected");
    log(tag + ": server disconnect of /admin: the client saw it, / unaffected");

    var aRootId = a.rootWelcome.id;
    var leftA = waitFor(b.root, "left", 5000, tag + ": B / told that A left", function (l) {
      return l && l.id === aRootId;
    });
    var rootGone = waitFor(a.root, "disconnect", 5000, tag + ": disconnect of A /");
    a.root.emit("disconnect-me");
    var reason = await rootGone;
    check(!a.sock.connected, tag + ": A's session is closed after the server disconnected /");
    var l3 = (await leftA)[0];
    log(tag + ": server disconnect of /: client reason " + show(reason) + ", B saw left " + show(l3));

    b.sock.disconnect();
  };

  // --- for the mixed-room script: named sessions driven from node ---------------------------
  var named = {};

  /** Opens session `name` on "/" (same origin) over `transport`; resolves with its welcome. */
  T09.open = async function (name, transport) {
    var s = await T09.session(location.origin, transport, "0.9 " + name);
    s.news = record(s.root, "news");
    named[name] = s;
    return s.rootWelcome;
  };
  /** ack on session `name`'s "/". */
  T09.ack = function (name, event, args) {
    return ack.apply(null, [named[name].root, event].concat(args));
  };
  /** The "news" events session `name` received since the last call. */
  T09.take = function (name) {
    var got = named[name].news.splice(0);
    return got;
  };
  T09.close = function () {
    Object.keys(named).forEach(function (n) {
      named[n].sock.disconnect();
    });
  };
})();
