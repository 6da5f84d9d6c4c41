//! How a signature's bytes are written in a header: hex or base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::scheme::algorithm::SigLen;
use crate::scheme::base64_sig;
use crate::verify::signature_bytes::{MAX_TAG, Tag};

/// The shortest DER ECDSA signature read: `SEQUENCE { INTEGER, INTEGER }` of one-byte values.
const MIN_DER: usize = 8;

/// The text encoding of a signature.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal, upper or lower case on input; lower case on output.
    Hex,
    /// Standard base64 (`+/`), padding optional on input; padded on output.
    Base64,
}

impl std::fmt::Display for Encoding {
    /// `hex` or `base64`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        })
    }
}

impl Encoding {
    /// Decodes `text` into a tag of exactly `len` bytes; `None` when it is not valid in this
    /// encoding or has another length.
    #[cfg(test)]
    pub(crate) fn decode(self, text: &[u8], len: usize) -> Option<Tag> {
        self.decode_sig(text, SigLen::Exact(len))
    }

    /// Decodes `text` into a signature of the length `len` allows; `None` when it is not
    /// valid in this encoding or has another length.
    pub(crate) fn decode_sig(self, text: &[u8], len: SigLen) -> Option<Tag> {
        let (min, max) = match len {
            SigLen::Exact(n) => (n, n),
            SigLen::Der => (MIN_DER, MAX_TAG),
        };
        match self {
            Self::Hex => {
                let n = text.len() / 2;
                if !text.len().is_multiple_of(2) || !(min..=max).contains(&n) {
                    return None;
                }
                let mut tag = Tag::zeroed(n)?;
                const_hex::decode_to_slice(text, tag.as_mut_slice()).ok()?;
                Some(tag)
            }
            Self::Base64 => {
                // The longest base64 text of a 72-byte signature is 96 characters.
                if text.len() > 96 {
                    return None;
                }
                let mut buf = [0u8; MAX_TAG];
                let n = base64_sig::decode(text, &mut buf)?;
                if !(min..=max).contains(&n) {
                    return None;
                }
                Tag::from_slice(buf.get(..n)?)
            }
        }
    }

    /// Encodes `bytes` as the provider writes them.
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            Self::Hex => const_hex::encode(bytes),
            Self::Base64 => STANDARD.encode(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_accepts_both_cases_and_exact_length() {
        let lower = Encoding::Hex.decode(b"0a0b", 2).unwrap();
        let upper = Encoding::Hex.decode(b"0A0B", 2).unwrap();
        assert_eq!(lower.as_slice(), upper.as_slice());
        assert!(Encoding::Hex.decode(b"0a0", 2).is_none());
        assert!(Encoding::Hex.decode(b"0a0b0c", 2).is_none());
        assert!(Encoding::Hex.decode(b"zz0b", 2).is_none());
        // const-hex strips a `0x` prefix; the exact-length check refuses it anyway.
        assert!(Encoding::Hex.decode(b"0x0a", 2).is_none());
        assert!(Encoding::Hex.decode(b"0x0a0b", 2).is_none());
    }

    #[test]
    fn base64_padding_optional_alphabet_strict() {
        let bytes = [0xfbu8; 32];
        let padded = Encoding::Base64.encode(&bytes);
        assert!(padded.ends_with('='));
        let unpadded = padded.trim_end_matches('=');
        assert_eq!(
            Encoding::Base64
                .decode(padded.as_bytes(), 32)
                .unwrap()
                .as_slice(),
            &bytes
        );
        assert_eq!(
            Encoding::Base64
                .decode(unpadded.as_bytes(), 32)
                .unwrap()
                .as_slice(),
            &bytes
        );
        let url_safe = padded.replace('+', "-").replace('/', "_");
        assert!(Encoding::Base64.decode(url_safe.as_bytes(), 32).is_none());
        assert!(Encoding::Base64.decode(padded.as_bytes(), 20).is_none());
    }
}
