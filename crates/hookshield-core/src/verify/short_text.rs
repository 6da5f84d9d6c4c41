//! Short text kept in place: the event id (or timestamp) of a verified request, so that
//! verifying one allocates nothing.

use std::fmt;
use std::ops::Deref;

/// The longest text kept in place, in bytes: `sha256:` and 64 hex digits (71) fit, so a
/// digest id does, as do GUIDs (36) and the providers' ids (`evt_…`, `msg_…`) with a
/// timestamp beside them. 78 makes the whole 80 bytes, as large as it is anyway.
pub(crate) const INLINE: usize = 78;

/// UTF-8 text of up to [`INLINE`] bytes held in place, longer text on the heap (event ids
/// may be up to [`MAX_ID_LEN`](crate::MAX_ID_LEN) bytes).
#[derive(Clone)]
pub(crate) enum ShortText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(String),
}

impl ShortText {
    /// No text.
    pub(crate) const EMPTY: Self = Self::Inline {
        len: 0,
        bytes: [0; INLINE],
    };

    /// The length in bytes, known without reading the text.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Inline { len, .. } => usize::from(*len),
            Self::Heap(text) => text.len(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only whole `&str`s are ever copied in, so this is valid UTF-8.
            Self::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|text| std::str::from_utf8(text).ok())
                .unwrap_or_default(),
            Self::Heap(text) => text,
        }
    }

    /// Appends `text`, moving to the heap when it no longer fits in place.
    pub(crate) fn push_str(&mut self, text: &str) {
        let end = self.len().saturating_add(text.len());
        match self {
            Self::Inline { len, bytes } if end <= INLINE => {
                let start = usize::from(*len);
                if let (Some(slot), Ok(end)) = (bytes.get_mut(start..end), u8::try_from(end)) {
                    slot.copy_from_slice(text.as_bytes());
                    *len = end;
                }
            }
            Self::Inline { .. } => {
                let mut heap = String::with_capacity(end);
                heap.push_str(self.as_str());
                heap.push_str(text);
                *self = Self::Heap(heap);
            }
            Self::Heap(heap) => heap.push_str(text),
        }
    }
}

impl Deref for ShortText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for ShortText {
    fn from(text: &str) -> Self {
        let mut short = Self::EMPTY;
        short.push_str(text);
        short
    }
}

impl fmt::Write for ShortText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.push_str(text);
        Ok(())
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for ShortText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortText {}

impl PartialEq<str> for ShortText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ShortText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn short_text_stays_in_place_and_long_text_moves_to_the_heap() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        let short = ShortText::from(digest.as_str());
        assert!(matches!(short, ShortText::Inline { .. }));
        assert_eq!(short, digest.as_str());

        // A digest and a seven-byte timestamp still fit; one more byte does not.
        let mut grown = ShortText::from(digest.as_str());
        grown.push_str("1234567");
        assert!(matches!(grown, ShortText::Inline { .. }));
        grown.push_str("é");
        assert!(matches!(grown, ShortText::Heap(_)));
        assert_eq!(grown.as_str(), format!("{digest}1234567é"));
        grown.push_str("!");
        assert!(grown.ends_with("é!"));
        assert_eq!(size_of::<ShortText>(), 80);

        let mut number = ShortText::EMPTY;
        write!(number, "{}", u64::MAX).unwrap();
        assert_eq!(number, "18446744073709551615");
        assert_eq!(format!("{number:?}"), r#""18446744073709551615""#);
        assert_eq!(ShortText::EMPTY.as_str(), "");
    }
}
