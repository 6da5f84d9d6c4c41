//! A MAC or decoded signature of up to 72 bytes, compared in constant time.

use subtle::ConstantTimeEq;

/// The longest signature hookshield reads: a DER ECDSA P-256 signature (72 bytes); the
/// longest MAC is HMAC-SHA512's 64.
pub(crate) const MAX_TAG: usize = 72;

/// Fixed-size storage for a MAC: no allocation per signature.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    bytes: [u8; MAX_TAG],
    len: usize,
    /// Which kind of entry of the header it was read from: 0 for the scheme's own
    /// algorithm, 1 for its public-key entries (Standard Webhooks `v1a` beside `v1`).
    slot: u8,
}

impl Tag {
    /// The empty tag: equal to no real MAC or signature.
    pub(crate) const EMPTY: Self = Self {
        bytes: [0; MAX_TAG],
        len: 0,
        slot: 0,
    };

    /// A zeroed tag of `len` bytes; `None` when `len` is over [`MAX_TAG`].
    pub(crate) fn zeroed(len: usize) -> Option<Self> {
        (len <= MAX_TAG).then_some(Self {
            bytes: [0; MAX_TAG],
            len,
            slot: 0,
        })
    }

    /// The same tag, marked as read from entries of kind `slot`.
    pub(crate) fn in_slot(mut self, slot: u8) -> Self {
        self.slot = slot;
        self
    }

    /// The kind of entry the tag was read from (see the field).
    pub(crate) fn slot(&self) -> u8 {
        self.slot
    }

    /// A tag holding `bytes` (at most [`MAX_TAG`] of them).
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut tag = Self::zeroed(bytes.len())?;
        tag.as_mut_slice().copy_from_slice(bytes);
        Some(tag)
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        self.bytes.get_mut(..self.len).unwrap_or_default()
    }

    /// Constant-time equality: all 72 bytes of both buffers (zero past `len`) are folded
    /// with XOR/OR eight bytes at a time, with no branch on their values, and the result is
    /// decided by `subtle`. Tags of different lengths are unequal (lengths are public: they
    /// follow from the algorithm).
    pub(crate) fn ct_eq(&self, other: &Self) -> subtle::Choice {
        let diff = self
            .bytes
            .chunks_exact(8)
            .zip(other.bytes.chunks_exact(8))
            .fold(0u64, |acc, (a, b)| acc | (word(a) ^ word(b)));
        diff.ct_eq(&0) & self.len.ct_eq(&other.len)
    }
}

fn word(bytes: &[u8]) -> u64 {
    u64::from_ne_bytes(bytes.try_into().unwrap_or_default())
}

/// The signatures of one header: up to two inline (the common case: one, or two during a
/// rotation), more on the heap. Keeps the hot path free of allocation.
#[derive(Debug, Default)]
pub(crate) struct Tags {
    inline: [Option<Tag>; 2],
    more: Vec<Tag>,
}

impl Tags {
    pub(crate) fn push(&mut self, tag: Tag) {
        match self.inline.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(tag),
            None => self.more.push(tag),
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inline
            .iter()
            .flatten()
            .count()
            .saturating_add(self.more.len())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.inline.iter().all(Option::is_none)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.inline.iter().flatten().chain(&self.more)
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tag({} bytes, slot {})", self.len, self.slot)
    }
}

/// Plain equality, for tests only: production code compares with [`Tag::ct_eq`].
#[cfg(test)]
impl PartialEq for Tag {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
impl PartialEq for Tags {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}
