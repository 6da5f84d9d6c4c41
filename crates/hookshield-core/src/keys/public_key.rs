//! Public keys: what providers that sign with a private key (Discord, SendGrid, Standard
//! Webhooks `v1a`, Plaid) give their receivers.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use p256::pkcs8::DecodePublicKey as _;
use sha2::{Digest, Sha256};

use crate::error::ConfigError;
use crate::scheme::algorithm::Algorithm;

/// Prefix of a Standard Webhooks public key (`whpk_` + base64 of 32 bytes).
pub const WHPK_PREFIX: &str = "whpk_";

/// A public verification key: Ed25519 (Discord, Standard Webhooks `v1a`) or ECDSA P-256
/// (SendGrid, Plaid). Nothing about it is secret, so it is not zeroized; `Debug` shows its
/// algorithm and a fingerprint (the first 8 bytes of the SHA-256 of its encoded form), so
/// two configurations can be compared in logs.
///
/// ```
/// use hookshield_core::PublicKey;
///
/// // The public key of the Standard Webhooks v1a test vector, three ways.
/// let hex = PublicKey::ed25519("6653787a0edd492aa2d26a17f61414937a2bacea2e2b74154129496b6e3c73f8")?;
/// let b64 = PublicKey::ed25519("ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")?;
/// let whpk = PublicKey::ed25519("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")?;
/// assert_eq!(hex, b64);
/// assert_eq!(b64, whpk);
/// assert!(format!("{hex:?}").starts_with("PublicKey(Ed25519, sha256:"));
///
/// // SendGrid shows its key as base64 DER SubjectPublicKeyInfo.
/// let sendgrid = PublicKey::p256("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==")?;
/// assert_eq!(sendgrid.algorithm(), hookshield_core::Algorithm::EcdsaP256Sha256);
/// assert!(PublicKey::p256("not a key").is_err());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(pub(crate) Kind);

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// An Ed25519 public key written as 64 hex digits (Discord), standard base64 of its
    /// 32 bytes, or `whpk_` + base64 (Standard Webhooks). Refused when it is none of these,
    /// not a point of the curve, or a weak (small-order) key, which would accept forged
    /// signatures.
    pub fn ed25519(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let mut bytes = [0u8; 32];
        let decoded = if text.len() == 64 {
            const_hex::decode_to_slice(text, &mut bytes).is_ok()
        } else {
            let b64 = text.strip_prefix(WHPK_PREFIX).unwrap_or(text);
            matches!(decode_base64(b64).as_deref(), Some(raw) if raw.len() == 32 && {
                bytes.copy_from_slice(raw);
                true
            })
        };
        if !decoded {
            return Err(ConfigError::InvalidPublicKey(
                "an Ed25519 key is 64 hex digits, or base64 (optionally after whpk_) of 32 bytes",
            ));
        }
        Self::ed25519_bytes(&bytes)
    }

    /// An Ed25519 public key from its 32 bytes.
    pub fn ed25519_bytes(bytes: &[u8; 32]) -> Result<Self, ConfigError> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map_err(|_| ConfigError::InvalidPublicKey("not an Ed25519 public key"))?;
        if key.is_weak() {
            return Err(ConfigError::InvalidPublicKey(
                "a weak (small-order) Ed25519 key would accept forged signatures",
            ));
        }
        Ok(Self(Kind::Ed25519(key)))
    }

    /// An ECDSA P-256 public key written as base64 of its DER SubjectPublicKeyInfo
    /// (SendGrid's dashboard), as PEM (`-----BEGIN PUBLIC KEY-----`), or as base64 or hex
    /// of its SEC1 point (65 bytes uncompressed or 33 compressed).
    pub fn p256(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let key = if text.starts_with("-----BEGIN") {
            // PEM, read leniently (any line length): the base64 between the armour lines.
            let inner: String = text
                .lines()
                .filter(|line| !line.trim_start().starts_with("-----"))
                .flat_map(|line| line.split_whitespace())
                .collect();
            decode_base64(&inner)
                .and_then(|der| p256::ecdsa::VerifyingKey::from_public_key_der(&der).ok())
        } else {
            // Hex digits are base64 characters too: each reading is tried.
            [decode_base64(text), const_hex::decode(text).ok()]
                .into_iter()
                .flatten()
                .find_map(|raw| {
                    p256::ecdsa::VerifyingKey::from_public_key_der(&raw)
                        .ok()
                        .or_else(|| p256::ecdsa::VerifyingKey::from_sec1_bytes(&raw).ok())
                })
        };
        key.map(|key| Self(Kind::P256(key)))
            .ok_or(ConfigError::InvalidPublicKey(
                "a P-256 key is base64 DER SubjectPublicKeyInfo, PEM, or a SEC1 point",
            ))
    }

    /// An ECDSA P-256 public key from a JSON Web Key's `x` and `y` coordinates (base64url,
    /// 32 bytes each), as Plaid's `/webhook_verification_key/get` returns them.
    pub fn p256_jwk(x: &str, y: &str) -> Result<Self, ConfigError> {
        let coordinate = |text: &str| {
            URL_SAFE_NO_PAD
                .decode(text.trim().trim_end_matches('='))
                .ok()
                .filter(|raw| raw.len() == 32)
        };
        let (Some(x), Some(y)) = (coordinate(x), coordinate(y)) else {
            return Err(ConfigError::InvalidPublicKey(
                "JWK coordinates are base64url of 32 bytes each",
            ));
        };
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
            .map(|key| Self(Kind::P256(key)))
            .map_err(|_| ConfigError::InvalidPublicKey("the JWK is not a point of P-256"))
    }

    /// A P-256 key's JSON Web Key coordinates `(x, y)`, base64url without padding (what
    /// [`p256_jwk`](Self::p256_jwk) reads); `None` for an Ed25519 key.
    pub fn jwk_coordinates(&self) -> Option<(String, String)> {
        let Kind::P256(key) = &self.0 else {
            return None;
        };
        let point = key.to_sec1_point(false);
        let bytes = point.as_bytes();
        let x = URL_SAFE_NO_PAD.encode(bytes.get(1..33)?);
        let y = URL_SAFE_NO_PAD.encode(bytes.get(33..65)?);
        Some((x, y))
    }

    /// A key of `algorithm` in its usual text forms (see [`ed25519`](Self::ed25519) and
    /// [`p256`](Self::p256)). Refused for an algorithm without public keys.
    pub fn parse(algorithm: Algorithm, text: &str) -> Result<Self, ConfigError> {
        match algorithm {
            Algorithm::Ed25519 => Self::ed25519(text),
            Algorithm::EcdsaP256Sha256 => Self::p256(text),
            _ => Err(ConfigError::KeyKind(
                "the algorithm uses a shared secret, not a public key",
            )),
        }
    }

    /// The algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            Kind::Ed25519(_) => Algorithm::Ed25519,
            Kind::P256(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The key as providers print it: hex for Ed25519 (Discord's form), base64 DER
    /// SubjectPublicKeyInfo for P-256 (SendGrid's form).
    pub fn to_text(&self) -> String {
        match &self.0 {
            Kind::Ed25519(key) => const_hex::encode(key.as_bytes()),
            Kind::P256(key) => STANDARD.encode(spki_der(key)),
        }
    }

    /// `sha256:` and the first 8 bytes, in hex, of the SHA-256 of the key's encoded form
    /// (its 32 bytes for Ed25519, its DER SubjectPublicKeyInfo for P-256).
    pub fn fingerprint(&self) -> String {
        let digest = match &self.0 {
            Kind::Ed25519(key) => Sha256::digest(key.as_bytes()),
            Kind::P256(key) => Sha256::digest(spki_der(key)),
        };
        format!(
            "sha256:{}",
            const_hex::encode(digest.get(..8).unwrap_or_default())
        )
    }
}

fn spki_der(key: &p256::ecdsa::VerifyingKey) -> Vec<u8> {
    use p256::pkcs8::EncodePublicKey as _;
    key.to_public_key_der()
        .map(|doc| doc.as_bytes().to_vec())
        .unwrap_or_default()
}

/// Standard base64, padding optional; `None` when it is not base64.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            Kind::Ed25519(_) => "Ed25519",
            Kind::P256(_) => "P-256",
        };
        write!(f, "PublicKey({name}, {})", self.fingerprint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_forms_and_refusals() {
        let hex = "6653787a0edd492aa2d26a17f61414937a2bacea2e2b74154129496b6e3c73f8";
        let key = PublicKey::ed25519(hex).unwrap();
        assert_eq!(key.to_text(), hex);
        assert_eq!(PublicKey::ed25519(&hex.to_uppercase()).unwrap(), key);
        for bad in [
            "",
            "zz",
            &hex[..62],
            "whpk_",
            "whpk_AAAA",
            &format!("{hex}00"),
        ] {
            assert!(PublicKey::ed25519(bad).is_err(), "{bad:?}");
        }
        // The identity point is a weak key: every "signature" with R = identity, s = 0 fits.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::ed25519_bytes(&identity).unwrap_err(),
            ConfigError::InvalidPublicKey(
                "a weak (small-order) Ed25519 key would accept forged signatures"
            )
        );
    }

    #[test]
    fn p256_forms() {
        let spki = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
        let key = PublicKey::p256(spki).unwrap();
        assert_eq!(key.to_text(), spki);
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{spki}\n-----END PUBLIC KEY-----\n");
        assert_eq!(PublicKey::p256(&pem).unwrap(), key);
        let raw = STANDARD.decode(spki).unwrap();
        let point = raw.get(raw.len() - 65..).unwrap();
        assert_eq!(PublicKey::p256(&const_hex::encode(point)).unwrap(), key);
        let x = URL_SAFE_NO_PAD.encode(point.get(1..33).unwrap());
        let y = URL_SAFE_NO_PAD.encode(point.get(33..).unwrap());
        assert_eq!(PublicKey::p256_jwk(&x, &y).unwrap(), key);
        assert!(PublicKey::p256_jwk(&y, &x).is_err(), "not on the curve");
        assert_eq!(key.jwk_coordinates(), Some((x.clone(), y.clone())));
        assert!(PublicKey::p256("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE").is_err());
        assert_ne!(
            key.fingerprint(),
            PublicKey::ed25519("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")
                .unwrap()
                .fingerprint()
        );
    }
}
