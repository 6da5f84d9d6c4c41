//! A MAC or decoded signature of up to 64 bytes, compared in constant time.

use subtle::ConstantTimeEq;

/// The longest MAC hookshield computes (HMAC-SHA512).
pub(crate) const MAX_TAG: usize = 64;

/// Fixed-size storage for a MAC: no allocation per signature.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    bytes: [u8; MAX_TAG],
    len: usize,
}

impl Tag {
    /// The empty tag: equal to no real MAC or signature.
    pub(crate) const EMPTY: Self = Self {
        bytes: [0; MAX_TAG],
        len: 0,
    };

    /// A zeroed tag of `len` bytes; `None` when `len` is over [`MAX_TAG`].
    pub(crate) fn zeroed(len: usize) -> Option<Self> {
        (len <= MAX_TAG).then_some(Self {
            bytes: [0; MAX_TAG],
            len,
        })
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

    /// Constant-time equality: every byte is compared whatever the earlier ones were. Tags of
    /// different lengths are unequal (lengths are public: they follow from the algorithm).
    pub(crate) fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.as_slice().ct_eq(other.as_slice())
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tag({} bytes)", self.len)
    }
}

/// Plain equality, for tests only: production code compares with [`Tag::ct_eq`].
#[cfg(test)]
impl PartialEq for Tag {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}
