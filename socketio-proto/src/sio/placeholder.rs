//! [`Placeholder`]: the JSON object standing in for a binary attachment.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// `{"_placeholder":true,"num":N}`: put one in a payload for each attachment of a binary
/// event or ack, numbered from 0 in the order the attachments are sent.
///
/// Decoding checks placeholders at any depth: in a binary packet each `num` must be an
/// integer below the announced attachment count, and the number of placeholders must equal
/// that count (the reference parser only checks the range). Distinctness of the indexes is
/// not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder(pub usize);

impl Serialize for Placeholder {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Placeholder", 2)?;
        st.serialize_field("_placeholder", &true)?;
        st.serialize_field("num", &self.0)?;
        st.end()
    }
}
