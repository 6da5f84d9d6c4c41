//! What a successful verification knows about the request.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::keys::key_set::KeySet;

/// Where the event id of a [`Verified`] request came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdOrigin {
    /// A provider header (`X-Civo-Event`, `webhook-id`, `X-GitHub-Delivery`, …).
    Header,
    /// A field of the JSON body (`event_id`, `id`, PagerDuty's `event.id`, …).
    Body,
    /// No id was sent: `sha256:<hex>` of the signed content (or of the body alone, see
    /// [`IdDigest`](crate::IdDigest)) stands in, so an exact resend is still recognised.
    Digest,
}

/// The metadata of a verified request: which scheme, which event, when it was signed and
/// which secret matched. Holds no secret and no payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub(crate) scheme: Arc<str>,
    pub(crate) event_id: String,
    pub(crate) id_origin: IdOrigin,
    /// Whether the signature covers the event id.
    pub(crate) id_signed: bool,
    /// The timestamp exactly as received, kept only when the id is not signed (it is part
    /// of the content digest then).
    pub(crate) signed_timestamp: Option<Box<[u8]>>,
    /// Nanoseconds since the epoch; turned into a date only when asked for.
    pub(crate) timestamp: Option<i128>,
    pub(crate) secret_index: usize,
    pub(crate) secret_label: Option<Arc<str>>,
    /// The tenant of the key set that verified the request.
    pub(crate) tenant: Option<Arc<str>>,
    /// The key set that verified the request (for handshakes keyed with its secret).
    pub(crate) keys: KeysRef,
}

/// The key set of a verification: not part of a `Verified`'s equality (two verifiers
/// with the same keys say the same of a request), never printed.
#[derive(Clone)]
pub(crate) struct KeysRef(pub(crate) Arc<KeySet>);

impl PartialEq for KeysRef {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeysRef {}

impl std::fmt::Debug for KeysRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySet(..)")
    }
}

impl Verified {
    /// The scheme's name, e.g. `"civo"`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The event id: the key of the replay guard.
    pub fn event_id(&self) -> &str {
        &self.event_id
    }

    /// Where the event id came from.
    pub fn id_origin(&self) -> IdOrigin {
        self.id_origin
    }

    /// Whether the signature covers the event id: a header id the signed content includes
    /// (`{id}`), a body field under a MAC, or a digest of the signed content. Civo's,
    /// GitHub's and Shopify's id headers are not signed: anyone holding a captured request
    /// can resend it under another id, so the replay guard also remembers
    /// [`Verifier::content_digest`](crate::Verifier::content_digest) for these.
    pub fn id_is_signed(&self) -> bool {
        self.id_signed
    }

    /// The signed timestamp, for schemes that have one.
    pub fn timestamp(&self) -> Option<OffsetDateTime> {
        self.timestamp
            .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
    }

    /// The position of the matching secret in the verifier's list (0 = the first added).
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }

    /// The label given to the matching secret, if any (e.g. `"current"`, `"previous"`).
    pub fn secret_label(&self) -> Option<&str> {
        self.secret_label.as_deref()
    }

    /// The tenant whose keys verified the request, when they came from a
    /// [`KeyResolver`](crate::KeyResolver) with tenants ([`KeySet::tenant`]). Its event ids
    /// are remembered apart from every other tenant's.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }
}
