//! Unit tests: every example packet of the protocol documents (v5 current and v4), in both
//! directions, and one test per rejection.

use bytes::Bytes;

use super::*;
use crate::Str;

use ProtocolVersion::{V4, V5};

fn p(text: &str) -> Payload {
    Payload::from_json(Str::from(text)).unwrap()
}

/// Decodes a header plus attachments through a fresh reassembler.
fn dec(v: ProtocolVersion, text: &str, bins: &[&[u8]]) -> Result<Packet, DecodeError> {
    let mut r = Reassembler::new(v, ReassemblerLimits::default());
    let mut out = r.push_text(Str::from(text))?;
    for b in bins {
        assert!(out.is_none(), "packet complete before all attachments");
        out = r.push_binary(Bytes::copy_from_slice(b))?;
    }
    assert!(!r.is_waiting());
    Ok(out.unwrap())
}

/// Asserts `text` + `bins` decode to `packet` and `packet` encodes to exactly them.
fn both_ways(v: ProtocolVersion, text: &str, bins: &[&[u8]], packet: &Packet) {
    assert_eq!(&dec(v, text, bins).unwrap(), packet, "decoding {text}");
    let (enc, atts) = packet.encode(v);
    assert_eq!(enc, text, "encoding {packet:?}");
    let atts: Vec<&[u8]> = atts.iter().map(|b| &b[..]).collect();
    assert_eq!(atts, bins);
}

fn event(nsp: &str, id: Option<u64>, data: &str, bins: &[&[u8]]) -> Packet {
    Packet {
        nsp: Str::from(nsp),
        body: PacketBody::Event {
            id,
            data: EventPayload::from_validated(p(data)),
            attachments: bins.iter().map(|b| Bytes::copy_from_slice(b)).collect(),
        },
    }
}

fn ack(nsp: &str, id: u64, data: &str, bins: &[&[u8]]) -> Packet {
    Packet {
        nsp: Str::from(nsp),
        body: PacketBody::Ack {
            id,
            data: Args::try_from_payload(p(data)).unwrap(),
            attachments: bins.iter().map(|b| Bytes::copy_from_slice(b)).collect(),
        },
    }
}

const PH0: &str = r#"{"_placeholder":true,"num":0}"#;

