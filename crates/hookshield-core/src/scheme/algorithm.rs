//! MAC algorithms and their keyed, ready-to-clone states.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::error::ConfigError;
use crate::secret::Secret;
use crate::verify::signature_bytes::Tag;

/// How the signature is computed from the secret and the signed content.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA1 (RFC 2104), 20-byte MAC: Civo.
    HmacSha1,
    /// HMAC-SHA256, 32-byte MAC: GitHub, Stripe, Slack, Shopify, Standard Webhooks.
    HmacSha256,
    /// HMAC-SHA512, 64-byte MAC: HashiCorp Cloud Platform.
    HmacSha512,
    /// No MAC: the header carries the secret itself (GitLab's `X-Gitlab-Token`, the
    /// `X-Webhook-Secret` of some clouds). Compared in constant time, but nothing binds the
    /// body: prefer an HMAC scheme whenever the provider offers one.
    SharedToken,
}

impl Algorithm {
    /// Length of the MAC in bytes (`None` for [`SharedToken`](Self::SharedToken)).
    pub const fn mac_len(self) -> Option<usize> {
        match self {
            Self::HmacSha1 => Some(20),
            Self::HmacSha256 => Some(32),
            Self::HmacSha512 => Some(64),
            Self::SharedToken => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    /// `HMAC-SHA1`, `HMAC-SHA256`, `HMAC-SHA512` or `shared token`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::HmacSha512 => "HMAC-SHA512",
            Self::SharedToken => "shared token",
        })
    }
}

/// An algorithm with its key already absorbed, so that each request only clones the
/// precomputed inner/outer states instead of hashing the key again. The states are derived
/// from the secret: they zeroize on drop and never print.
#[derive(Clone)]
pub(crate) enum Keyed {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
    /// SHA-256 of the token: compared to the SHA-256 of the header value, so neither the
    /// token's bytes nor its length show in the timing.
    Token(Tag, Secret),
}

impl Keyed {
    pub(crate) fn new(algorithm: Algorithm, secret: &Secret) -> Result<Self, ConfigError> {
        let key = secret.expose();
        let bad = |_| ConfigError::EmptySecret;
        Ok(match algorithm {
            Algorithm::HmacSha1 => Self::Sha1(Hmac::new_from_slice(key).map_err(bad)?),
            Algorithm::HmacSha256 => Self::Sha256(Hmac::new_from_slice(key).map_err(bad)?),
            Algorithm::HmacSha512 => Self::Sha512(Hmac::new_from_slice(key).map_err(bad)?),
            Algorithm::SharedToken => {
                let digest =
                    Tag::from_slice(&Sha256::digest(key)).ok_or(ConfigError::EmptySecret)?;
                Self::Token(digest, secret.clone())
            }
        })
    }

    /// The MAC of the concatenation of `parts`, fed one by one (no copy of the body). For a
    /// shared token, the SHA-256 of the parts (the header value).
    pub(crate) fn compute<'a>(&self, parts: impl IntoIterator<Item = &'a [u8]>) -> Tag {
        fn run<'a, M: Mac + Clone>(keyed: &M, parts: impl IntoIterator<Item = &'a [u8]>) -> Tag {
            let mut mac = keyed.clone();
            for part in parts {
                mac.update(part);
            }
            Tag::from_slice(&mac.finalize().into_bytes()).unwrap_or(Tag::EMPTY)
        }
        match self {
            Self::Sha1(m) => run(m, parts),
            Self::Sha256(m) => run(m, parts),
            Self::Sha512(m) => run(m, parts),
            Self::Token(..) => {
                let mut hasher = Sha256::new();
                for part in parts {
                    hasher.update(part);
                }
                Tag::from_slice(&hasher.finalize()).unwrap_or(Tag::EMPTY)
            }
        }
    }

    /// Whether `presented` (a shared-token header value) equals the token, in constant time.
    pub(crate) fn token_matches(&self, presented: &[u8]) -> subtle::Choice {
        match self {
            Self::Token(digest, _) => self.compute([presented]).ct_eq(digest),
            _ => 0u8.ct_eq(&1u8),
        }
    }

    /// The token itself, for the signer of a shared-token scheme.
    pub(crate) fn token(&self) -> Option<&Secret> {
        match self {
            Self::Token(_, secret) => Some(secret),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Keyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Self::Sha1(_) => "HmacSha1",
            Self::Sha256(_) => "HmacSha256",
            Self::Sha512(_) => "HmacSha512",
            Self::Token(..) => "SharedToken",
        };
        write!(f, "{name}(REDACTED)")
    }
}
