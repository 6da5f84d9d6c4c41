//! One shard of [`MemoryStore`](super::MemoryStore): a fixed array of entries, a hash index
//! over it, and three lists threaded through the entries: the free ones, those in flight
//! (in the order they were reserved) and those done (in the order they were committed).
//! Nothing here allocates after [`Shard::new`], reads the clock or awaits: the store passes
//! the time in. Every operation is O(1).

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
    Free,
    InFlight,
    Done,
}

/// The end of a list.
const NIL: u32 = u32::MAX;

/// One remembered id, inline: its fingerprint, its owner while in flight, the instant
/// after which it counts as absent, and its neighbours in its list.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The fingerprint's two halves (two `u64`s rather than a `u128`: 8-byte alignment
    /// keeps a slot at 56 bytes).
    key: [u64; 2],
    owner: [u64; 2],
    until: Nanos,
    prev: u32,
    next: u32,
    state: State,
}

impl Slot {
    const FREE: Self = Self {
        key: [0; 2],
        owner: [0; 2],
        until: 0,
        prev: NIL,
        next: NIL,
        state: State::Free,
    };

    fn is_live(&self, now: Nanos) -> bool {
        self.state != State::Free && now < self.until
    }

    fn held_by(&self, owner: [u64; 2], now: Nanos) -> bool {
        self.state == State::InFlight && self.owner == owner && now < self.until
    }
}

fn halves(value: u128) -> [u64; 2] {
    [(value >> 64) as u64, value as u64]
}

/// A list's two ends.
#[derive(Debug, Clone, Copy)]
struct List {
    head: u32,
    tail: u32,
}

impl List {
    const EMPTY: Self = Self {
        head: NIL,
        tail: NIL,
    };
}

/// The entries of one shard. A new id takes a free entry if there is one; otherwise the
/// reservation held longest if its lease has lapsed; otherwise the id committed longest
/// ago. A live reservation is never taken: with no free entry, no lapsed reservation
/// and nothing done, the shard is full.
#[derive(Debug)]
pub(super) struct Shard {
    slots: Box<[Slot]>,
    /// Slot indices by fingerprint. Sized for twice the slots, so hashbrown clears its
    /// tombstones in place and never reallocates.
    index: HashTable<u32>,
    free: List,
    in_flight: List,
    done: List,
}

/// The index's hash of a fingerprint: its low half (the high half picks the shard).
fn hash(key: [u64; 2]) -> u64 {
    key[1]
}

impl Shard {
    /// A shard of `slots` entries (at least one, fewer than `u32::MAX`), allocated now;
    /// `None` when the memory cannot be had.
    pub(super) fn new(slots: usize) -> Option<Self> {
        let slots = slots.clamp(1, (NIL - 1) as usize);
        let mut entries = Vec::new();
        entries.try_reserve_exact(slots).ok()?;
        entries.resize(slots, Slot::FREE);
        let mut index = HashTable::new();
        index
            .try_reserve(slots.saturating_mul(2), |&i: &u32| u64::from(i))
            .ok()?;
        let mut shard = Self {
            slots: entries.into_boxed_slice(),
            index,
            free: List::EMPTY,
            in_flight: List::EMPTY,
            done: List::EMPTY,
        };
        for i in 0..slots {
            shard.push(Which::Free, i as u32);
        }
        Some(shard)
    }

    /// How many entries the shard has.
    pub(super) fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// How many ids the shard holds (in flight, done, or lapsed but not yet reused).
    pub(super) fn len(&self) -> usize {
        self.index.len()
    }

    fn slot(&self, i: u32) -> Option<&Slot> {
        self.slots.get(i as usize)
    }

    fn slot_mut(&mut self, i: u32) -> Option<&mut Slot> {
        self.slots.get_mut(i as usize)
    }

    fn list(&mut self, which: Which) -> &mut List {
        match which {
            Which::Free => &mut self.free,
            Which::InFlight => &mut self.in_flight,
            Which::Done => &mut self.done,
        }
    }

