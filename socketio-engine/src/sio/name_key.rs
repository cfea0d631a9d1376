//! [`NameKey`]: a [`Str`] usable as a `HashMap` key that is looked up by `&str`.
//!
//! `Str` hashes as bytes, and `str` hashes differently, so `Str` cannot implement
//! `Borrow<str>`. Rooms and namespaces are looked up by borrowed names on every command, so
//! this wrapper hashes as `str` and allows allocation-free lookups.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

use socketio_proto::Str;

/// A name stored as `Str`, hashed and compared as `str`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameKey(pub(crate) Str);

impl Hash for NameKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.as_str().hash(state);
    }
}

impl Borrow<str> for NameKey {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn looks_up_by_str() {
        let mut m = HashMap::new();
        m.insert(NameKey(Str::from("room")), 1);
        assert_eq!(m.get("room"), Some(&1));
        assert_eq!(m.get("other"), None);
    }
}
