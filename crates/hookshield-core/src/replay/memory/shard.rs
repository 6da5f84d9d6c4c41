//! One shard of [`MemoryStore`](super::MemoryStore): a fixed ring of entries in the order
//! they were reserved, and a hash index over it. Nothing here allocates after
//! [`Shard::new`], reads the clock or awaits: the store passes the time in.

use hashbrown::HashTable;

/// Times are nanoseconds since the store was built (see `MemoryStore::now`).
pub(super) type Nanos = u64;

/// What [`Shard::reserve`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// The id was absent (or released, or lapsed) and is now in flight for the owner.
    Acquired,
    InFlight,
    Done,
    /// Every entry of the shard is a live reservation: none may be forgotten.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A free slot (never used, released, or taken over).
    Empty,
    InFlight,
    Done,
}

/// One remembered id, inline: its fingerprint, its owner while in flight, and the instant
/// after which it counts as absent.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u128,
    owner: u128,
    until: Nanos,
    state: State,
}

impl Slot {
    const EMPTY: Self = Self {
        key: 0,
        owner: 0,
        until: 0,
        state: State::Empty,
    };

    fn is_live(&self, now: Nanos) -> bool {
        self.state != State::Empty && now < self.until
    }

    fn held_by(&self, owner: u128, now: Nanos) -> bool {
        self.state == State::InFlight && self.owner == owner && now < self.until
    }
}

/// The entries of one shard, in a ring: `next` points at the slot reserved longest ago,
/// the next one to reuse. A new id takes that slot (forgetting what it held) unless it
/// holds a live reservation, which is skipped and kept: the oldest ids are forgotten
/// first, and a reservation in flight never is.
#[derive(Debug)]
pub(super) struct Shard {
    slots: Box<[Slot]>,
    /// Slot indices by fingerprint. Sized for twice the slots, so hashbrown clears its
    /// tombstones in place and never reallocates.
    index: HashTable<u32>,
    next: usize,
}

/// The index's hash of a fingerprint: its low half (the high half picks the shard).
fn hash(key: u128) -> u64 {
    key as u64
}

impl Shard {
    /// A shard of `slots` entries (at least one, at most `u32::MAX`), all allocated now.
    pub(super) fn new(slots: usize) -> Self {
        let slots = slots.clamp(1, u32::MAX as usize);
        Self {
            slots: vec![Slot::EMPTY; slots].into_boxed_slice(),
            index: HashTable::with_capacity(slots.saturating_mul(2)),
            next: 0,
        }
    }

    /// How many slots the shard has.
    pub(super) fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// How many ids the shard holds (live or not yet reused).
    pub(super) fn len(&self) -> usize {
        self.index.len()
    }

    fn find(&self, key: u128) -> Option<usize> {
        let slots = &self.slots;
        self.index
            .find(hash(key), |&i| {
                slots.get(i as usize).is_some_and(|slot| slot.key == key)
            })
            .map(|&i| i as usize)
    }

    /// Removes `key` from the index and frees its slot.
    fn forget(&mut self, key: u128) {
        let slots = &self.slots;
        if let Ok(entry) = self.index.find_entry(hash(key), |&i| {
            slots.get(i as usize).is_some_and(|slot| slot.key == key)
        }) {
            let (i, _) = entry.remove();
            if let Some(slot) = self.slots.get_mut(i as usize) {
                *slot = Slot::EMPTY;
            }
        }
    }

