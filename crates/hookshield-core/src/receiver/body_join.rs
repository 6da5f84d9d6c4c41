//! Joining a body's chunks as they are read: a body that comes in one chunk (as most
//! webhook bodies do) is kept as it came, neither copied nor allocated again; a second
//! chunk starts one copy, sized for the whole body.

use bytes::{Bytes, BytesMut};

/// The chunks of a body read so far. The adapters push each chunk (after checking it
/// against the limit and the budget) and take the whole body at the end.
///
/// ```
/// use bytes::Bytes;
/// use hookshield_core::BodyJoin;
///
/// let mut body = BodyJoin::expecting(11);
/// body.push(Bytes::from_static(b"hello "));
/// body.push(Bytes::from_static(b"world"));
/// assert_eq!(body.len(), 11);
/// assert_eq!(body.into_bytes(), "hello world");
/// ```
#[derive(Debug, Default)]
pub struct BodyJoin {
    /// The only chunk so far, as it came.
    first: Option<Bytes>,
    /// The chunks so far once there are two or more.
    joined: BytesMut,
    len: usize,
    expected: usize,
}

impl BodyJoin {
    /// An empty body expected to grow to `expected` bytes (the declared length, or 0 when
    /// none was declared): the copy a second chunk starts is made that large at once.
    pub fn expecting(expected: usize) -> Self {
        Self {
            expected,
            ..Self::default()
        }
    }

    /// The body's length so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been read yet (or only empty chunks).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends the next chunk.
    pub fn push(&mut self, chunk: Bytes) {
        self.len = self.len.saturating_add(chunk.len());
        match self.first.take() {
            None if self.joined.is_empty() => self.first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    self.joined.reserve(self.expected.max(self.len));
                    self.joined.extend_from_slice(&earlier);
                }
                self.joined.extend_from_slice(&chunk);
            }
        }
    }

    /// The whole body.
    pub fn into_bytes(self) -> Bytes {
        self.first.unwrap_or_else(|| self.joined.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chunk_is_kept_as_it_came() {
        let chunk = Bytes::from(vec![7u8; 1024]);
        let mut body = BodyJoin::expecting(1024);
        body.push(chunk.clone());
        let whole = body.into_bytes();
        assert_eq!(whole.as_ptr(), chunk.as_ptr(), "not copied");
        assert_eq!(whole, chunk);
    }

    #[test]
    fn chunks_are_joined_in_order_whatever_their_sizes() {
        for sizes in [&[0usize, 3][..], &[3, 0, 4], &[1, 1, 1, 1], &[0, 0], &[]] {
            let mut body = BodyJoin::expecting(2);
            let mut expected = Vec::new();
            for (n, &size) in sizes.iter().enumerate() {
                let chunk = vec![u8::try_from(n).unwrap(); size];
                expected.extend_from_slice(&chunk);
                body.push(Bytes::from(chunk));
            }
            assert_eq!(body.len(), expected.len(), "{sizes:?}");
            assert_eq!(body.is_empty(), expected.is_empty(), "{sizes:?}");
            assert_eq!(body.into_bytes(), expected, "{sizes:?}");
        }
    }
}