    /// Appends entry `i` (in no list) to the tail of `which`.
    fn push(&mut self, which: Which, i: u32) {
        let tail = self.list(which).tail;
        if let Some(slot) = self.slot_mut(i) {
            slot.prev = tail;
            slot.next = NIL;
        }
        match self.slot_mut(tail) {
            Some(last) => last.next = i,
            None => self.list(which).head = i,
        }
        self.list(which).tail = i;
    }

    /// Takes entry `i` out of `which`.
    fn unlink(&mut self, which: Which, i: u32) {
        let Some(&Slot { prev, next, .. }) = self.slot(i) else {
            return;
        };
        match self.slot_mut(prev) {
            Some(before) => before.next = next,
            None => self.list(which).head = next,
        }
        match self.slot_mut(next) {
            Some(after) => after.prev = prev,
            None => self.list(which).tail = prev,
        }
        if let Some(slot) = self.slot_mut(i) {
            slot.prev = NIL;
            slot.next = NIL;
        }
    }

    fn find(&self, key: [u64; 2]) -> Option<u32> {
        let slots = &self.slots;
        self.index
            .find(hash(key), |&i| {
                slots.get(i as usize).is_some_and(|slot| slot.key == key)
            })
            .copied()
    }

    /// Forgets entry `i`: out of the index and of its list, into the free list.
    fn forget(&mut self, i: u32) {
        let Some(&Slot { key, state, .. }) = self.slot(i) else {
            return;
        };
        let which = match state {
            State::Free => return,
            State::InFlight => Which::InFlight,
            State::Done => Which::Done,
        };
        let slots = &self.slots;
        if let Ok(entry) = self.index.find_entry(hash(key), |&j| {
            slots.get(j as usize).is_some_and(|slot| slot.key == key)
        }) {
            entry.remove();
        }
        self.unlink(which, i);
        if let Some(slot) = self.slot_mut(i) {
            *slot = Slot::FREE;
        }
        self.push(Which::Free, i);
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
        let key = halves(key);
        if let Some(i) = self.find(key) {
            match self.slot(i) {
                Some(slot) if slot.is_live(now) => {
                    return match slot.state {
                        State::Done => Found::Done,
                        _ => Found::InFlight,
                    };
                }
                // Lapsed or expired: reserved anew, as the newest id.
                _ => self.forget(i),
            }
        }
        let Some(i) = self.room(now) else {
            return Found::Full;
        };
        self.unlink(Which::Free, i);
        if let Some(slot) = self.slot_mut(i) {
            *slot = Slot {
                key,
                owner: halves(owner),
                until: lease_until,
                prev: NIL,
                next: NIL,
                state: State::InFlight,
            };
        }
        self.push(Which::InFlight, i);
        let slots = &self.slots;
        self.index.insert_unique(hash(key), i, |&j| {
            slots.get(j as usize).map_or(0, |slot| hash(slot.key))
        });
        Found::Acquired
    }

    /// A free entry for a new id, freeing one if need be: the reservation held longest if
    /// it has lapsed, else the id committed longest ago. `None` when all are live
    /// reservations.
    fn room(&mut self, now: Nanos) -> Option<u32> {
        if self.free.head == NIL {
            let oldest_lease = self.in_flight.head;
            let victim = match self.slot(oldest_lease) {
                Some(slot) if !slot.is_live(now) => oldest_lease,
                _ => self.done.head,
            };
            if victim == NIL {
                return None;
            }
            self.forget(victim);
        }
        Some(self.free.head)
    }

    /// Marks `key` done until `done_until` if `owner` holds it: it becomes the newest done.
    pub(super) fn commit(&mut self, key: u128, owner: u128, done_until: Nanos, now: Nanos) -> bool {
        let Some(i) = self.find(halves(key)) else {
            return false;
        };
        if !self
            .slot(i)
            .is_some_and(|slot| slot.held_by(halves(owner), now))
        {
            return false;
        }
        self.unlink(Which::InFlight, i);
        if let Some(slot) = self.slot_mut(i) {
            slot.state = State::Done;
            slot.until = done_until;
        }
        self.push(Which::Done, i);
        true
    }

