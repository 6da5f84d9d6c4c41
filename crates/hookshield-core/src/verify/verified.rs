//! What a successful verification knows about the request.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::keys::key_set::KeySet;
use crate::verify::short_text::ShortText;

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
/// which secret matched. Holds no secret and no payload. An event id (with, where the
/// signature does not cover it, the timestamp as received) of up to 78 bytes is held in
/// place: a GUID, a provider's `evt_…`, a `sha256:` digest.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    /// The event id, then the timestamp exactly as received when the id is not signed (it
    /// is part of the content digest then): one buffer, so neither allocates when short.
    pub(crate) id_and_timestamp: ShortText,
    /// Where the event id ends in `id_and_timestamp`.
    pub(crate) id_len: usize,
    pub(crate) id_origin: IdOrigin,
    /// Whether the signature covers the event id.
    pub(crate) id_signed: bool,
    /// Nanoseconds since the epoch; turned into a date only when asked for.
    pub(crate) timestamp: Option<i128>,
    pub(crate) secret_index: usize,
    pub(crate) secret_label: Option<Arc<str>>,
    /// The tenant of the key set that verified the request.
    pub(crate) tenant: Option<Arc<str>>,
    /// The key set that verified the request (for handshakes keyed with its secret); it
    /// names the scheme it was built for, the scheme reported.
    pub(crate) keys: KeysRef,
}

/// The key set of a verification: only the scheme it names is part of a `Verified`'s
/// equality (two verifiers with the same keys say the same of a request); never printed.
#[derive(Clone)]
pub(crate) struct KeysRef(pub(crate) Arc<KeySet>);

impl PartialEq for KeysRef {
    fn eq(&self, other: &Self) -> bool {
        self.0.scheme == other.0.scheme
    }
}

impl Eq for KeysRef {}

impl std::fmt::Debug for KeysRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySet(..)")
    }
}

impl Verified {
    /// The signed timestamp as received, when it was kept (the id is not signed); empty
    /// otherwise.
    pub(crate) fn signed_timestamp(&self) -> &str {
        self.id_and_timestamp.get(self.id_len..).unwrap_or_default()
    }

    /// The scheme's name, e.g. `"civo"`.
    pub fn scheme(&self) -> &str {
        &self.keys.0.scheme
    }

    /// The event id: the key of the replay guard.
    pub fn event_id(&self) -> &str {
        self.id_and_timestamp.get(..self.id_len).unwrap_or_default()
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

impl std::fmt::Debug for Verified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verified")
            .field("scheme", &self.scheme())
            .field("event_id", &self.event_id())
            .field("id_origin", &self.id_origin)
            .field("id_signed", &self.id_signed)
            .field("signed_timestamp", &self.signed_timestamp())
            .field("timestamp", &self.timestamp)
            .field("secret_index", &self.secret_index)
            .field("secret_label", &self.secret_label)
            .field("tenant", &self.tenant)
            .field("keys", &self.keys)
            .finish()
    }
}