#[test]
fn v5_readme_examples() {
    both_ways(V5, "0", &[], &Packet::connect("/", None));
    both_ways(
        V5,
        r#"0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}"#,
        &[],
        &Packet::connect("/admin", Some(p(r#"{"sid":"oSO0OpakMV_3jnilAAAA"}"#))),
    );
    both_ways(
        V5,
        r#"4{"message":"Not authorized"}"#,
        &[],
        &Packet::connect_error("/", V5, "Not authorized"),
    );
    both_ways(V5, r#"2["foo"]"#, &[], &event("/", None, r#"["foo"]"#, &[]));
    both_ways(
        V5,
        r#"2/admin,["bar"]"#,
        &[],
        &event("/admin", None, r#"["bar"]"#, &[]),
    );
    both_ways(
        V5,
        &format!(r#"51-["baz",{PH0}]"#),
        &[&[1, 2, 3, 4]],
        &event("/", None, &format!(r#"["baz",{PH0}]"#), &[&[1, 2, 3, 4]]),
    );
    let two = r#"["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#;
    both_ways(
        V5,
        &format!("52-/admin,{two}"),
        &[&[1, 2], &[3, 4]],
        &event("/admin", None, two, &[&[1, 2], &[3, 4]]),
    );
    both_ways(
        V5,
        r#"212["foo"]"#,
        &[],
        &event("/", Some(12), r#"["foo"]"#, &[]),
    );
    both_ways(V5, "312[]", &[], &ack("/", 12, "[]", &[]));
    both_ways(
        V5,
        r#"3/admin,13["bar"]"#,
        &[],
        &ack("/admin", 13, r#"["bar"]"#, &[]),
    );
    both_ways(
        V5,
        &format!(r#"61-15["bar",{PH0}]"#),
        &[&[1, 2, 3, 4]],
        &ack("/", 15, &format!(r#"["bar",{PH0}]"#), &[&[1, 2, 3, 4]]),
    );
    both_ways(V5, "1", &[], &Packet::disconnect("/"));
    both_ways(V5, "1/admin,", &[], &Packet::disconnect("/admin"));
    // The sample session.
    both_ways(V5, "0/admin,", &[], &Packet::connect("/admin", None));
    both_ways(
        V5,
        r#"2["hey","Jude"]"#,
        &[],
        &event("/", None, r#"["hey","Jude"]"#, &[]),
    );
    both_ways(
        V5,
        r#"2/admin,1["tellme"]"#,
        &[],
        &event("/admin", Some(1), r#"["tellme"]"#, &[]),
    );
    both_ways(
        V5,
        &format!("61-/admin,1[{PH0}]"),
        &[b"bin"],
        &ack("/admin", 1, &format!("[{PH0}]"), &[b"bin"]),
    );
}

#[test]
fn v4_readme_examples() {
    both_ways(V4, "0", &[], &Packet::connect("/", None));
    both_ways(V4, "0/admin,", &[], &Packet::connect("/admin", None));
    both_ways(V4, "1/admin,", &[], &Packet::disconnect("/admin"));
    both_ways(
        V4,
        r#"2["hello",1]"#,
        &[],
        &event("/", None, r#"["hello",1]"#, &[]),
    );
    both_ways(
        V4,
        r#"2/admin,456["project:delete",123]"#,
        &[],
        &event("/admin", Some(456), r#"["project:delete",123]"#, &[]),
    );
    both_ways(V4, "3/admin,456[]", &[], &ack("/admin", 456, "[]", &[]));
    both_ways(
        V4,
        r#"4/admin,"Not authorized""#,
        &[],
        &Packet::connect_error("/admin", V4, "Not authorized"),
    );
    both_ways(
        V4,
        &format!(r#"51-["hello",{PH0}]"#),
        &[&[1, 2, 3]],
        &event("/", None, &format!(r#"["hello",{PH0}]"#), &[&[1, 2, 3]]),
    );
    both_ways(
        V4,
        &format!(r#"51-/admin,456["project:delete",{PH0}]"#),
        &[&[1, 2, 3]],
        &event(
            "/admin",
            Some(456),
            &format!(r#"["project:delete",{PH0}]"#),
            &[&[1, 2, 3]],
        ),
    );
    both_ways(
        V4,
        &format!("61-/admin,456[{PH0}]"),
        &[&[3, 2, 1]],
        &ack("/admin", 456, &format!("[{PH0}]"), &[&[3, 2, 1]]),
    );
}

#[test]
fn v4_connect_query_is_split_off_the_namespace() {
    let q = |nsp: &str, query: &str| Packet {
        nsp: Str::from(nsp),
        body: PacketBody::Connect {
            auth: None,
            query: Some(Str::from(query)),
        },
    };
    both_ways(
        V4,
        "0/admin?token=1234&uid=abcd,",
        &[],
        &q("/admin", "token=1234&uid=abcd"),
    );
    both_ways(V4, "0/?token=abc,", &[], &q("/", "token=abc"));
    // v5 keeps the `?` in the namespace, like the reference server does.
    both_ways(
        V5,
        "0/admin?x=1,",
        &[],
        &Packet::connect("/admin?x=1", None),
    );
    // v4 non-CONNECT packets keep it too.
    assert_eq!(dec(V4, "1/a?b,", &[]).unwrap(), Packet::disconnect("/a?b"));
    // Encoding a v5-only field in v4 and vice versa drops it.
    let with_auth = Packet::connect("/", Some(p("{}")));
    assert_eq!(with_auth.encode(V4).0, "0");
    assert_eq!(q("/a", "t=1").encode(V5).0, "0/a,");
}

#[test]
fn type_4_decodes_by_version() {
    let v5 = dec(V5, r#"4{"message":"no","data":{"x":1}}"#, &[]).unwrap();
    assert!(matches!(v5.body, PacketBody::ConnectError(_)));
    let v4 = dec(V4, r#"4"no""#, &[]).unwrap();
    assert!(matches!(v4.body, PacketBody::Error(_)));
    // Both directions accept a string or an object, as the reference parser does.
    assert!(dec(V5, r#"4"no""#, &[]).is_ok());
    assert!(dec(V4, r#"4{"message":"no"}"#, &[]).is_ok());
}

#[test]
fn namespace_without_trailing_comma_runs_to_the_end() {
    assert_eq!(
        dec(V5, "1/admin", &[]).unwrap(),
        Packet::disconnect("/admin")
    );
    assert_eq!(dec(V5, "0/,", &[]).unwrap(), Packet::connect("/", None));
}

#[test]
fn whitespace_around_json_is_kept_verbatim() {
    let pk = dec(V5, "21 [\"a\"] ", &[]).unwrap();
    both_ways(V5, "21 [\"a\"] ", &[], &pk);
}
