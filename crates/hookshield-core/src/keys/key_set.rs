//! [`KeySet`]: the keys one request may be verified with (a verifier's own, or a tenant's
//! from a [`KeyResolver`](crate::KeyResolver)), keyed once and ready to use.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::keys::public_key::{PublicKey, WHPK_PREFIX};
use crate::scheme::Scheme;
use crate::scheme::algorithm::Keyed;
use crate::secret::Secret;
use crate::verify::verifier::MAX_SECRETS;

/// The longest tenant name.
pub const MAX_TENANT_LEN: usize = 64;

/// One key, ready to verify with.
pub(crate) struct Key {
    pub(crate) label: Option<Arc<str>>,
    pub(crate) keyed: Keyed,
    /// 0: the scheme's own algorithm; 1: its public-key entries (`v1a` beside `v1`).
    pub(crate) slot: u8,
}

/// The keys a request may be verified with, and the tenant they belong to. Built once
/// (HMAC states are keyed here, not per request) with [`KeySet::builder`], for the scheme
/// it will verify.
///
/// A tenant's event ids are remembered apart from every other tenant's: the
/// [`Receiver`](crate::Receiver) reserves them in the namespace `<namespace>/<tenant>`, so
/// two customers' deliveries with the same id never collide.
///
/// ```
/// use hookshield_core::{presets, KeySet, Secret};
///
/// let scheme = presets::github().build()?;
/// let acme = KeySet::builder().tenant("acme").encoded_secret("acme-secret").build(&scheme)?;
/// assert_eq!((acme.tenant(), acme.len()), (Some("acme"), 1));
/// assert!(KeySet::builder().tenant("a/b").secret(Secret::from_text("x")?).build(&scheme).is_err());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
pub struct KeySet {
    pub(crate) tenant: Option<Arc<str>>,
    pub(crate) keys: Vec<Key>,
    /// The scheme the keys were built for: a verifier refuses keys of another scheme (a
    /// shared token's keys would otherwise "verify" a MAC scheme with an unkeyed hash).
    pub(crate) scheme: Arc<str>,
    pub(crate) algorithm: crate::Algorithm,
}

/// A key as given to a builder, parsed when the scheme is known.
enum Pending {
    Secret(Secret),
    Public(PublicKey),
    Encoded(Zeroizing<String>),
}

/// Builds a [`KeySet`]; mistakes are reported by [`build`](Self::build).
#[derive(Default)]
#[must_use]
pub struct KeySetBuilder {
    tenant: Option<String>,
    pending: Vec<(Option<Arc<str>>, Pending)>,
}

impl KeySet {
    /// Whether these keys were built for `scheme` (its name and algorithm).
    pub(crate) fn is_for(&self, scheme: &Scheme) -> bool {
        self.algorithm == scheme.algorithm && self.scheme == scheme.name
    }

    /// Starts an empty set.
    pub fn builder() -> KeySetBuilder {
        KeySetBuilder::default()
    }

    /// The tenant these keys belong to, if any.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// How many keys the set holds (at least one).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always `false`: an empty set cannot be built.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl KeySetBuilder {
    /// The tenant (1 to 64 printable ASCII characters, without spaces, `/` or `:`): it
    /// names the tenant's replay namespace.
    pub fn tenant(mut self, tenant: &str) -> Self {
        self.tenant = Some(tenant.to_owned());
        self
    }

    /// Adds a shared secret (HMAC key or token).
    pub fn secret(mut self, secret: Secret) -> Self {
        self.pending.push((None, Pending::Secret(secret)));
        self
    }

    /// Adds a public key (Ed25519 or P-256).
    pub fn public_key(mut self, key: PublicKey) -> Self {
        self.pending.push((None, Pending::Public(key)));
        self
    }

    /// Adds a key written as the provider shows it: a secret in the scheme's format
    /// (`whsec_…`, text), or, for a scheme that verifies with public keys, the public key
    /// (Discord's hex, SendGrid's base64 DER, Standard Webhooks' `whpk_…`).
    pub fn encoded_secret(mut self, text: &str) -> Self {
        self.pending
            .push((None, Pending::Encoded(Zeroizing::new(text.to_owned()))));
        self
    }

    /// Labels the key added last (reported in [`Verified::secret_label`](crate::Verified::secret_label)).
    pub fn label(mut self, label: &str) -> Self {
        if let Some(last) = self.pending.last_mut() {
            last.0 = Some(label.into());
        }
        self
    }

    /// Whether no key was added.
    pub(crate) fn has_keys(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Parses and keys every key for `scheme`.
    pub fn build(self, scheme: &Scheme) -> Result<Arc<KeySet>, ConfigError> {
        self.build_set(scheme).map(Arc::new)
    }

    pub(crate) fn build_set(self, scheme: &Scheme) -> Result<KeySet, ConfigError> {
        let tenant = self
            .tenant
            .map(|t| check_tenant(&t).map(|()| Arc::from(t)))
            .transpose()?;
        if self.pending.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        if self.pending.len() > MAX_SECRETS {
            return Err(ConfigError::TooManySecrets);
        }
        let keys = self
            .pending
            .into_iter()
            .map(|(label, pending)| {
                key_for(scheme, pending).map(|(keyed, slot)| Key { label, keyed, slot })
            })
            .collect::<Result<_, _>>()?;
        Ok(KeySet {
            tenant,
            keys,
            scheme: Arc::clone(&scheme.name),
            algorithm: scheme.algorithm,
        })
    }
}

/// The keyed state and slot of one key for `scheme`.
fn key_for(scheme: &Scheme, pending: Pending) -> Result<(Keyed, u8), ConfigError> {
    match pending {
        Pending::Secret(secret) => Ok((Keyed::new(scheme.algorithm, &secret)?, 0)),
        Pending::Public(key) => Ok((Keyed::public(&key), scheme.key_pair_slot(key.algorithm())?)),
        Pending::Encoded(text) => {
            let decoded = if scheme.algorithm.is_public_key() {
                Pending::Public(PublicKey::parse(scheme.algorithm, &text)?)
            } else if let Some((_, algorithm)) = &scheme.public_entries
                && text.trim().starts_with(WHPK_PREFIX)
            {
                Pending::Public(PublicKey::parse(*algorithm, &text)?)
            } else {
                Pending::Secret(scheme.parse_secret(&text)?)
            };
            key_for(scheme, decoded)
        }
    }
}

/// A tenant name: 1 to [`MAX_TENANT_LEN`] printable ASCII characters, no `/` or `:`
/// (the separators of replay namespaces: `<namespace>/<tenant>`, `…:content`).
pub(crate) fn check_tenant(tenant: &str) -> Result<(), ConfigError> {
    let valid = (1..=MAX_TENANT_LEN).contains(&tenant.len())
        && tenant
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b':'));
    if valid {
        Ok(())
    } else {
        Err(ConfigError::InvalidTenant)
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("{}: {:?}", k.label.as_deref().unwrap_or("-"), k.keyed))
            .collect();
        f.debug_struct("KeySet")
            .field("tenant", &self.tenant)
            .field("keys", &keys)
            .finish()
    }
}

impl fmt::Debug for KeySetBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySetBuilder")
            .field("tenant", &self.tenant)
            .field("keys", &format_args!("{} (REDACTED)", self.pending.len()))
            .finish()
    }
}
