//! Private keys, for the signer: tests and senders that sign as Discord, SendGrid or a
//! Standard Webhooks `v1a` provider would.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::keys::public_key::{Kind, PublicKey, WHPK_PREFIX};
use crate::scheme::algorithm::{Algorithm, joined};

/// Prefix of a Standard Webhooks private key (`whsk_` + base64).
pub const WHSK_PREFIX: &str = "whsk_";

/// A private signing key: Ed25519 or ECDSA P-256. Wiped from memory when dropped; `Debug`
/// shows only its algorithm and its public key's fingerprint.
///
/// ```
/// use hookshield_core::{Algorithm, PrivateKey};
///
/// let key = PrivateKey::generate(Algorithm::Ed25519)?;
/// let again = PrivateKey::parse(Algorithm::Ed25519, &key.to_text())?;
/// assert_eq!(key.public_key(), again.public_key());
/// assert!(format!("{key:?}").contains("REDACTED"));
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
pub struct PrivateKey(Private);

enum Private {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl PrivateKey {
    /// A fresh key from the operating system's random source.
    pub fn generate(algorithm: Algorithm) -> Result<Self, ConfigError> {
        let unavailable = |_| ConfigError::InvalidPrivateKey("no random source");
        match algorithm {
            Algorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                getrandom::fill(seed.as_mut_slice()).map_err(unavailable)?;
                Ok(Self(Private::Ed25519(
                    ed25519_dalek::SigningKey::from_bytes(&seed),
                )))
            }
            Algorithm::EcdsaP256Sha256 => loop {
                let mut scalar = Zeroizing::new([0u8; 32]);
                getrandom::fill(scalar.as_mut_slice()).map_err(unavailable)?;
                // A random 32 bytes is a valid scalar but for a chance of about 2^-32.
                if let Ok(key) = p256::ecdsa::SigningKey::from_slice(scalar.as_slice()) {
                    return Ok(Self(Private::P256(key)));
                }
            },
            _ => Err(ConfigError::KeyKind(
                "the algorithm uses a shared secret, not a key pair",
            )),
        }
    }

