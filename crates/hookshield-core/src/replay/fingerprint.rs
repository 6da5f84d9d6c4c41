//! [`Fingerprints`]: how the in-memory stores turn (namespace, event id) into a fixed-size
//! key, without allocating.

use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher13};

use super::store::ReplayKey;

/// A keyed 128-bit hash of replay keys, under a random key drawn when the store is built.
///
/// The in-memory stores keep and compare this fingerprint instead of the id: nothing is
/// allocated per id and every entry has the same size. Telling two ids apart rests on
/// SipHash-1-3 as a keyed PRF (a collision takes about 2^64 ids), and an attacker never
/// sees the key, so cannot aim ids at one shard or one hash-table bucket.
#[derive(Clone, Copy)]
pub(super) struct Fingerprints {
    key: (u64, u64),
}

impl Fingerprints {
    /// A fresh random key.
    pub(super) fn random() -> Self {
        Self {
            key: uuid::Uuid::new_v4().as_u64_pair(),
        }
    }

    /// The fingerprint of `key`: the namespace's length, the namespace, then the id, so no
    /// two (namespace, id) pairs are fed to the hash as the same bytes.
    pub(super) fn of(&self, key: ReplayKey<'_>) -> u128 {
        let (k0, k1) = self.key;
        let mut hasher = SipHasher13::new_with_keys(k0, k1);
        let namespace = key.namespace().as_bytes();
        hasher.write_usize(namespace.len());
        hasher.write(namespace);
        hasher.write(key.event_id().as_bytes());
        hasher.finish128().as_u128()
    }
}

impl std::fmt::Debug for Fingerprints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays private: it is what keeps ids from being aimed at one shard.
        f.write_str("Fingerprints(SipHash-1-3, random key)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_and_id_are_not_run_together() {
        let f = Fingerprints::random();
        let a = f.of(ReplayKey::new("ns:x", "y"));
        let b = f.of(ReplayKey::new("ns", "x:y"));
        let c = f.of(ReplayKey::new("nsx", "y"));
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, f.of(ReplayKey::new("ns:x", "y")));
        assert_ne!(a, Fingerprints::random().of(ReplayKey::new("ns:x", "y")));
    }
}
