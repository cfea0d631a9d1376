//! Polling → WebSocket upgrades, including traffic racing the upgrade both ways.

use std::time::Duration;

use http::Method;
use socketio_engine::eio::{CloseReason, EioConfig, EioEvent, Packet};
use socketio_engine::testing::{FakeClient, Harness, text};
use socketio_engine::{ConnId, HttpBody, RequestId, Sid, WsMessage};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

const PATH: &str = "/engine.io/";

fn setup() -> (Harness, FakeClient) {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    h.take_events();
    (h, c)
}

fn send(h: &mut Harness, sid: Sid, s: &str) {
    h.server
        .send(h.now, sid, Frame::Text(Str::from(format!("4{s}"))))
        .unwrap();
}

fn probe(s: &'static str) -> Str {
    Str::from_static(s)
}

#[test]
fn full_upgrade_as_engine_io_client_does_it() {
    let (mut h, mut c) = setup();
    let parked = c.get(&mut h);
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).expect("probe accepted");
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    assert_eq!(c.ws_recv(&mut h), vec![Packet::Pong(probe("probe"))]);
    assert_eq!(
        FakeClient::packets_of(&mut h, parked),
        Some(vec![Packet::Noop]),
        "the parked GET is released so the client can pause polling"
    );
    c.ws_send(&mut h, &Packet::Upgrade);
    send(&mut h, c.sid, "after");
    h.drive();
    assert_eq!(c.ws_recv(&mut h), vec![text("after")]);
    assert!(h.server.is_writable(c.sid));
    assert!(!h.is_closed(conn));
    // Heartbeat continues on the WebSocket.
    h.advance(Duration::from_secs(25));
    assert_eq!(c.ws_recv(&mut h), vec![Packet::Ping(Str::new())]);
}

#[test]
fn traffic_racing_the_upgrade_arrives_exactly_once_in_order() {
    let (mut h, mut c) = setup();
    let get1 = c.get(&mut h);
    c.open_probe(&mut h);
    // Server → client while the probe is open: first on polling ...
    send(&mut h, c.sid, "m1");
    h.drive();
    assert_eq!(FakeClient::packets_of(&mut h, get1), Some(vec![text("m1")]));
    let get2 = c.get(&mut h);
    // ... client → server over polling during the upgrade ...
    assert_eq!(c.post(&mut h, &[text("c1")]).status(), 200);
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    assert_eq!(c.ws_recv(&mut h), vec![Packet::Pong(probe("probe"))]);
    assert_eq!(
        FakeClient::packets_of(&mut h, get2),
        Some(vec![Packet::Noop])
    );
    // ... the client paused polling; the server keeps sending ...
    send(&mut h, c.sid, "m2");
    send(&mut h, c.sid, "m3");
    assert_eq!(c.post(&mut h, &[text("c2")]).status(), 200);
    // ... and the switch flushes the queue on the WebSocket, in order, before new frames.
    c.ws_send(&mut h, &Packet::Upgrade);
    send(&mut h, c.sid, "m4");
    c.ws_send(&mut h, &text("c3"));
    h.drive();
    assert_eq!(c.ws_recv(&mut h), vec![text("m2"), text("m3"), text("m4")]);
    assert_eq!(h.take_messages(), vec!["c1", "c2", "c3"]);
}

#[test]
fn a_get_during_a_probed_upgrade_takes_queued_frames_or_a_noop() {
    let (mut h, mut c) = setup();
    c.open_probe(&mut h);
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    let _ = c.ws_recv(&mut h);
    assert_eq!(c.poll_now(&mut h), vec![Packet::Noop]);
    send(&mut h, c.sid, "q");
    assert_eq!(c.poll_now(&mut h), vec![text("q")]);
}

#[test]
fn polling_after_the_upgrade_is_refused() {
    let (mut h, mut c) = setup();
    c.open_probe(&mut h);
    c.ws_send(&mut h, &Packet::Ping(probe("probe")));
    c.ws_send(&mut h, &Packet::Upgrade);
    let req = c.get(&mut h);
    let res = h.take_response(req).unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.body(), r#"{"code":3,"message":"Bad request"}"#);
    let res = c.post(&mut h, &[text("x")]);
    assert_eq!(res.status(), 400);
    assert!(h.take_events().is_empty(), "the session is unaffected");
}

/// A WebSocket upgrade request on `uri`, then drive.
fn ws_request(h: &mut Harness, uri: &str) -> RequestId {
    h.http(
        Harness::meta(
            Method::GET,
            uri,
            &[("upgrade", "websocket"), ("connection", "Upgrade")],
        ),
        HttpBody::empty(),
    )
}

/// Asserts node's answer to a WebSocket it will not use (`websocket.close()` in engine.io's
/// `onWebSocket`): the handshake completes under a fresh connection, which is closed at once
/// with nothing sent on it. Returns that connection.
fn assert_accepted_then_closed(h: &mut Harness, req: RequestId, what: &str) -> ConnId {
    let conn = h
        .accepted(req)
        .unwrap_or_else(|| panic!("{what}: not accepted: {:?}", h.take_response(req)));
    let n = h.transcript.len();
    assert_eq!(
        h.transcript[n - 2..],
        [
            format!("accept {} as {}", req.get(), conn.get()),
            format!("close ws {}", conn.get())
        ],
        "{what}: accepted, then closed at once"
    );
    assert!(h.take_ws(conn).is_empty(), "{what}: nothing sent on it");
    conn
}

