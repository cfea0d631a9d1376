//! The streaming JSON-to-MessagePack writer agrees byte for byte with the tree path
//! (`Value::from_json` then `write_value`), placeholders and wide containers included.

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

use super::{Value, write_json, write_value};

fn tree(text: &str, atts: Option<&[Bytes]>) -> Option<Bytes> {
    let v = match atts {
        Some(a) => Value::from_json(text, a).ok()?,
        None => Value::from_plain_json(text.as_bytes()).ok()?,
    };
    let mut out = BytesMut::new();
    write_value(&mut out, &v);
    Some(out.freeze())
}

fn streamed(text: &str, atts: Option<&[Bytes]>) -> Option<Bytes> {
    let mut out = BytesMut::new();
    write_json(&mut out, text, atts).ok()?;
    Some(out.freeze())
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Json::from),
        (0u64..4).prop_map(|n| json!({"_placeholder": true, "num": n})),
        Just(json!({"_placeholder": true, "num": 1.0})),
        Just(json!({"num": 0, "_placeholder": false})),
        "[a-z_]{0,12}".prop_map(Json::String),
        any::<String>().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..20).prop_map(Json::Array),
            prop::collection::btree_map("[a-z_]{0,12}", inner, 0..20)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn streaming_agrees_with_the_tree(v in json_value(), n in 0usize..4) {
        let text = serde_json::to_string(&v).unwrap();
        let atts: Vec<Bytes> = (0..n).map(|i| Bytes::from(vec![i as u8; i * 7])).collect();
        prop_assert_eq!(streamed(&text, Some(&atts)), tree(&text, Some(&atts)));
        prop_assert_eq!(streamed(&text, None), tree(&text, None));
    }
}

#[test]
fn wide_containers_get_their_16_and_32_bit_headers() {
    for n in [15usize, 16, 65_535, 65_536] {
        let arr = Json::Array((0..n).map(|i| Json::from(i % 3)).collect());
        let text = serde_json::to_string(&json!([arr, {"k": arr}])).unwrap();
        assert_eq!(streamed(&text, Some(&[])), tree(&text, Some(&[])), "{n}");
    }
    let map: serde_json::Map<String, Json> =
        (0..70_000).map(|i| (format!("k{i}"), Json::Null)).collect();
    let text = serde_json::to_string(&Json::Object(map)).unwrap();
    assert_eq!(streamed(&text, None), tree(&text, None));
}

#[test]
fn bad_input_is_refused_as_by_the_tree() {
    for text in [
        "[",
        "[1] x",
        r#"[{"_placeholder":true,"num":5}]"#,
        r#""\ud800""#,
    ] {
        assert!(streamed(text, Some(&[])).is_none(), "{text}");
        assert!(tree(text, Some(&[])).is_none(), "{text}");
    }
}

fn mp_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::UInt),
        any::<i64>().prop_map(|n| Value::Int(n.min(-1))),
        any::<f64>().prop_map(Value::F64),
        any::<f32>().prop_map(Value::F32),
        any::<String>().prop_map(|s| Value::str(s.as_str())),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(|b| Value::Bin(Bytes::from(b))),
        Just(Value::Ext(0, Bytes::from_static(&[0]))),
        (any::<i8>(), prop::collection::vec(any::<u8>(), 0..9))
            .prop_map(|(t, b)| Value::Ext(t, Bytes::from(b))),
    ];
    leaf.prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..20).prop_map(Value::Array),
            prop::collection::vec((inner.clone(), inner), 0..20).prop_map(Value::Map),
        ]
    })
}

proptest! {
    #[test]
    fn streamed_json_agrees_with_the_tree(v in mp_value(), plain in any::<bool>()) {
        let bytes = super::encode_value(&v);
        let limits = super::MsgpackLimits::default();
        let tree = super::decode_value(&bytes, &limits).and_then(|v| {
            let mut out = String::new();
            let mut atts = Vec::new();
            if plain {
                v.write_plain_json(&mut out)?;
            } else {
                v.write_json(&mut out, &mut atts)?;
            }
            Ok((out, atts))
        });
        let mut r = super::Reader::new(&bytes, &limits).unwrap();
        let mut out = String::new();
        let mut atts = Vec::new();
        let streamed = if plain {
            r.json(0, &mut out, &mut None)
        } else {
            r.json(0, &mut out, &mut Some(&mut atts))
        }
        .and_then(|()| r.finish())
        .map(|()| (out, atts));
        match (tree, streamed) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "tree {a:?} streamed {b:?}"),
        }
    }
}