    /// Forgets `key` if `owner` holds it; its entry is free for the next new id.
    pub(super) fn release(&mut self, key: u128, owner: u128, now: Nanos) -> bool {
        let Some(i) = self.find(halves(key)) else {
            return false;
        };
        let held = self
            .slot(i)
            .is_some_and(|slot| slot.held_by(halves(owner), now));
        if held {
            self.forget(i);
        }
        held
    }
}

/// One of the three lists.
#[derive(Debug, Clone, Copy)]
enum Which {
    Free,
    InFlight,
    Done,
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Nanos = 1_000_000;

    #[test]
    fn oldest_done_goes_first_and_reservations_stay() {
        let mut shard = Shard::new(3).unwrap();
        assert_eq!(shard.reserve(1, 10, LONG, 0), Found::Acquired);
        assert!(shard.commit(1, 10, LONG, 0));
        assert_eq!(shard.reserve(2, 20, LONG, 0), Found::Acquired); // stays in flight
        assert_eq!(shard.reserve(3, 30, LONG, 0), Found::Acquired);
        assert!(shard.commit(3, 30, LONG, 0));
        // Full: 4 takes 1's entry (done first), 5 takes 3's; 2 stays in flight.
        assert_eq!(shard.reserve(4, 40, LONG, 0), Found::Acquired);
        assert_eq!(shard.reserve(5, 50, LONG, 0), Found::Acquired);
        assert_eq!(shard.reserve(2, 21, LONG, 0), Found::InFlight);
        assert_eq!(
            shard.reserve(1, 11, LONG, 0),
            Found::Full,
            "2, 4 and 5 are in flight"
        );
        assert_eq!(shard.len(), 3);
        // Once the leases lapse, the oldest reservation's entry is taken.
        assert_eq!(shard.reserve(1, 11, LONG + 1, LONG), Found::Acquired);
        assert!(!shard.commit(2, 20, LONG, LONG), "lapsed");
    }

    #[test]
    fn release_frees_the_entry_and_only_for_the_owner() {
        let mut shard = Shard::new(2).unwrap();
        assert_eq!(shard.reserve(1, 10, LONG, 0), Found::Acquired);
        assert!(!shard.release(1, 11, 0));
        assert!(shard.release(1, 10, 0));
        assert!(!shard.release(1, 10, 0));
        assert_eq!(shard.len(), 0);
        assert_eq!(shard.reserve(1, 12, LONG, 0), Found::Acquired);
        assert!(!shard.commit(1, 10, LONG, 0));
        assert!(shard.commit(1, 12, LONG, 0));
        assert_eq!(shard.reserve(1, 13, LONG, 1), Found::Done);
        assert_eq!(
            shard.reserve(1, 13, LONG * 2, LONG),
            Found::Acquired,
            "expired"
        );
    }

    /// Reservations that are released (a handler that failed, a dropped request) give
    /// their entry back: any number of them forgets no handled id.
    #[test]
    fn released_reservations_forget_nothing() {
        let mut shard = Shard::new(4).unwrap();
        for key in 0..3u128 {
            assert_eq!(shard.reserve(key, key, LONG, 0), Found::Acquired);
            assert!(shard.commit(key, key, LONG, 0));
        }
        for key in 100..10_000u128 {
            assert_eq!(shard.reserve(key, key, LONG, 0), Found::Acquired);
            assert!(shard.release(key, key, 0));
        }
        for key in 0..3u128 {
            assert_eq!(shard.reserve(key, 0, LONG, 0), Found::Done);
        }
    }

    #[test]
    fn churn_never_outgrows_the_index() {
        let mut shard = Shard::new(64).unwrap();
        for key in 0..100_000u128 {
            let now = key as Nanos;
            assert_eq!(shard.reserve(key, key, now + 10, now), Found::Acquired);
            if key % 3 == 0 {
                assert!(shard.release(key, key, now));
            } else if key % 3 == 1 {
                assert!(shard.commit(key, key, now + LONG, now));
            } // else: left to lapse
            assert!(shard.len() <= shard.capacity());
        }
        assert_eq!(shard.reserve(99_997, 0, LONG, 100_000), Found::Done);
    }
}