/// A harness speaking Engine.IO `eio` (3 or 4), a polling session, and its WebSocket URI.
fn polling_session(eio: u8) -> (Harness, Sid, String) {
    let mut h = Harness::with_config(EioConfig {
        allow_eio3: true,
        rng_seed: Some([7; 32]),
        ..EioConfig::default()
    });
    let req = h.http(
        Harness::meta(
            Method::GET,
            &format!("{PATH}?EIO={eio}&transport=polling"),
            &[],
        ),
        HttpBody::empty(),
    );
    assert_eq!(h.take_response(req).unwrap().status(), 200);
    let Some(EioEvent::Open { sid }) = h.take_events().pop() else {
        panic!("no open")
    };
    let ws_uri = format!("{PATH}?EIO={eio}&transport=websocket&sid={sid}");
    (h, sid, ws_uri)
}

fn text_msg(s: &'static str) -> WsMessage {
    WsMessage::Text(Str::from_static(s))
}

fn ws_texts(h: &mut Harness, conn: ConnId) -> Vec<String> {
    h.take_ws(conn)
        .iter()
        .map(socketio_engine::testing::show)
        .collect()
}

#[test]
fn a_second_websocket_while_upgrading_is_accepted_then_closed_every_generation() {
    for eio in [4, 3] {
        let (mut h, sid, ws_uri) = polling_session(eio);
        let first = ws_request(&mut h, &ws_uri);
        let probe = h.accepted(first).expect("probe accepted");
        for round in 0..2 {
            let second = ws_request(&mut h, &ws_uri);
            let extra = assert_accepted_then_closed(&mut h, second, "second websocket");
            assert_ne!(extra, probe, "EIO={eio}: a fresh connection");
            // Whatever the driver reports for the extra connection reaches no session.
            h.ws_message(extra, text_msg("5"));
            h.ws_closed(extra);
            assert!(
                !h.is_closed(probe),
                "EIO={eio} round {round}: probe untouched"
            );
            assert!(h.take_events().is_empty(), "EIO={eio}: session untouched");
            if round == 0 {
                // Mid-probe too: after 2probe, before 5.
                h.ws_message(probe, text_msg("2probe"));
                assert_eq!(ws_texts(&mut h, probe), ["3probe"], "EIO={eio}");
            }
        }
        // The upgrade the probe started still completes, and traffic flows on it.
        h.ws_message(probe, text_msg("5"));
        h.server
            .send(h.now, sid, Frame::Text(Str::from("4after")))
            .unwrap();
        h.drive();
        assert_eq!(ws_texts(&mut h, probe), ["4after"], "EIO={eio}");
        h.ws_message(probe, text_msg("4hello"));
        assert_eq!(h.take_messages(), ["hello"], "EIO={eio}");
    }
}

#[test]
fn a_second_websocket_after_the_upgrade_is_accepted_then_closed_every_generation() {
    for eio in [4, 3] {
        let (mut h, sid, ws_uri) = polling_session(eio);
        let first = ws_request(&mut h, &ws_uri);
        let conn = h.accepted(first).unwrap();
        h.ws_message(conn, text_msg("2probe"));
        h.ws_message(conn, text_msg("5"));
        let _ = h.take_ws(conn);
        let second = ws_request(&mut h, &ws_uri);
        let extra = assert_accepted_then_closed(&mut h, second, "websocket after upgrade");
        h.ws_closed(extra);
        assert!(
            !h.is_closed(conn),
            "EIO={eio}: the upgraded WebSocket is untouched"
        );
        assert!(h.take_events().is_empty(), "EIO={eio}");
        h.ws_message(conn, text_msg("4hello"));
        assert_eq!(h.take_messages(), ["hello"], "EIO={eio}");
        h.server
            .send(h.now, sid, Frame::Text(Str::from("4back")))
            .unwrap();
        h.drive();
        assert_eq!(ws_texts(&mut h, conn), ["4back"], "EIO={eio}");
    }
}

#[test]
fn a_second_websocket_for_a_websocket_session_is_accepted_then_closed() {
    // Node would start probing a websocket → websocket "upgrade" here (its `upgraded` flag
    // is only set by an upgrade); we close it as for an upgraded session.
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    let req = ws_request(&mut h, &c.uri("websocket"));
    assert_accepted_then_closed(&mut h, req, "second websocket");
    assert!(!h.is_closed(c.conn.unwrap()));
    c.ws_send(&mut h, &text("still"));
    assert_eq!(h.take_messages(), ["still"]);
}

