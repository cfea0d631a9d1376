//! Heartbeat and time: every scenario runs on the virtual clock, in microseconds.

use std::time::Duration;

use socketio_engine::eio::{CloseReason, EioConfig, EioEvent, Packet};
use socketio_engine::testing::{FakeClient, Harness};
use socketio_proto::Str;

const PATH: &str = "/engine.io/";
const SEC: Duration = Duration::from_secs(1);

fn ping() -> Packet {
    Packet::Ping(Str::new())
}

fn pong() -> Packet {
    Packet::Pong(Str::new())
}

#[test]
fn first_ping_comes_one_interval_after_the_handshake() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    let start = h.now;
    assert_eq!(h.server.poll_timeout(), Some(start + 25 * SEC));
    let req = c.get(&mut h);
    h.advance(25 * SEC - Duration::from_millis(1));
    assert!(!h.is_answered(req), "no ping before the interval");
    h.advance(Duration::from_millis(1));
    assert_eq!(FakeClient::packets_of(&mut h, req), Some(vec![ping()]));
    assert_eq!(
        h.server.poll_timeout(),
        Some(start + 45 * SEC),
        "pong deadline"
    );
}

#[test]
fn missing_pong_closes_with_ping_timeout() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    h.take_events();
    let req = c.get(&mut h);
    h.advance(25 * SEC);
    assert_eq!(FakeClient::packets_of(&mut h, req), Some(vec![ping()]));
    let parked = c.get(&mut h);
    h.advance(20 * SEC - Duration::from_millis(1));
    assert!(h.take_events().is_empty());
    h.advance(Duration::from_millis(1));
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::PingTimeout
        }]
    );
    assert_eq!(
        FakeClient::packets_of(&mut h, parked),
        Some(vec![Packet::Close])
    );
    assert_eq!(h.server.poll_timeout(), None);
}

#[test]
fn pong_resets_and_the_next_ping_is_one_interval_after_it() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_polling(&mut h, PATH);
    h.take_events();
    for round in 0..5 {
        h.advance(25 * SEC);
        assert_eq!(c.poll_now(&mut h), vec![ping()], "round {round}");
        h.advance(3 * SEC);
        assert_eq!(c.post(&mut h, &[pong()]).status(), 200);
        assert_eq!(h.server.poll_timeout(), Some(h.now + 25 * SEC));
    }
    assert!(h.take_events().is_empty(), "still open after 140 s");
    assert_eq!(h.elapsed(), 140 * SEC);
}

#[test]
fn websocket_heartbeat() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    h.advance(25 * SEC);
    assert_eq!(c.ws_recv(&mut h), vec![ping()]);
    c.ws_send(&mut h, &pong());
    h.advance(25 * SEC);
    assert_eq!(c.ws_recv(&mut h), vec![ping()]);
    h.advance(20 * SEC);
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::PingTimeout
        }]
    );
    assert!(h.is_closed(c.conn.unwrap()), "the WebSocket is closed");
}

#[test]
fn spurious_and_early_timeouts_do_nothing() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    let deadline = h.server.poll_timeout().unwrap();
    for _ in 0..3 {
        h.server.handle_timeout(h.now);
        h.server.handle_timeout(deadline - SEC);
    }
    h.drive();
    assert!(c.ws_recv(&mut h).is_empty());
    assert_eq!(h.server.poll_timeout(), Some(deadline));
}

#[test]
fn time_is_clamped_monotonic() {
    let mut h = Harness::default_seeded();
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    let start = h.now;
    h.server.handle_timeout(start + 30 * SEC);
    h.drive();
    assert_eq!(c.ws_recv(&mut h), vec![ping()]);
    // A late input stamped in the past is treated as "now", never before the ping.
    h.server.handle_ws_message(
        start,
        c.conn.unwrap(),
        socketio_engine::WsMessage::Text(Str::from("3")),
    );
    assert_eq!(h.server.poll_timeout(), Some(start + 55 * SEC));
}

#[test]
fn limit_ping_settings_are_announced_and_used() {
    let mut h = Harness::with_config(EioConfig {
        ping_interval: Duration::from_millis(300),
        ping_timeout: Duration::from_millis(200),
        ..EioConfig::default()
    });
    let c = FakeClient::connect_websocket(&mut h, PATH);
    assert_eq!(c.handshake.ping_interval, 300);
    assert_eq!(c.handshake.ping_timeout, 200);
    h.take_events();
    h.advance(Duration::from_millis(500));
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::PingTimeout
        }]
    );
}

