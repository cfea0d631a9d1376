//! A generational slab: the compact store of sockets.
//!
//! Slots are reused through a free list; each reuse bumps the slot's generation so an old
//! [`SocketId`] misses instead of finding the new occupant. Lookups are an index and a compare,
//! which is what a 10 000-recipient broadcast needs per recipient.

use super::ids::SocketId;

enum Slot<T> {
    Occupied {
        generation: u32,
        value: T,
    },
    Vacant {
        generation: u32,
        next_free: Option<u32>,
    },
}

/// Generational slab keyed by [`SocketId`].
pub(crate) struct Slab<T> {
    slots: Vec<Slot<T>>,
    free_head: Option<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free_head: None,
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Number of occupied slots.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Stores `value`; `None` only when 2^32 slots are in use.
    pub(crate) fn insert(&mut self, value: T) -> Option<SocketId> {
        if let Some(index) = self.free_head {
            let slot = self.slots.get_mut(index as usize)?;
            let Slot::Vacant {
                generation,
                next_free,
            } = *slot
            else {
                // The free list only links vacant slots; a broken link is treated as full.
                return None;
            };
            *slot = Slot::Occupied { generation, value };
            self.free_head = next_free;
            self.len = self.len.saturating_add(1);
            return Some(SocketId { index, generation });
        }
        let index = u32::try_from(self.slots.len()).ok()?;
        self.slots.push(Slot::Occupied {
            generation: 0,
            value,
        });
        self.len = self.len.saturating_add(1);
        Some(SocketId {
            index,
            generation: 0,
        })
    }

    /// The value for `id`, if that exact socket is still stored.
    pub(crate) fn get(&self, id: SocketId) -> Option<&T> {
        match self.slots.get(id.index as usize)? {
            Slot::Occupied { generation, value } if *generation == id.generation => Some(value),
            _ => None,
        }
    }

    /// Mutable access to the value for `id`.
    pub(crate) fn get_mut(&mut self, id: SocketId) -> Option<&mut T> {
        match self.slots.get_mut(id.index as usize)? {
            Slot::Occupied { generation, value } if *generation == id.generation => Some(value),
            _ => None,
        }
    }

    /// Removes and returns the value for `id`.
    pub(crate) fn remove(&mut self, id: SocketId) -> Option<T> {
        let slot = self.slots.get_mut(id.index as usize)?;
        match slot {
            Slot::Occupied { generation, .. } if *generation == id.generation => {}
            _ => return None,
        }
        let vacant = Slot::Vacant {
            generation: id.generation.wrapping_add(1),
            next_free: self.free_head,
        };
        let Slot::Occupied { value, .. } = std::mem::replace(slot, vacant) else {
            return None;
        };
        self.free_head = Some(id.index);
        self.len = self.len.saturating_sub(1);
        Some(value)
    }

    /// Iterates over every stored value with its id.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = (SocketId, &T)> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| match slot {
                Slot::Occupied { generation, value } => Some((
                    SocketId {
                        index: u32::try_from(i).ok()?,
                        generation: *generation,
                    },
                    value,
                )),
                Slot::Vacant { .. } => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove_and_reuse_with_new_generation() {
        let mut s = Slab::default();
        let a = s.insert("a").unwrap();
        let b = s.insert("b").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.get(a), Some(&"a"));
        assert_eq!(s.remove(a), Some("a"));
        assert_eq!(s.remove(a), None);
        assert_eq!(s.get(a), None);
        let c = s.insert("c").unwrap();
        assert_eq!(c.index, a.index, "slot reused");
        assert_ne!(c, a, "but with a new generation");
        assert_eq!(s.get(a), None);
        assert_eq!(s.get(c), Some(&"c"));
        *s.get_mut(b).unwrap() = "bb";
        let all: Vec<_> = s.iter().map(|(_, v)| *v).collect();
        assert_eq!(all, vec!["c", "bb"]);
        assert_eq!(s.len(), 2);
    }
}
