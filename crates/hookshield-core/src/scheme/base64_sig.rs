//! Decoding a base64 signature in place: a table lookup per symbol, no set-up, so a
//! 44-character HMAC-SHA256 signature costs a few nanoseconds.
//!
//! It reads what the `base64` crate's standard engine reads with padding optional
//! (`DecodePaddingMode::Indifferent`) and canonical last symbols, byte for byte (a
//! property test compares them): the standard alphabet; `=` only at the end of the last
//! group of four, after at least two symbols; the unused low bits of the last symbol zero.

/// The padding symbol.
const PAD: u8 = b'=';

/// Marks a byte that is not a base64 symbol.
const INVALID: u8 = 0xff;

/// The value of each standard-alphabet symbol; [`INVALID`] for every other byte.
const VALUES: [u8; 256] = values();

#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn values() -> [u8; 256] {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [INVALID; 256];
    let mut i = 0;
    // `i` < 64 indexes the alphabet, a byte indexes the table: neither can be out of range.
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
}

/// The values of `symbols` (two to four of them) packed from the top of a `u32`; `None`
/// when one is not a symbol.
fn packed(symbols: &[u8]) -> Option<u32> {
    let mut word = 0u32;
    let mut invalid = 0u8;
    for (i, &symbol) in symbols.iter().enumerate().take(4) {
        let value = VALUES.get(usize::from(symbol)).copied().unwrap_or(INVALID);
        invalid |= value;
        // `i` < 4: shifts of 26, 20, 14 and 8.
        let shift = 26u32.saturating_sub(6u32.saturating_mul(i as u32));
        word |= u32::from(value) << shift;
    }
    // A symbol's value is below 64: only `INVALID` sets the top bits.
    (invalid & 0xc0 == 0).then_some(word)
}

/// Decodes `text` into `out`; the number of bytes written, or `None` when `text` is not
/// base64 as read here or `out` is too short.
pub(crate) fn decode(text: &[u8], out: &mut [u8]) -> Option<usize> {
    // The last group (one to four bytes: padding may only be there) is read apart.
    let rem = text.len() % 4;
    let last_len = if rem == 0 { text.len().min(4) } else { rem };
    let (groups, last) = text.split_at_checked(text.len().saturating_sub(last_len))?;
    let mut written = 0usize;
    for group in groups.chunks_exact(4) {
        let word = packed(group)?;
        let end = written.saturating_add(3);
        out.get_mut(written..end)?
            .copy_from_slice(word.to_be_bytes().get(..3)?);
        written = end;
    }
    let symbols = last.iter().position(|&b| b == PAD).unwrap_or(last.len());
    let (last_symbols, padding) = last.split_at_checked(symbols)?;
    if text.is_empty() {
        return Some(0);
    }
    if symbols < 2 || padding.iter().any(|&b| b != PAD) {
        return None;
    }
    let word = packed(last_symbols)?;
    // Two symbols carry one byte, three two, four three; the bits left over must be zero.
    let bytes = symbols.saturating_sub(1);
    let used = u32::MAX
        .checked_shl(32u32.saturating_sub(8u32.saturating_mul(bytes as u32)))
        .unwrap_or(0);
    if word & !used != 0 {
        return None;
    }
    let end = written.saturating_add(bytes);
    out.get_mut(written..end)?
        .copy_from_slice(word.to_be_bytes().get(..bytes)?);
    Some(end)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

    use super::*;

    /// The `base64` crate's reading this one must match.
    const REFERENCE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );

    fn ours(text: &[u8]) -> Option<Vec<u8>> {
        let mut out = [0u8; 74];
        decode(text, &mut out).map(|n| out[..n].to_vec())
    }

    fn reference(text: &[u8]) -> Option<Vec<u8>> {
        let mut out = [0u8; 74];
        REFERENCE
            .decode_slice(text, &mut out)
            .ok()
            .map(|n| out[..n].to_vec())
    }

    #[test]
    fn reads_padded_and_unpadded_and_refuses_the_rest() {
        assert_eq!(ours(b"").as_deref(), Some(&b""[..]));
        assert_eq!(ours(b"QUJD").as_deref(), Some(&b"ABC"[..]));
        for text in [&b"QQ"[..], b"QQ=", b"QQ=="] {
            assert_eq!(ours(text).as_deref(), Some(&b"A"[..]), "{text:?}");
        }
        assert_eq!(ours(b"QUI=").as_deref(), Some(&b"AB"[..]));
        for bad in [
            &b"Q"[..],
            b"=",
            b"Q===",
            b"QR==",
            b"QUJ=",
            b"QQ=Q",
            b"QQ==QUJD",
            b"QUJD=",
            b"QU D",
            b"QUJ-",
            b"QUJD\n",
        ] {
            assert_eq!(ours(bad), None, "{bad:?}");
            assert_eq!(reference(bad), None, "{bad:?}");
        }
        let mut short = [0u8; 2];
        assert_eq!(decode(b"QUJD", &mut short), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Byte for byte what the `base64` crate reads, on text near base64 and on any.
        #[test]
        fn agrees_with_the_base64_crate(
            near in "[A-Za-z0-9+/]{0,96}[=]{0,3}[A-Za-z0-9+/= \\-_]{0,2}",
            any in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100),
        ) {
            proptest::prop_assert_eq!(ours(near.as_bytes()), reference(near.as_bytes()));
            proptest::prop_assert_eq!(ours(&any), reference(&any));
        }

        /// Whatever 0 to 72 bytes are encoded, with or without padding, reads back.
        #[test]
        fn reads_back_what_is_encoded(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..=72)) {
            let padded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            proptest::prop_assert_eq!(ours(padded.as_bytes()), Some(bytes.clone()));
            proptest::prop_assert_eq!(ours(padded.trim_end_matches('=').as_bytes()), Some(bytes));
        }
    }
}