#[test]
fn v3_clients_ping_and_the_server_answers() {
    use http::Method;
    use socketio_engine::HttpBody;
    use socketio_engine::testing::Harness as H;
    use socketio_proto::eio::payload::{self, PayloadFormat, PayloadLimits};
    use socketio_proto::eio::{Frame, ProtocolVersion};

    let mut h = H::with_config(EioConfig {
        allow_eio3: true,
        ..EioConfig::default()
    });
    let req = h.http(
        H::meta(
            Method::GET,
            "/engine.io/?EIO=3&transport=polling&b64=1",
            &[],
        ),
        HttpBody::empty(),
    );
    assert_eq!(h.take_response(req).unwrap().status(), 200);
    let Some(EioEvent::Open { sid }) = h.take_events().pop() else {
        panic!("no open")
    };
    // v3: no server ping; the deadline is interval + timeout.
    assert_eq!(h.server.poll_timeout(), Some(h.now + 45 * SEC));
    let uri = format!("/engine.io/?EIO=3&transport=polling&b64=1&sid={sid}");
    h.advance(40 * SEC);
    let ping3: Frame = Packet::Ping(Str::new()).encode(ProtocolVersion::V3);
    let body = payload::encode(PayloadFormat::V3Text, &[ping3]);
    let req = h.http(H::meta(Method::POST, &uri, &[]), HttpBody::Complete(body));
    assert_eq!(h.take_response(req).unwrap().body(), "ok");
    let req = h.http(H::meta(Method::GET, &uri, &[]), HttpBody::empty());
    let body = h.take_response(req).unwrap().into_body();
    let packets = payload::decode(PayloadFormat::V3Text, body, &PayloadLimits::default()).unwrap();
    assert_eq!(packets, vec![pong()]);
    h.advance(44 * SEC);
    assert!(h.take_events().is_empty(), "the ping reset the deadline");
    h.advance(SEC);
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid,
            reason: CloseReason::PingTimeout
        }]
    );
}

#[test]
fn a_packet_while_the_pong_is_awaited_extends_its_deadline_once_as_node_does() {
    // engine.io 6.6 (`hasRefreshedPingTimeout`): the first packet other than a pong after a
    // ping moves the pong deadline one ping_timeout after that packet; later ones do not.
    let ms = Duration::from_millis;
    let mut h = Harness::with_config(EioConfig {
        ping_interval: ms(300),
        ping_timeout: ms(200),
        ..EioConfig::default()
    });
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    for round in 0..2 {
        let ping_at = h.now + ms(300);
        h.advance(ms(300));
        assert_eq!(c.ws_recv(&mut h), vec![ping()], "round {round}");
        assert_eq!(h.server.poll_timeout(), Some(ping_at + ms(200)));
        h.advance(ms(100));
        c.ws_send(&mut h, &socketio_engine::testing::text("busy"));
        assert_eq!(
            h.server.poll_timeout(),
            Some(ping_at + ms(300)),
            "round {round}: refreshed from the packet"
        );
        h.advance(ms(50));
        c.ws_send(&mut h, &socketio_engine::testing::text("busier"));
        assert_eq!(
            h.server.poll_timeout(),
            Some(ping_at + ms(300)),
            "round {round}: once per ping"
        );
        assert_eq!(h.take_messages(), ["busy", "busier"]);
        if round == 0 {
            // Past the first deadline, before the refreshed one: the pong still counts, and
            // the next ping may be refreshed again.
            h.advance(ms(149));
            c.ws_send(&mut h, &pong());
        }
    }
    h.advance(ms(149));
    assert!(
        h.take_events().is_empty(),
        "alive until the refreshed deadline"
    );
    h.advance(ms(1));
    assert_eq!(
        h.take_events(),
        vec![EioEvent::Close {
            sid: c.sid,
            reason: CloseReason::PingTimeout
        }]
    );
    assert_eq!(h.elapsed(), ms(300 + 100 + 50 + 149 + 300 + 100 + 50 + 150));
}

#[test]
fn a_pong_ends_the_wait_and_later_packets_refresh_nothing() {
    let ms = Duration::from_millis;
    let mut h = Harness::with_config(EioConfig {
        ping_interval: ms(300),
        ping_timeout: ms(200),
        ..EioConfig::default()
    });
    let c = FakeClient::connect_websocket(&mut h, PATH);
    h.take_events();
    h.advance(ms(300));
    let _ = c.ws_recv(&mut h);
    h.advance(ms(100));
    c.ws_send(&mut h, &pong());
    c.ws_send(&mut h, &socketio_engine::testing::text("after the pong"));
    assert_eq!(
        h.server.poll_timeout(),
        Some(h.now + ms(300)),
        "only the next ping is armed"
    );
}
