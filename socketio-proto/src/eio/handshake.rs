//! [`Handshake`]: the JSON body of the server's `open` packet.

use serde::{Deserialize, Serialize};

use super::{DecodeError, Packet};
use crate::Str;

/// The handshake the server sends in its `open` packet.
///
/// Wire names: `sid`, `upgrades`, `pingInterval`, `pingTimeout`, `maxPayload`. Protocol v3 has
/// no `maxPayload`: leave it `None` and it is left out of the JSON. Unknown fields are ignored
/// when parsing, as clients do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Handshake {
    /// The session id.
    pub sid: String,
    /// Transports the client may upgrade to (`["websocket"]` from polling, else empty).
    pub upgrades: Vec<String>,
    /// Heartbeat interval in milliseconds.
    pub ping_interval: u64,
    /// Heartbeat timeout in milliseconds.
    pub ping_timeout: u64,
    /// Largest polling body, in bytes, the client should send (v4 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_payload: Option<u64>,
}

impl Handshake {
    /// The `open` packet carrying this handshake.
    #[must_use]
    pub fn to_packet(&self) -> Packet {
        // Serializing plain strings and integers into a String cannot fail; were it ever to,
        // an empty open packet is sent, which the client rejects, rather than panicking.
        Packet::Open(Str::from(serde_json::to_string(self).unwrap_or_default()))
    }

    /// Parses the JSON of an `open` packet.
    ///
    /// # Errors
    /// [`DecodeError::InvalidHandshake`] when the text is not JSON of this shape.
    pub fn parse(json: &Str) -> Result<Self, DecodeError> {
        serde_json::from_str(json.as_str())
            .map_err(|e| DecodeError::InvalidHandshake(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eio::{Frame, ProtocolVersion};

    /// The handshake example of the engine.io-protocol README (v4).
    #[test]
    fn readme_example_both_directions() {
        let json = r#"{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
        let handshake = Handshake {
            sid: "lv_VI97HAXpY6yYWAAAC".into(),
            upgrades: vec!["websocket".into()],
            ping_interval: 25000,
            ping_timeout: 20000,
            max_payload: Some(1_000_000),
        };
        assert_eq!(Handshake::parse(&Str::from(json)).unwrap(), handshake);
        assert_eq!(
            handshake.to_packet().encode(ProtocolVersion::V4),
            Frame::Text(Str::from(format!("0{json}")))
        );
        // The README prints it spread over lines; whitespace does not matter.
        let spaced = "{\n \"sid\": \"lv_VI97HAXpY6yYWAAAC\",\n \"upgrades\": [\"websocket\"],\n \"pingInterval\": 25000,\n \"pingTimeout\": 20000,\n \"maxPayload\": 1000000\n}";
        assert_eq!(Handshake::parse(&Str::from(spaced)).unwrap(), handshake);
    }

    #[test]
    fn v3_handshake_has_no_max_payload() {
        let handshake = Handshake {
            sid: "abc".into(),
            upgrades: vec![],
            ping_interval: 25000,
            ping_timeout: 5000,
            max_payload: None,
        };
        let Packet::Open(json) = handshake.to_packet() else {
            panic!("not open")
        };
        assert_eq!(
            json,
            r#"{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":5000}"#
        );
        assert_eq!(Handshake::parse(&json).unwrap(), handshake);
    }

    #[test]
    fn rejects_bad_handshakes() {
        for bad in [
            "",
            "{}",
            "[]",
            r#"{"sid":1,"upgrades":[],"pingInterval":1,"pingTimeout":1}"#,
            r#"{"sid":"a","upgrades":[],"pingInterval":-1,"pingTimeout":1}"#,
        ] {
            assert!(
                matches!(
                    Handshake::parse(&Str::from(bad)),
                    Err(DecodeError::InvalidHandshake(_))
                ),
                "{bad}"
            );
        }
    }
}
