//! Actions come out in causal order through the full Engine: what an input caused is
//! processed when the input arrives, and queued behind what earlier inputs caused.
#![cfg(feature = "testing")]

use socketio_engine::testing::sio_client::SioHarness;
use socketio_engine::{Action, Event, WsMessage};
use socketio_proto::Str;
use socketio_proto::eio::Frame;

#[test]
fn an_event_received_before_a_command_comes_out_before_its_effects() {
    let mut h = SioHarness::new(SioHarness::config());
    let (a, sa) = h.client("/");
    let (b, sb) = h.client("/");
    // Client A's event arrives, then (before anything is drained) the app disconnects B.
    let msg = WsMessage::Text(Str::from_static(r#"42["first"]"#));
    h.engine.handle_ws_message(h.now, a.conn, msg);
    h.engine.disconnect(h.now, sb).unwrap();
    let mut order = Vec::new();
    while let Some(act) = h.engine.poll_action() {
        order.push(match act {
            Action::Dispatch(Event::Message { socket, event, .. }) => {
                assert_eq!(socket, sa);
                format!("message {event}")
            }
            Action::SendWs {
                conn,
                frame: Frame::Text(t),
            } => {
                assert_eq!(conn, b.conn);
                format!("send {t}")
            }
            Action::Dispatch(Event::Disconnect { socket, .. }) => {
                assert_eq!(socket, sb);
                "disconnect".to_owned()
            }
            other => panic!("unexpected {other:?}"),
        });
    }
    // Before, Socket.IO events were handed out ahead of Engine.IO's queue, so B's
    // Disconnect came first and A's message (received earlier) last.
    assert_eq!(order, ["message first", "send 41", "disconnect"]);
}