#[test]
fn a_websocket_for_a_closing_session_is_accepted_then_closed() {
    let (mut h, c) = setup();
    h.server.close(h.now, c.sid);
    h.drive();
    h.take_events();
    let req = ws_request(&mut h, &c.uri("websocket"));
    assert_accepted_then_closed(&mut h, req, "websocket for a closing session");
    assert_eq!(
        c.poll_now(&mut h),
        vec![Packet::Close],
        "the close still arrives"
    );
}

#[test]
fn a_websocket_for_an_unknown_sid_is_still_refused_with_400() {
    // node's `verify` refuses it before the WebSocket handshake (abortUpgrade).
    let mut h = Harness::default_seeded();
    let req = ws_request(
        &mut h,
        "/engine.io/?EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA",
    );
    assert!(h.accepted(req).is_none());
    let res = h.take_response(req).unwrap();
    assert_eq!(
        (res.status().as_u16(), res.body().as_ref()),
        (400, &b"Session ID unknown"[..])
    );
}

#[test]
fn limit_upgrade_timeout_closes_the_probe_and_keeps_polling() {
    let (mut h, mut c) = setup();
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).unwrap();
    h.advance(Duration::from_secs(10));
    assert!(h.is_closed(conn));
    assert!(h.take_events().is_empty());
    send(&mut h, c.sid, "still polling");
    assert_eq!(c.poll_now(&mut h), vec![text("still polling")]);
    // And a new upgrade may start.
    let again = c.open_probe(&mut h);
    assert!(h.accepted(again).is_some());
}

#[test]
fn garbage_or_a_wrong_packet_on_the_probe_aborts_only_the_upgrade() {
    for bad in [
        WsMessage::Text(Str::from("zzz")),
        WsMessage::Text(Str::from("4early")),
    ] {
        let (mut h, mut c) = setup();
        let req = c.open_probe(&mut h);
        let conn = h.accepted(req).unwrap();
        h.ws_message(conn, bad);
        assert!(h.is_closed(conn));
        assert!(h.take_events().is_empty(), "session survives");
        assert_eq!(c.post(&mut h, &[text("x")]).status(), 200);
    }
}

#[test]
fn probe_closed_by_the_client_keeps_polling() {
    let (mut h, mut c) = setup();
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).unwrap();
    h.ws_closed(conn);
    assert!(h.take_events().is_empty());
    assert_eq!(
        h.server.poll_timeout(),
        Some(h.now + Duration::from_secs(25))
    );
    send(&mut h, c.sid, "x");
    assert_eq!(c.poll_now(&mut h), vec![text("x")]);
}

#[test]
fn upgrades_can_be_disabled() {
    // No upgrade is offered; a client that opens a WebSocket anyway gets it closed at once
    // (node would even upgrade it: its `onWebSocket` ignores `allowUpgrades`).
    let mut h = Harness::with_config(EioConfig {
        allow_upgrades: false,
        ..EioConfig::default()
    });
    let mut c = FakeClient::connect_polling(&mut h, PATH);
    h.take_events();
    assert!(c.handshake.upgrades.is_empty());
    let req = c.open_probe(&mut h);
    assert_accepted_then_closed(&mut h, req, "websocket with upgrades disabled");
    assert!(h.take_events().is_empty());
    send(&mut h, c.sid, "polling");
    assert_eq!(c.poll_now(&mut h), vec![text("polling")]);
}

#[test]
fn a_websocket_upgrade_naming_polling_is_accepted_then_closed_every_generation() {
    // node's `onWebSocket`: `transport=polling` does not handle upgrades, so the WebSocket is
    // completed and closed, with or without a sid, before any handshake.
    for eio in [4, 3] {
        let (mut h, sid, _) = polling_session(eio);
        let with_sid = ws_request(
            &mut h,
            &format!("{PATH}?EIO={eio}&transport=polling&sid={sid}"),
        );
        assert_accepted_then_closed(&mut h, with_sid, "transport=polling with sid");
        let handshake = ws_request(&mut h, &format!("{PATH}?EIO={eio}&transport=polling"));
        assert_accepted_then_closed(&mut h, handshake, "transport=polling handshake");
        assert!(
            h.take_events().is_empty(),
            "EIO={eio}: no session opened or closed"
        );
        assert_eq!(h.server.session_count(), 1, "EIO={eio}");
        h.server
            .send(h.now, sid, Frame::Text(Str::from("4x")))
            .unwrap();
        let req = h.http(
            Harness::meta(
                Method::GET,
                &format!("{PATH}?EIO={eio}&transport=polling&sid={sid}"),
                &[],
            ),
            HttpBody::empty(),
        );
        assert_eq!(
            h.take_response(req).unwrap().status(),
            200,
            "EIO={eio}: the session still polls"
        );
    }
}

#[test]
fn session_close_during_the_upgrade_closes_the_probe() {
    let (mut h, mut c) = setup();
    let req = c.open_probe(&mut h);
    let conn = h.accepted(req).unwrap();
    assert_eq!(c.post(&mut h, &[Packet::Close]).status(), 200);
    assert!(h.is_closed(conn));
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::ClientClose
        }]
    );
    assert_eq!(h.server.poll_timeout(), None);
}
