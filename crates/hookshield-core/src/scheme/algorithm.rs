//! Signature algorithms (MACs, shared tokens, public-key signatures) and their keyed,
//! ready-to-clone states.

use ed25519_dalek::ed25519;
use hmac::{Hmac, KeyInit, Mac};
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use crate::error::ConfigError;
use crate::keys::public_key::{Kind, PublicKey};
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
    /// Ed25519 (RFC 8032) with a public key: Discord, Standard Webhooks `v1a`. 64-byte
    /// signatures, checked strictly (non-canonical or small-order values are refused).
    Ed25519,
    /// ECDSA over P-256 with SHA-256, the signature DER-encoded: SendGrid. High-S
    /// signatures are accepted, as SendGrid's own SDK tests send one.
    EcdsaP256Sha256,
}

/// The concatenation of `parts`, in one sized copy: Ed25519 signs and verifies a message
/// in one piece.
pub(crate) fn joined<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let parts: Vec<&[u8]> = parts.into_iter().collect();
    let mut message = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        message.extend_from_slice(part);
    }
    message
}

/// How long a decoded signature is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SigLen {
    /// Exactly this many bytes (a MAC, an Ed25519 signature).
    Exact(usize),
    /// A DER ECDSA P-256 signature: 8 to 72 bytes.
    Der,
}

impl Algorithm {
    /// Whether requests are verified with a public key (and signed with a private one)
    /// rather than a shared secret.
    pub const fn is_public_key(self) -> bool {
        matches!(self, Self::Ed25519 | Self::EcdsaP256Sha256)
    }

    /// How long the decoded signature is; `None` for a shared token.
    pub(crate) const fn sig_len(self) -> Option<SigLen> {
        match self {
            Self::Ed25519 => Some(SigLen::Exact(64)),
            Self::EcdsaP256Sha256 => Some(SigLen::Der),
            Self::SharedToken => None,
            Self::HmacSha1 | Self::HmacSha256 | Self::HmacSha512 => match self.mac_len() {
                Some(len) => Some(SigLen::Exact(len)),
                None => None,
            },
        }
    }

    /// Length of the MAC in bytes (`None` for [`SharedToken`](Self::SharedToken) and the
    /// public-key algorithms, which compute no MAC).
    pub const fn mac_len(self) -> Option<usize> {
        match self {
            Self::HmacSha1 => Some(20),
            Self::HmacSha256 => Some(32),
            Self::HmacSha512 => Some(64),
            Self::SharedToken | Self::Ed25519 | Self::EcdsaP256Sha256 => None,
        }
    }
}

impl std::fmt::Display for Algorithm {
    /// `HMAC-SHA1`, `HMAC-SHA256`, `HMAC-SHA512`, `shared token`, `Ed25519` or
    /// `ECDSA-P256-SHA256`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::HmacSha1 => "HMAC-SHA1",
            Self::HmacSha256 => "HMAC-SHA256",
            Self::HmacSha512 => "HMAC-SHA512",
            Self::SharedToken => "shared token",
            Self::Ed25519 => "Ed25519",
            Self::EcdsaP256Sha256 => "ECDSA-P256-SHA256",
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
    /// A public key: nothing secret, nothing precomputed.
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
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
            Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256 => {
                return Err(ConfigError::KeyKind(
                    "this scheme verifies with a public key, not a shared secret",
                ));
            }
        })
    }

    /// The verification state of a public key.
    pub(crate) fn public(key: &PublicKey) -> Self {
        match &key.0 {
            Kind::Ed25519(key) => Self::Ed25519(*key),
            Kind::P256(key) => Self::P256(*key),
        }
    }

    /// The algorithm of a public key's state (`None` for a MAC or token).
    pub(crate) fn public_algorithm(&self) -> Option<Algorithm> {
        match self {
            Self::Ed25519(_) => Some(Algorithm::Ed25519),
            Self::P256(_) => Some(Algorithm::EcdsaP256Sha256),
            _ => None,
        }
    }

    /// Whether `signature` (JOSE's raw `r || s`, 64 bytes) is this P-256 key's ES256
    /// signature of `message`; `false` for any other key.
    pub(crate) fn verifies_raw_p256(&self, message: &[u8], signature: &[u8]) -> bool {
        let Self::P256(key) = self else {
            return false;
        };
        let Ok(signature) = p256::ecdsa::Signature::from_slice(signature) else {
            return false;
        };
        key.verify_prehash(&Sha256::digest(message), &signature)
            .is_ok()
    }

    /// Whether one of `signatures` is this public key's signature of the concatenation of
    /// `parts`; always `false` for a MAC or token (see [`compute`](Self::compute)). The
    /// message is assembled (Ed25519) or hashed (P-256) once, whatever the number of
    /// candidates. Nothing secret is compared, so nothing here needs constant time.
    pub(crate) fn verifies_any<'a, 't>(
        &self,
        parts: impl IntoIterator<Item = &'a [u8]>,
        mut signatures: impl Iterator<Item = &'t Tag>,
    ) -> bool {
        match self {
            Self::Ed25519(key) => {
                // `verify_strict` wants the message in one piece: the timestamp and the
                // body are copied once (a small cost beside the curve arithmetic).
                let message = joined(parts);
                signatures.any(|signature| {
                    ed25519::Signature::from_slice(signature.as_slice())
                        .is_ok_and(|signature| key.verify_strict(&message, &signature).is_ok())
                })
            }
            Self::P256(key) => {
                let mut hasher = Sha256::new();
                for part in parts {
                    hasher.update(part);
                }
                let digest = hasher.finalize();
                signatures.any(|signature| {
                    p256::ecdsa::Signature::from_der(signature.as_slice())
                        .is_ok_and(|signature| key.verify_prehash(&digest, &signature).is_ok())
                })
            }
            _ => false,
        }
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
            Self::Ed25519(_) | Self::P256(_) => Tag::EMPTY,
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
        f.write_str(match self {
            Self::Sha1(_) => "HmacSha1(REDACTED)",
            Self::Sha256(_) => "HmacSha256(REDACTED)",
            Self::Sha512(_) => "HmacSha512(REDACTED)",
            Self::Token(..) => "SharedToken(REDACTED)",
            Self::Ed25519(_) => "Ed25519(public key)",
            Self::P256(_) => "P256(public key)",
        })
    }
}
