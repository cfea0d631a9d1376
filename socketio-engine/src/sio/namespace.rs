//! The namespace registry: static names from config, and dynamic ones created on first
//! connect when the application's predicate accepts the name.
//!
//! A namespace holds its connected sockets and its rooms. Namespaces are never deleted
//! (as in Node without `cleanupEmptyChildNamespaces`), so a `NsId` stays valid forever, and
//! dynamic creation is capped by `max_dynamic_namespaces`.

use std::collections::{HashMap, HashSet};

use socketio_proto::Str;

use super::config::{NamespacePredicate, SioConfig};
use super::ids::SocketId;
use super::name_key::NameKey;
use super::rooms::Rooms;

/// Index of a namespace in the registry.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct NsId(pub(crate) u32);

/// One namespace: its name, connected sockets and rooms.
#[derive(Debug)]
pub(crate) struct Namespace {
    pub(crate) name: Str,
    pub(crate) sockets: HashSet<SocketId>,
    pub(crate) rooms: Rooms,
}

/// All namespaces of the engine.
pub(crate) struct Namespaces {
    by_name: HashMap<NameKey, NsId>,
    list: Vec<Namespace>,
    dynamic: Option<NamespacePredicate>,
    dynamic_count: usize,
    max_dynamic: usize,
}

impl Namespaces {
    /// The registry with the static namespaces of `config`.
    pub(crate) fn new(config: &SioConfig) -> Self {
        let mut me = Self {
            by_name: HashMap::new(),
            list: Vec::new(),
            dynamic: config.dynamic_namespaces.clone(),
            dynamic_count: 0,
            max_dynamic: config.max_dynamic_namespaces,
        };
        for name in &config.namespaces {
            me.insert(name.clone());
        }
        me
    }

    fn insert(&mut self, name: Str) -> Option<NsId> {
        if let Some(&id) = self.by_name.get(name.as_str()) {
            return Some(id);
        }
        let id = NsId(u32::try_from(self.list.len()).ok()?);
        self.list.push(Namespace {
            name: name.clone(),
            sockets: HashSet::new(),
            rooms: Rooms::default(),
        });
        self.by_name.insert(NameKey(name), id);
        Some(id)
    }

    /// The namespace called `name`, without creating it.
    pub(crate) fn find(&self, name: &str) -> Option<NsId> {
        self.by_name.get(name).copied()
    }

    /// The namespace a client asks to connect to: an existing one, or a new dynamic one if the
    /// predicate accepts the name and the cap allows. `None` means "Invalid namespace".
    pub(crate) fn resolve(&mut self, name: &Str) -> Option<NsId> {
        if let Some(id) = self.find(name) {
            return Some(id);
        }
        let accepted = self.dynamic.as_ref().is_some_and(|p| p(name));
        if !accepted || self.dynamic_count >= self.max_dynamic {
            return None;
        }
        let id = self.insert(name.clone())?;
        self.dynamic_count = self.dynamic_count.saturating_add(1);
        Some(id)
    }

    /// Adds a static namespace at run time (idempotent).
    pub(crate) fn add(&mut self, name: Str) -> Option<NsId> {
        self.insert(name)
    }

    pub(crate) fn get(&self, id: NsId) -> Option<&Namespace> {
        self.list.get(id.0 as usize)
    }

    pub(crate) fn get_mut(&mut self, id: NsId) -> Option<&mut Namespace> {
        self.list.get_mut(id.0 as usize)
    }

    /// Every namespace (tests, and the monitoring snapshot).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (NsId, &Namespace)> + '_ {
        self.list
            .iter()
            .enumerate()
            .filter_map(|(i, ns)| Some((NsId(u32::try_from(i).ok()?), ns)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_names_only_by_default() {
        let mut n = Namespaces::new(&SioConfig::default());
        assert!(n.resolve(&Str::from("/")).is_some());
        assert!(n.resolve(&Str::from("/admin")).is_none());
        assert_eq!(n.get(n.find("/").unwrap()).unwrap().name, "/");
    }

    #[test]
    fn dynamic_names_match_predicate_and_are_capped() {
        let mut cfg = SioConfig::default();
        cfg.dynamic_namespaces(|name| name.starts_with("/dyn-"))
            .max_dynamic_namespaces(2);
        let mut n = Namespaces::new(&cfg);
        let a = n.resolve(&Str::from("/dyn-a")).unwrap();
        assert_eq!(n.resolve(&Str::from("/dyn-a")), Some(a), "created once");
        assert!(n.resolve(&Str::from("/other")).is_none());
        assert!(n.resolve(&Str::from("/dyn-b")).is_some());
        assert!(
            n.resolve(&Str::from("/dyn-c")).is_none(),
            "max_dynamic_namespaces reached"
        );
        assert_eq!(n.iter().count(), 3);
    }

    #[test]
    fn add_is_idempotent() {
        let mut n = Namespaces::new(&SioConfig::default());
        let a = n.add(Str::from("/a")).unwrap();
        assert_eq!(n.add(Str::from("/a")), Some(a));
        assert!(n.resolve(&Str::from("/a")).is_some());
    }
}