    /// Reserves `key` for `owner` until `lease_until`, unless it is live (in flight or
    /// done) already.
    pub(super) fn reserve(
        &mut self,
        key: u128,
        owner: u128,
        lease_until: Nanos,
        now: Nanos,
    ) -> Found {
        if let Some(slot) = self.find(key).and_then(|i| self.slots.get(i)) {
            if slot.is_live(now) {
                return match slot.state {
                    State::Done => Found::Done,
                    _ => Found::InFlight,
                };
            }
            // Lapsed or expired: reserved anew, as the newest id.
            self.forget(key);
        }
        let Some(i) = self.reusable(now) else {
            return Found::Full;
        };
        let old = self.slots.get(i).map_or(Slot::EMPTY, |slot| *slot);
        if old.state != State::Empty {
            self.forget(old.key);
        }
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = Slot {
                key,
                owner,
                until: lease_until,
                state: State::InFlight,
            };
        }
        let slots = &self.slots;
        self.index.insert_unique(hash(key), i as u32, |&j| {
            slots.get(j as usize).map_or(0, |slot| hash(slot.key))
        });
        Found::Acquired
    }

    /// The slot the next new id takes: the one reserved longest ago that holds no live
    /// reservation. `None` when every slot holds one.
    fn reusable(&mut self, now: Nanos) -> Option<usize> {
        let len = self.slots.len();
        for _ in 0..len {
            let i = self.next;
            let after = i.saturating_add(1);
            self.next = if after >= len { 0 } else { after };
            let held = self
                .slots
                .get(i)
                .is_some_and(|slot| slot.state == State::InFlight && slot.is_live(now));
            if !held {
                return Some(i);
            }
        }
        None
    }

    /// Marks `key` done until `done_until` if `owner` holds it.
    pub(super) fn commit(&mut self, key: u128, owner: u128, done_until: Nanos, now: Nanos) -> bool {
        let Some(i) = self.find(key) else {
            return false;
        };
        match self.slots.get_mut(i) {
            Some(slot) if slot.held_by(owner, now) => {
                slot.state = State::Done;
                slot.until = done_until;
                true
            }
            _ => false,
        }
    }

    /// Forgets `key` if `owner` holds it.
    pub(super) fn release(&mut self, key: u128, owner: u128, now: Nanos) -> bool {
        let held = self
            .find(key)
            .and_then(|i| self.slots.get(i))
            .is_some_and(|slot| slot.held_by(owner, now));
        if held {
            self.forget(key);
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Nanos = 1_000_000;

    #[test]
    fn oldest_goes_first_and_reservations_stay() {
        let mut shard = Shard::new(3);
        assert_eq!(shard.reserve(1, 10, LONG, 0), Found::Acquired);
        assert!(shard.commit(1, 10, LONG, 0));
        assert_eq!(shard.reserve(2, 20, LONG, 0), Found::Acquired); // stays in flight
        assert_eq!(shard.reserve(3, 30, LONG, 0), Found::Acquired);
        assert!(shard.commit(3, 30, LONG, 0));
        // Full: 4 takes 1's slot (the oldest), 5 skips 2 (in flight) and takes 3's.
        assert_eq!(shard.reserve(4, 40, LONG, 0), Found::Acquired);
        assert_eq!(shard.reserve(5, 50, LONG, 0), Found::Acquired);
        assert_eq!(shard.reserve(2, 21, LONG, 0), Found::InFlight);
        assert_eq!(shard.reserve(1, 11, LONG, 0), Found::Full, "2, 4 and 5 are in flight");
        assert_eq!(shard.len(), 3);
        // Once 2's lease lapses, its slot is reusable.
        assert_eq!(shard.reserve(1, 11, LONG + 1, LONG), Found::Acquired);
        assert!(!shard.commit(2, 20, LONG, LONG), "lapsed");
    }

    #[test]
    fn release_frees_the_slot_and_only_for_the_owner() {
        let mut shard = Shard::new(2);
        assert_eq!(shard.reserve(1, 10, LONG, 0), Found::Acquired);
        assert!(!shard.release(1, 11, 0));
        assert!(shard.release(1, 10, 0));
        assert!(!shard.release(1, 10, 0));
        assert_eq!(shard.len(), 0);
        assert_eq!(shard.reserve(1, 12, LONG, 0), Found::Acquired);
        assert!(!shard.commit(1, 10, LONG, 0));
        assert!(shard.commit(1, 12, LONG, 0));
        assert_eq!(shard.reserve(1, 13, LONG, 1), Found::Done);
        assert_eq!(shard.reserve(1, 13, LONG * 2, LONG), Found::Acquired, "expired");
    }

    #[test]
    fn churn_never_outgrows_the_index() {
        let mut shard = Shard::new(64);
        for key in 0..100_000u128 {
            let now = key as Nanos;
            assert_eq!(shard.reserve(key, key, now + 10, now), Found::Acquired);
            if key % 3 == 0 {
                assert!(shard.release(key, key, now));
            } else {
                assert!(shard.commit(key, key, now + LONG, now));
            }
            assert!(shard.len() <= shard.capacity());
        }
        assert_eq!(shard.reserve(99_998, 0, LONG, 100_000), Found::Done);
    }
}
