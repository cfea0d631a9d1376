//! [`Extensions`]: typed per-socket data the application attaches (one value per type), as
//! `http::Extensions` does for requests. Allocated only for sockets that store something.

use std::any::{Any, TypeId};
use std::collections::HashMap;

/// A map from type to one value of that type.
#[derive(Default)]
pub struct Extensions {
    map: HashMap<TypeId, Box<dyn Any + Send>>,
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extensions")
            .field("len", &self.map.len())
            .finish()
    }
}

impl Extensions {
    /// Stores `value`, returning the previous value of that type.
    pub fn insert<T: Any + Send>(&mut self, value: T) -> Option<T> {
        self.map
            .insert(TypeId::of::<T>(), Box::new(value))
            .and_then(|old| old.downcast().ok().map(|b| *b))
    }

    /// The value of type `T`.
    #[must_use]
    pub fn get<T: Any + Send>(&self) -> Option<&T> {
        self.map.get(&TypeId::of::<T>())?.downcast_ref()
    }

    /// The value of type `T`, mutably.
    pub fn get_mut<T: Any + Send>(&mut self) -> Option<&mut T> {
        self.map.get_mut(&TypeId::of::<T>())?.downcast_mut()
    }

    /// Removes and returns the value of type `T`.
    pub fn remove<T: Any + Send>(&mut self) -> Option<T> {
        self.map
            .remove(&TypeId::of::<T>())
            .and_then(|old| old.downcast().ok().map(|b| *b))
    }

    /// Whether nothing is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_per_type() {
        let mut e = Extensions::default();
        assert!(e.is_empty());
        assert_eq!(e.insert(5u32), None);
        assert_eq!(e.insert(7u32), Some(5));
        e.insert(String::from("name"));
        *e.get_mut::<u32>().unwrap() += 1;
        assert_eq!(e.get::<u32>(), Some(&8));
        assert_eq!(e.get::<String>().map(String::as_str), Some("name"));
        assert_eq!(e.remove::<u32>(), Some(8));
        assert_eq!(e.get::<u32>(), None);
    }
}
