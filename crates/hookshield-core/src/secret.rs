//! Shared secrets: zeroized on drop, never printed.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::{Zeroize, Zeroizing};

use crate::error::ConfigError;

/// A shared webhook secret (an HMAC key or a shared token).
///
/// The bytes are wiped from memory when the value is dropped, and neither `Debug` nor any
/// error ever shows them: `format!("{secret:?}")` is `Secret(REDACTED)`. An empty or blank
/// secret cannot be built: a key of spaces or newlines (what an unset-looking variable or
/// an empty file leaves behind) is one anyone can guess, so it would let anyone sign
/// ([`ConfigError::BlankSecret`]).
///
/// ```
/// use hookshield_core::Secret;
///
/// let secret = Secret::from_text("It's a Secret to Everybody")?;
/// assert_eq!(format!("{secret:?}"), "Secret(REDACTED)");
/// assert!(Secret::from_text("").is_err());
/// assert!(Secret::from_text(" \n\t").is_err()); // blank: a key anyone can guess
///
/// // Standard Webhooks / Svix dashboards show `whsec_` + base64 of the key.
/// let sw = Secret::from_prefixed_base64("whsec_", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// assert_eq!(sw.len(), 24);
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// A secret from raw key bytes. Refused when empty ([`ConfigError::EmptySecret`]) or
    /// blank: only spaces, tabs, carriage returns and line feeds
    /// ([`ConfigError::BlankSecret`]). Other bytes are key material, whatever they are
    /// (RFC 2202's test keys are twenty `0x0b` or `0x0c` bytes).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, ConfigError> {
        let mut bytes = bytes.into();
        let refused = if bytes.is_empty() {
            Some(ConfigError::EmptySecret)
        } else if is_blank(&bytes) {
            Some(ConfigError::BlankSecret)
        } else {
            None
        };
        match refused {
            Some(error) => {
                bytes.zeroize();
                Err(error)
            }
            None => Ok(Self(Zeroizing::new(bytes))),
        }
    }

    /// A secret used as its UTF-8 text, as GitHub, Stripe (`whsec_…` included), Slack, Civo,
    /// HCP and Shopify do.
    ///
    /// Refused when empty or when it is only white space, in the Unicode sense
    /// (`" "`, `"\n\n"`, `"\u{a0}"`): [`ConfigError::BlankSecret`]. White space around
    /// other characters is part of the key, as the provider uses it.
    pub fn from_text(text: &str) -> Result<Self, ConfigError> {
        if !text.is_empty() && text.trim().is_empty() {
            return Err(ConfigError::BlankSecret);
        }
        Self::from_bytes(text.as_bytes())
    }

    /// A secret given as standard base64 (padding optional).
    pub fn from_base64(encoded: &str) -> Result<Self, ConfigError> {
        let mut decoded = decode_base64(encoded.trim())?;
        let secret = Self::from_bytes(std::mem::take(&mut decoded));
        decoded.zeroize();
        secret
    }

    /// A secret given as `prefix` + base64, such as Standard Webhooks' `whsec_…`. A value
    /// without the prefix is decoded as plain base64, as the reference libraries do.
    pub fn from_prefixed_base64(prefix: &str, encoded: &str) -> Result<Self, ConfigError> {
        let trimmed = encoded.trim();
        Self::from_base64(trimmed.strip_prefix(prefix).unwrap_or(trimmed))
    }

    /// The key bytes. Handle with care: never log them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of key bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: an empty secret cannot be built. Present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Only spaces, tabs, carriage returns and line feeds: what a configuration value that
/// was meant to hold a secret holds when it holds none.
fn is_blank(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn decode_base64(encoded: &str) -> Result<Vec<u8>, ConfigError> {
    let unpadded = encoded.trim_end_matches('=');
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    )
    .decode(unpadded)
    .or_else(|_| STANDARD.decode(encoded))
    .map_err(|_| ConfigError::SecretEncoding)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

/// How a provider shows its secret as text, so one configuration value (an environment
/// variable, say) turns into the right key bytes.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretFormat {
    /// The text's UTF-8 bytes are the key.
    Text,
    /// `prefix` + standard base64 of the key (Standard Webhooks: `whsec_`).
    PrefixedBase64 {
        /// The prefix, stripped when present.
        prefix: &'static str,
    },
}

impl SecretFormat {
    /// Turns the provider's text form into a [`Secret`].
    pub fn parse(self, text: &str) -> Result<Secret, ConfigError> {
        match self {
            Self::Text => Secret::from_text(text),
            Self::PrefixedBase64 { prefix } => Secret::from_prefixed_base64(prefix, text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::from_text("hunter2").unwrap();
        assert_eq!(format!("{s:?}"), "Secret(REDACTED)");
        assert_eq!(format!("{s:#?}"), "Secret(REDACTED)");
    }

    #[test]
    fn empty_is_config_error() {
        assert_eq!(
            Secret::from_bytes(Vec::new()).unwrap_err(),
            ConfigError::EmptySecret
        );
        assert_eq!(
            Secret::from_base64("").unwrap_err(),
            ConfigError::EmptySecret
        );
        assert_eq!(
            Secret::from_prefixed_base64("whsec_", "whsec_").unwrap_err(),
            ConfigError::EmptySecret
        );
    }

    #[test]
    fn blank_is_config_error() {
        for blank in [" ", "\n\n", "\t \r\n", "   \u{c}", "\u{a0}\u{3000}"] {
            assert_eq!(
                Secret::from_text(blank).unwrap_err(),
                ConfigError::BlankSecret,
                "{blank:?}"
            );
        }
        assert_eq!(
            Secret::from_bytes(b" \r\n\t".to_vec()).unwrap_err(),
            ConfigError::BlankSecret
        );
        // RFC 2202's keys are key material, not blanks.
        assert!(Secret::from_bytes(vec![0x0c; 20]).is_ok());
        // "ICAg" is base64 of three spaces, "DQo=" of CR LF.
        for encoded in ["ICAg", "whsec_ICAg", "DQo=", "whsec_DQo"] {
            assert_eq!(
                Secret::from_prefixed_base64("whsec_", encoded).unwrap_err(),
                ConfigError::BlankSecret,
                "{encoded}"
            );
        }
        // White space around a real key is part of the key, as the provider sends it.
        assert_eq!(Secret::from_text(" k ").unwrap().expose(), b" k ");
    }

    #[test]
    fn base64_with_and_without_padding() {
        let a = Secret::from_base64("aGVsbG8=").unwrap();
        let b = Secret::from_base64("aGVsbG8").unwrap();
        assert_eq!(a.expose(), b"hello");
        assert_eq!(b.expose(), b"hello");
        assert_eq!(
            Secret::from_base64("not base64!").unwrap_err(),
            ConfigError::SecretEncoding
        );
    }
}