    /// A private key of `algorithm` in its usual text forms.
    ///
    /// - Ed25519: the 32-byte seed in hex or base64, or the 64-byte seed-and-public-key
    ///   form (libsodium, tweetnacl) in hex or base64, optionally after `whsk_`; a
    ///   64-byte form whose public half does not match its seed is refused.
    /// - P-256: PKCS#8, as PEM (`-----BEGIN PRIVATE KEY-----`) or base64 DER, or the
    ///   32-byte scalar in hex.
    pub fn parse(algorithm: Algorithm, text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        match algorithm {
            Algorithm::Ed25519 => {
                let body = text.strip_prefix(WHSK_PREFIX).unwrap_or(text);
                let raw = Zeroizing::new(
                    const_hex::decode(body)
                        .ok()
                        .or_else(|| STANDARD_NO_PAD.decode(body.trim_end_matches('=')).ok())
                        .unwrap_or_default(),
                );
                let key =
                    match raw.len() {
                        32 => raw
                            .as_slice()
                            .try_into()
                            .ok()
                            .map(ed25519_dalek::SigningKey::from_bytes),
                        64 => raw.as_slice().try_into().ok().and_then(|pair| {
                            ed25519_dalek::SigningKey::from_keypair_bytes(pair).ok()
                        }),
                        _ => None,
                    };
                key.map(|key| Self(Private::Ed25519(key)))
                    .ok_or(ConfigError::InvalidPrivateKey(
                        "an Ed25519 key is a 32-byte seed (or 64-byte key pair) in hex or base64",
                    ))
            }
            Algorithm::EcdsaP256Sha256 => {
                let key = if text.starts_with("-----BEGIN") {
                    p256::ecdsa::SigningKey::from_pkcs8_pem(text).ok()
                } else if text.len() == 64 {
                    let raw = Zeroizing::new(const_hex::decode(text).unwrap_or_default());
                    p256::ecdsa::SigningKey::from_slice(&raw).ok()
                } else {
                    let raw = Zeroizing::new(
                        STANDARD_NO_PAD
                            .decode(text.trim_end_matches('='))
                            .unwrap_or_default(),
                    );
                    p256::ecdsa::SigningKey::from_pkcs8_der(&raw).ok()
                };
                key.map(|key| Self(Private::P256(key)))
                    .ok_or(ConfigError::InvalidPrivateKey(
                        "a P-256 key is PKCS#8 (PEM or base64 DER) or a 32-byte scalar in hex",
                    ))
            }
            _ => Err(ConfigError::KeyKind(
                "the algorithm uses a shared secret, not a private key",
            )),
        }
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            Private::Ed25519(_) => Algorithm::Ed25519,
            Private::P256(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.0 {
            Private::Ed25519(key) => PublicKey(Kind::Ed25519(key.verifying_key())),
            Private::P256(key) => PublicKey(Kind::P256(*key.verifying_key())),
        }
    }

    /// The key as text: the hex seed for Ed25519, PKCS#8 PEM for P-256. Secret: never log it.
    pub fn to_text(&self) -> Zeroizing<String> {
        match &self.0 {
            Private::Ed25519(key) => Zeroizing::new(const_hex::encode(key.as_bytes())),
            Private::P256(key) => key
                .to_pkcs8_pem(p256::pkcs8::LineEnding::LF)
                .map(|pem| Zeroizing::new(pem.as_str().to_owned()))
                .unwrap_or_default(),
        }
    }

    /// Standard Webhooks' form of an Ed25519 key pair: `(whsk_ + base64 seed,
    /// whpk_ + base64 public key)`; `None` for P-256.
    pub fn to_standard_webhooks(&self) -> Option<(Zeroizing<String>, String)> {
        match &self.0 {
            Private::Ed25519(key) => Some((
                Zeroizing::new(format!("{WHSK_PREFIX}{}", STANDARD.encode(key.as_bytes()))),
                format!(
                    "{WHPK_PREFIX}{}",
                    STANDARD.encode(key.verifying_key().as_bytes())
                ),
            )),
            Private::P256(_) => None,
        }
    }

    /// Signs the concatenation of `parts`: 64 bytes for Ed25519, a DER signature for
    /// P-256 (SHA-256 of the parts, deterministic nonce of RFC 6979, low-S).
    pub(crate) fn sign<'a>(&self, parts: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
        match &self.0 {
            Private::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                key.sign(&joined(parts)).to_bytes().to_vec()
            }
            Private::P256(_) => {
                let mut hasher = Sha256::new();
                for part in parts {
                    hasher.update(part);
                }
                self.p256_signature(&hasher.finalize())
                    .map(|s| s.to_der().as_bytes().to_vec())
                    .unwrap_or_default()
            }
        }
    }

    /// The ES256 (JOSE) signature of `message`: P-256, SHA-256, `r || s` (64 bytes);
    /// `None` for an Ed25519 key.
    pub(crate) fn sign_es256(&self, message: &[u8]) -> Option<Vec<u8>> {
        self.p256_signature(&Sha256::digest(message))
            .map(|s| s.to_bytes().to_vec())
    }

    /// The P-256 signature of a SHA-256 `digest`, low-S as most signers send it
    /// (verification accepts both forms); `None` for an Ed25519 key.
    fn p256_signature(&self, digest: &[u8]) -> Option<p256::ecdsa::Signature> {
        use p256::ecdsa::signature::hazmat::PrehashSigner as _;
        let Private::P256(key) = &self.0 else {
            return None;
        };
        let signature: p256::ecdsa::Signature = key.sign_prehash(digest).ok()?;
        Some(signature.normalize_s())
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey({}, REDACTED, public {})",
            self.algorithm(),
            self.public_key().fingerprint()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_webhooks_seed_gives_the_published_public_key() {
        // PROVIDERS-2.md, Standard Webhooks v1a: the seed is ASCII "TESTSIGNINGKEYDONOTUSETHISFORANY".
        let key = PrivateKey::parse(
            Algorithm::Ed25519,
            "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
        )
        .unwrap();
        assert_eq!(
            key.public_key().to_text(),
            "6653787a0edd492aa2d26a17f61414937a2bacea2e2b74154129496b6e3c73f8"
        );
        let (whsk, whpk) = key.to_standard_webhooks().unwrap();
        assert_eq!(whpk, "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=");
        assert_eq!(
            PrivateKey::parse(Algorithm::Ed25519, &whsk)
                .unwrap()
                .public_key(),
            key.public_key()
        );
    }

    #[test]
    fn round_trips_and_refusals() {
        for algorithm in [Algorithm::Ed25519, Algorithm::EcdsaP256Sha256] {
            let key = PrivateKey::generate(algorithm).unwrap();
            let text = key.to_text();
            assert_eq!(
                PrivateKey::parse(algorithm, &text).unwrap().public_key(),
                key.public_key()
            );
            assert!(PrivateKey::parse(algorithm, "nope").is_err());
            assert!(!format!("{key:?}").contains(text.as_str()));
        }
        assert!(PrivateKey::generate(Algorithm::HmacSha256).is_err());
        // A 64-byte pair whose public half is another key's.
        let a = PrivateKey::generate(Algorithm::Ed25519).unwrap();
        let b = PrivateKey::generate(Algorithm::Ed25519).unwrap();
        let pair = format!("{}{}", a.to_text().as_str(), b.public_key().to_text());
        assert!(PrivateKey::parse(Algorithm::Ed25519, &pair).is_err());
    }
}
