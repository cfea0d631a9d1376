//! Socket.IO 0.9 clients through the full Engine, in real 0.9 wire text: the handshake, the
//! three transports, heartbeats, namespaces and their credentials, events and acks both ways,
//! refusals, bad input, and one room shared with Engine.IO 4 and 3 clients.
#![cfg(feature = "testing")]

use std::time::Duration;

use http::Method;
use serde_json::json;
use socketio_engine::testing::sio_client::{SioHarness, args};
use socketio_engine::testing::v09_client::V09Client;
use socketio_engine::{BroadcastTarget, EngineConfig, Event, SocketId};
use socketio_proto::Str;

fn config() -> EngineConfig {
    let mut cfg = SioHarness::config();
    cfg.eio.allow_v09 = true;
    cfg.eio.allow_eio3 = true;
    cfg.eio.ping_interval = Duration::from_secs(10);
    cfg.eio.ping_timeout = Duration::from_secs(5);
    cfg.sio.namespaces(["/", "/chat"].map(Str::from));
    cfg
}

/// A handshaken 0.9 client whose `/` the application accepted; its first poll took `1::`.
fn polling_client(h: &mut SioHarness) -> (V09Client, SocketId) {
    let (c, _) = h.v09_handshake("t=1");
    let p = h.connect_request();
    assert_eq!(p.nsp(), "/");
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let req = h.v09_get(c);
    assert_eq!(h.v09_packets(req), ["1::"]);
    (c, s)
}

fn ws_client(h: &mut SioHarness) -> (V09Client, SocketId) {
    let (mut c, _) = h.v09_handshake("t=1");
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    h.v09_websocket(&mut c);
    assert_eq!(
        h.v09_ws_take(c),
        ["1::"],
        "queued CONNECT flushed on the WebSocket"
    );
    (c, s)
}

#[test]
fn handshake_names_the_session_timeouts_and_transports() {
    let mut h = SioHarness::new(config());
    let (c, body) = h.v09_handshake("t=123");
    // 10 s interval + 5 s timeout: the client expects a heartbeat within 15 s.
    assert_eq!(
        body,
        format!(
            "{}:15:15:websocket,htmlfile,xhr-polling,jsonp-polling",
            c.sid
        )
    );
    // JSONP handshake: the same body as a script.
    let req = h.http_request(Method::GET, "/socket.io/1/?t=1&jsonp=3", "");
    let res = h.take_response(req).unwrap();
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=UTF-8"
    );
    let text = String::from_utf8(res.body().to_vec()).unwrap();
    assert!(
        text.starts_with("io.j[3](\"")
            && text.ends_with(":15:15:websocket,htmlfile,xhr-polling,jsonp-polling\");"),
        "{text}"
    );
}

#[test]
fn off_by_default() {
    let mut cfg = config();
    cfg.eio.allow_v09 = false;
    let mut h = SioHarness::new(cfg);
    let req = h.http_request(Method::GET, "/socket.io/1/?t=1", "");
    let res = h.take_response(req).unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.body(),
        r#"{"code":5,"message":"Unsupported protocol version"}"#
    );
}

#[test]
fn events_and_acks_both_ways_over_xhr_polling() {
    let mut h = SioHarness::new(config());
    let (c, s) = polling_client(&mut h);
    // Client event asking for a data ack.
    assert_eq!(
        h.v09_post(c, &[r#"5:1+::{"name":"echo","args":["x",2]}"#])
            .status(),
        200
    );
    let Some(Event::Message {
        socket,
        event,
        args: received,
        ack,
        ..
    }) = h.event()
    else {
        panic!()
    };
    assert_eq!((socket, event.as_str()), (s, "echo"));
    assert_eq!(received.as_event_payload().as_str(), r#"["echo","x",2]"#);
    assert_eq!(received.to_args().as_str(), r#"["x",2]"#);
    h.engine
        .ack(
            h.now,
            ack.expect("ack wanted"),
            &args(r#"["x",2]"#),
            Vec::new(),
        )
        .unwrap();
    // Server event asking the client for an ack.
    let ack_id = h
        .engine
        .emit_with_ack(
            h.now,
            s,
            "question",
            &args(r#"["why?"]"#),
            Vec::new(),
            Duration::from_secs(5),
        )
        .unwrap();
    h.drive();
    let req = h.v09_get(c);
    assert_eq!(
        h.v09_packets(req),
        [
            r#"6:::1+["x",2]"#.to_owned(),
            format!(
                r#"5:{}+::{{"name":"question","args":["why?"]}}"#,
                ack_id.get()
            ),
        ]
    );
    h.v09_post(c, &[&format!(r#"6:::{}+["because"]"#, ack_id.get())]);
    let Some(Event::AckReply { ack, args, .. }) = h.event() else {
        panic!()
    };
    assert_eq!((ack, args.as_str()), (ack_id, r#"["because"]"#));
}

#[test]
fn automatic_acks_and_message_packets() {
    let mut h = SioHarness::new(config());
    let (c, _) = polling_client(&mut h);
    // An id without `+` is acknowledged by the server at once, with no data.
    h.v09_post(
        c,
        &[r#"5:4::{"name":"ping"}"#, "3:::hello", r#"4:::{"a":1}"#],
    );
    let names: Vec<(String, String, bool)> = std::iter::from_fn(|| h.event())
        .map(|e| match e {
            Event::Message {
                event, args, ack, ..
            } => (
                event.to_string(),
                args.as_event_payload().as_str().to_owned(),
                ack.is_some(),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        [
            ("ping".to_owned(), r#"["ping"]"#.to_owned(), false),
            (
                "message".to_owned(),
                r#"["message","hello"]"#.to_owned(),
                false
            ),
            (
                "message".to_owned(),
                r#"["message",{"a":1}]"#.to_owned(),
                false
            ),
        ]
    );
    let req = h.v09_get(c);
    assert_eq!(h.v09_packets(req), ["6:::4"]);
}

#[test]
fn namespaces_with_credentials_from_the_connect_or_the_handshake() {
    let mut h = SioHarness::new(config());
    let (c, _) = h.v09_handshake("token=abc&t=99");
    let root = h.connect_request();
    assert_eq!(
        root.auth().unwrap().to_value().unwrap(),
        json!({"token": "abc"}),
        "the handshake query, without the cache-buster"
    );
    h.engine.accept_connect(h.now, root).unwrap();
    h.v09_post(c, &["1::/chat"]);
    let p = h.connect_request();
    assert_eq!(p.nsp(), "/chat");
    assert_eq!(
        p.auth().unwrap().to_value().unwrap(),
        json!({"token": "abc"})
    );
    let chat = h.engine.accept_connect(h.now, p).unwrap();
    // A query on the connect packet wins over the handshake's.
    h.v09_post(c, &["0::/chat", "1::/chat?token=xyz"]);
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == chat));
    let p = h.connect_request();
    assert_eq!(
        p.auth().unwrap().to_value().unwrap(),
        json!({"token": "xyz"})
    );
    h.engine
        .reject_connect(h.now, p, "unauthorized", None)
        .unwrap();
    h.drive();
    let req = h.v09_get(c);
    // `/` connected, `/chat` connected, then refused: error reason "unauthorized".
    assert_eq!(h.v09_packets(req), ["1::", "1::/chat", "7::/chat:2"]);
    // A namespace that does not exist is refused the same way.
    h.v09_post(c, &["1::/nope"]);
    let req = h.v09_get(c);
    assert_eq!(h.v09_packets(req), ["7::/nope:2"]);
}

#[test]
fn socket_ids_are_derived_from_the_session_as_node_gives_them() {
    let mut h = SioHarness::new(config());
    let (c, s) = polling_client(&mut h);
    assert_eq!(h.engine.socket_name(s).unwrap().as_str(), c.sid.to_string());
    h.v09_post(c, &["1::/chat"]);
    let p = h.connect_request();
    let chat = h.engine.accept_connect(h.now, p).unwrap();
    let name = h.engine.socket_name(chat).unwrap();
    assert_eq!(name.as_str(), format!("/chat#{}", c.sid));
    assert_eq!(h.engine.socket_by_name(name.as_str()), Some(chat));
}

#[test]
fn websocket_transport_takes_over_with_what_was_queued() {
    let mut h = SioHarness::new(config());
    let (c, s) = ws_client(&mut h);
    h.v09_ws_send(c, r#"5:1+::{"name":"echo","args":["hi"]}"#);
    let Some(Event::Message { ack, .. }) = h.event() else {
        panic!()
    };
    h.engine
        .ack(h.now, ack.unwrap(), &args(r#"["hi"]"#), Vec::new())
        .unwrap();
    h.engine
        .emit(h.now, s, "news", &args(r#"[{"n":1}]"#), Vec::new())
        .unwrap();
    h.drive();
    assert_eq!(
        h.v09_ws_take(c),
        [r#"6:::1+["hi"]"#, r#"5:::{"name":"news","args":[{"n":1}]}"#]
    );
    // Polling is over for this session: a GET is refused, not parked.
    let req = h.v09_get(c);
    assert_eq!(h.take_response(req).unwrap().status(), 400);
    // The client disconnects everything.
    h.v09_ws_send(c, "0::");
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s));
}

#[test]
fn heartbeats_keep_the_session_and_their_absence_ends_it() {
    let mut h = SioHarness::new(config());
    let (c, s) = ws_client(&mut h);
    for _ in 0..3 {
        h.advance(Duration::from_secs(10));
        assert_eq!(h.v09_ws_take(c), ["2::"], "a heartbeat every ping interval");
        h.v09_ws_send(c, "2::");
    }
    assert!(h.event().is_none());
    h.advance(Duration::from_secs(10));
    assert_eq!(h.v09_ws_take(c), ["2::"]);
    h.advance(Duration::from_secs(5));
    assert!(h.is_conn_closed(c.conn.unwrap()));
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s));
}

#[test]
fn jsonp_polling_wraps_gets_and_reads_form_posts() {
    let mut h = SioHarness::new(config());
    let (c, _) = h.v09_handshake("t=1");
    let p = h.connect_request();
    h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let uri = format!("/socket.io/1/jsonp-polling/{}?t=2&i=1", c.sid);
    let req = h.http_request(Method::GET, &uri, "");
    assert_eq!(h.response_text(req), r#"io.j[1]("1::");"#);
    // The form's `d` is the payload as a JSON string literal.
    let d = r#""5:1+::{\"name\":\"echo\",\"args\":[\"\u00e9 \u2028\"]}""#;
    let form: String = url_encode(d);
    let req = h.http_request(Method::POST, &uri, &format!("d={form}"));
    assert_eq!(h.take_response(req).unwrap().status(), 200);
    let Some(Event::Message { args, .. }) = h.event() else {
        panic!()
    };
    assert_eq!(
        args.as_event_payload().as_str(),
        "[\"echo\",\"\u{e9} \u{2028}\"]"
    );
    let bad = format!("/socket.io/1/jsonp-polling/{}?t=3&i=x1", c.sid);
    let req = h.http_request(Method::GET, &bad, "");
    assert_eq!(h.take_response(req).unwrap().status(), 400);
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn unknown_sessions_and_unsupported_transports_get_0_9_errors() {
    let mut h = SioHarness::new(config());
    let req = h.http_request(
        Method::GET,
        "/socket.io/1/xhr-polling/AAAAAAAAAAAAAAAAAAAA?t=1",
        "",
    );
    assert_eq!(
        h.response_text(req),
        "7:::1+0",
        "client not handshaken, reconnect"
    );
    let (c, _) = h.v09_handshake("t=1");
    for transport in ["flashsocket", "carrier-pigeon"] {
        let uri = format!("/socket.io/1/{transport}/{}?t=1", c.sid);
        let req = h.http_request(Method::GET, &uri, "");
        assert_eq!(
            h.response_text(req),
            "7:::0+0",
            "{transport}: transport not supported"
        );
    }
    // An Engine.IO session's sid is no 0.9 session.
    let (eio, _) = {
        let e = h.open();
        (e, ())
    };
    let uri = format!("/socket.io/1/xhr-polling/{}?t=1", eio.sid);
    let req = h.http_request(Method::GET, &uri, "");
    assert_eq!(h.take_response(req).unwrap().status(), 400);
}

#[test]
fn malformed_packets_and_lying_frames_close_the_session() {
    for bad in [
        "\u{fffd}9\u{fffd}2::",
        "\u{fffd}x\u{fffd}2::",
        "\u{fffd}3\u{fffd}2::junk",
        "9::",
        "5:::{not json",
    ] {
        let mut h = SioHarness::new(config());
        let (c, s) = polling_client(&mut h);
        let uri = format!("/socket.io/1/xhr-polling/{}?t=2", c.sid);
        let req = h.http_request(Method::POST, &uri, bad);
        let status = h.take_response(req).unwrap().status();
        assert!(
            matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s),
            "{bad:?} (status {status})"
        );
        let req = h.v09_get(c);
        let res = h
            .take_response(req)
            .expect("a closed session answers at once");
        assert_ne!(res.body().as_ref(), b"1::", "{bad:?}: session gone");
    }
}

#[test]
fn one_room_three_generations_each_encoded_once() {
    let mut h = SioHarness::new(config());
    let (a, sa) = ws_client(&mut h);
    let (b, sb) = ws_client(&mut h);
    // socket.io-client 4.x (Engine.IO 4) and 2.x (Engine.IO 3) over WebSocket.
    let (v5, s5) = h.client("/");
    let v4 = h.open_eio(3);
    let p = h.connect_request();
    let s4 = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    assert_eq!(h.take(v4), ["0"]);
    for s in [sa, sb, s5, s4] {
        h.engine.join(s, Str::from("room")).unwrap();
    }
    // The 0.9 client `a` broadcasts to the room, except itself.
    let target = BroadcastTarget::namespace("/")
        .to(Str::from("room"))
        .except_socket(sa);
    h.engine
        .broadcast(h.now, &target, "hello", &args(r#"["all"]"#), Vec::new())
        .unwrap();
    h.drive();
    let expected09 = r#"5:::{"name":"hello","args":["all"]}"#;
    assert!(h.v09_ws_take(a).is_empty());
    assert_eq!(h.v09_ws_take(b), [expected09]);
    assert_eq!(h.take(v5), [r#"2["hello","all"]"#]);
    assert_eq!(h.take(v4), [r#"2["hello","all"]"#]);

    // Two 0.9 recipients share one encoded frame.
    h.engine
        .broadcast(
            h.now,
            &BroadcastTarget::namespace("/").to(Str::from("room")),
            "x",
            &args("[]"),
            Vec::new(),
        )
        .unwrap();
    h.drive();
    let fa = h.take_frames(a.conn.unwrap());
    let fb = h.take_frames(b.conn.unwrap());
    let ptr = |f: &socketio_proto::eio::Frame| match f {
        socketio_proto::eio::Frame::Text(t) => t.as_str().as_ptr(),
        socketio_proto::eio::Frame::Binary(b) => b.as_ptr(),
    };
    assert_eq!(
        ptr(&fa[0]),
        ptr(&fb[0]),
        "encoded once per protocol, not per recipient"
    );
}

#[test]
fn htmlfile_streams_script_tags_and_takes_posts() {
    let mut h = SioHarness::new(config());
    let (c, _) = h.v09_handshake("t=1");
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.drive();
    let uri = format!("/socket.io/1/htmlfile/{}?t=2", c.sid);
    let req = h.http_request(Method::GET, &uri, "");
    // The page starts at once; its body stays open as a stream.
    let res = h.take_response(req).expect("the page's head");
    assert_eq!(res.headers()["content-type"], "text/html; charset=UTF-8");
    let page = String::from_utf8(res.body().to_vec()).unwrap();
    assert!(page.starts_with(
        "<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>"
    ));
    assert_eq!(
        page.len(),
        256,
        "padded as node pads it, so browsers run it at once"
    );
    let conn = h.take_accepted().expect("the stream's id");
    let chunks = |h: &mut SioHarness| -> Vec<String> {
        h.take_frames(conn)
            .into_iter()
            .map(|f| match f {
                socketio_proto::eio::Frame::Text(t) => t.to_string(),
                socketio_proto::eio::Frame::Binary(_) => panic!("binary chunk"),
            })
            .collect()
    };
    // What was queued (the CONNECT), then each frame, as script tags; `/` escaped.
    assert_eq!(chunks(&mut h), [r#"<script>_("1::");</script>"#]);
    h.engine
        .emit(h.now, s, "news", &args(r#"["a</script>b"]"#), Vec::new())
        .unwrap();
    h.drive();
    assert_eq!(
        chunks(&mut h),
        [r#"<script>_("5:::{\"name\":\"news\",\"args\":[\"a<\/script>b\"]}");</script>"#]
    );
    // The client sends by POST to the same path.
    let req = h.http_request(Method::POST, &uri, r#"5:1+::{"name":"echo","args":[1]}"#);
    assert_eq!(h.take_response(req).unwrap().status(), 200);
    assert!(matches!(h.event(), Some(Event::Message { .. })));
    // Heartbeats flow on the page too; a second page is refused.
    h.advance(Duration::from_secs(10));
    assert_eq!(chunks(&mut h), [r#"<script>_("2::");</script>"#]);
    let again = h.http_request(Method::GET, &uri, "");
    assert_eq!(h.take_response(again).unwrap().status(), 400);
    // The page going away ends the session.
    h.engine.handle_ws_closed(h.now, conn);
    h.drive();
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s));
}

#[test]
fn the_applications_allow_request_decides_0_9_handshakes_too() {
    let mut cfg = config();
    cfg.eio.allow_request = Some(std::sync::Arc::new(
        |meta: &socketio_engine::RequestMeta| match meta.query_param("key").as_deref() {
            Some("ok") => Ok(()),
            _ => Err((403, "no key".to_owned())),
        },
    ));
    let mut h = SioHarness::new(cfg);
    let req = h.http_request(Method::GET, "/socket.io/1/?t=1", "");
    let res = h.take_response(req).unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.body(), r#"{"code":4,"message":"no key"}"#);
    let (_, body) = h.v09_handshake("key=ok&t=1");
    assert!(
        body.ends_with(":websocket,htmlfile,xhr-polling,jsonp-polling"),
        "{body}"
    );
}

#[test]
fn polling_has_no_heartbeats_held_gets_end_with_noops_and_requests_keep_it_alive() {
    let mut h = SioHarness::new(config());
    let (c, s) = polling_client(&mut h);
    // 10 s interval + 5 s timeout: the close timeout is 15 s, the polling duration 5 s.
    for _ in 0..6 {
        let req = h.v09_get(c);
        assert!(h.take_response(req).is_none(), "held");
        h.advance(Duration::from_secs(5));
        assert_eq!(
            h.v09_packets(req),
            ["8::"],
            "a held GET ends with a noop, never a heartbeat"
        );
    }
    assert!(h.event().is_none(), "30 s of polling kept the session");
    // No request for the close timeout: the session is gone.
    h.advance(Duration::from_secs(15));
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s));
}

#[test]
fn a_handshaken_session_that_never_opens_a_transport_expires() {
    let mut h = SioHarness::new(config());
    let (_c, _) = h.v09_handshake("t=1");
    let p = h.connect_request();
    let s = h.engine.accept_connect(h.now, p).unwrap();
    h.advance(Duration::from_secs(14));
    assert!(h.event().is_none());
    h.advance(Duration::from_secs(1));
    assert!(matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s));
}

#[test]
fn disconnect_parameter_ends_the_session_on_any_transport_path() {
    for path in ["xhr-polling/{sid}?disconnect=True", "/{sid}/?disconnect=1"] {
        let mut h = SioHarness::new(config());
        let (c, s) = polling_client(&mut h);
        let uri = format!("/socket.io/1/{}", path.replace("{sid}", &c.sid.to_string()));
        let req = h.http_request(Method::GET, &uri, "");
        assert_eq!(h.take_response(req).unwrap().status(), 200, "{uri}");
        assert!(
            matches!(h.event(), Some(Event::Disconnect { socket, .. }) if socket == s),
            "{uri}"
        );
        let req = h.v09_get(c);
        assert_eq!(h.response_text(req), "7:::1+0", "{uri}: gone");
    }
}
