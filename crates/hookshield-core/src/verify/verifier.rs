//! The verifier: one scheme, its active secrets, a timestamp window and a clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::{ConfigError, Reason, VerifyError};
use crate::headers::{self, HeaderLookup};
use crate::scheme::Scheme;
use crate::scheme::algorithm::Keyed;
use crate::scheme::builder::SchemeBuilder;
use crate::scheme::value_source::{IdDigest, Source};
use crate::secret::Secret;
use crate::verify::body_fields;
use crate::verify::clock::{Clock, SystemClock};
use crate::verify::signature_bytes::Tags;
use crate::verify::verified::{IdOrigin, Verified};
use crate::verify::window::{self, TimestampWindow};

/// The most secrets a verifier tries per request.
pub const MAX_SECRETS: usize = 16;
/// The longest event id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Checks that a request was signed by the provider with one of the active secrets,
/// recently, and says which event it is. Cheap to clone (an `Arc` inside) and `Send + Sync`.
///
/// ```
/// use hookshield_core::{presets, Secret, SignOptions, Signer, Verifier};
///
/// let secret = Secret::from_text("civo-webhook-secret")?;
/// let verifier = Verifier::builder(presets::civo()).secret(secret.clone()).build()?;
///
/// let body = br#"{"event":"instance.created","resourceID":"42"}"#;
/// let headers = Signer::new(presets::civo(), secret)?
///     .sign(body, &SignOptions::new().id("6b1c4c4e-5f6e-4a4e-9a4e-2f0c9d3b1a7e"))?;
///
/// let verified = verifier.verify(&headers, body).unwrap();
/// assert_eq!(verified.event_id(), "6b1c4c4e-5f6e-4a4e-9a4e-2f0c9d3b1a7e");
///
/// let err = verifier.verify(&headers, b"{\"event\":\"tampered\"}").unwrap_err();
/// assert_eq!((err.status(), err.code()), (401, "signature_mismatch"));
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    scheme: Scheme,
    keys: Vec<Key>,
    window: TimestampWindow,
    clock: Arc<dyn Clock>,
}

struct Key {
    label: Option<Arc<str>>,
    keyed: Keyed,
}

impl Verifier {
    /// Starts a verifier for `scheme` (a [`presets`](crate::presets) function or a custom
    /// [`Scheme::builder`]).
    pub fn builder(scheme: SchemeBuilder) -> VerifierBuilder {
        VerifierBuilder {
            secret_format: scheme.pending_secret_format(),
            scheme,
            secrets: Vec::new(),
            window: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// The scheme.
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// The timestamp window in force.
    pub fn window(&self) -> TimestampWindow {
        self.inner.window
    }

    /// The verifier clock's current time.
    pub fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    /// The answer to the scheme's provider handshake when a **verified** `body` is one
    /// (see [`Handshake`](crate::Handshake)); `None` for an ordinary event.
    pub fn handshake_reply(&self, body: &[u8]) -> Option<crate::HandshakeReply> {
        self.inner.scheme.handshake?.reply(body)
    }

    /// Verifies a request as of the verifier's clock. `body` must be the raw bytes received.
    pub fn verify<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Verified, VerifyError> {
        self.verify_at(headers, body, self.inner.clock.now())
    }

    /// Verifies a request as of `now`.
    ///
    /// The order is fixed: read and parse the headers; compare the signature in constant
    /// time with every active secret and every signature present; only then read fields of
    /// the body, check the timestamp window and settle the event id. So an unsigned request
    /// never gets its body parsed, and `timestamp_out_of_window` is only ever said of
    /// authentic requests.
    pub fn verify_at<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Verified, VerifyError> {
        self.check(headers, body, now).map_err(|reason| {
            let error = VerifyError::new(reason);
            error.record(&self.inner.scheme.name);
            error
        })
    }

    fn check<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Verified, Reason> {
        let scheme = &self.inner.scheme;
        let signature =
            headers::single(headers, &scheme.signature)?.ok_or(Reason::MissingSignature)?;
        // A timestamp parameter is read in the same pass over the header as the signatures.
        let mut candidates = Tags::default();
        let mut read = None;
        let signed_timestamp = match &scheme.timestamp {
            Some(Source::Headers(names)) => {
                Some(headers::single(headers, names)?.ok_or(Reason::MissingTimestamp)?)
            }
            Some(Source::Param(key)) => {
                // A scheme with a timestamp parameter has a MAC (checked when it is built).
                let len = scheme.algorithm.mac_len().unwrap_or_default();
                let found =
                    scheme
                        .layout
                        .read(signature, scheme.encoding, len, Some(key), &mut candidates);
                read = Some(found.signatures);
                Some(found.param?.ok_or(Reason::MissingTimestamp)?)
            }
            _ => None,
        };
        let mut timestamp = signed_timestamp
            .map(|raw| window::parse(raw, scheme.unit))
            .transpose()?;
        let header_id = match &scheme.id {
            Some(Source::Headers(names)) => match headers::single(headers, names)? {
                Some(id) => Some(check_id(id)?),
                None if scheme.id_required => return Err(Reason::MissingId),
                None => None,
            },
            _ => None,
        };
        let ts_bytes = signed_timestamp.unwrap_or_default();
        let id_bytes = header_id.map(str::as_bytes).unwrap_or_default();

        let secret_index =
            self.match_signature(signature, &mut candidates, read, ts_bytes, id_bytes, body)?;

        let [body_id, body_timestamp] = self.body_fields(body)?;
        if let Some(text) = body_timestamp {
            timestamp = Some(
                window::parse(text.as_bytes(), scheme.unit)
                    .map_err(|_| Reason::BodyTimestampSyntax)?,
            );
        }
        if let Some(nanos) = timestamp {
            self.inner.window.check(nanos, now)?;
        }
        let (event_id, id_origin) = match (header_id, body_id) {
            (Some(id), _) => (id.to_owned(), IdOrigin::Header),
            (None, Some(id)) => {
                check_id(id.as_bytes()).map_err(|_| Reason::BodyIdSyntax)?;
                (id, IdOrigin::Body)
            }
            // Only a body field can be missing here: a missing required header returned above.
            (None, None) if scheme.id_required => return Err(Reason::MissingIdField),
            (None, None) => (self.digest_id(ts_bytes, body), IdOrigin::Digest),
        };
        let key = self.inner.keys.get(secret_index);
        let id_signed = match id_origin {
            IdOrigin::Header => scheme.content.uses_id(),
            IdOrigin::Body => scheme.algorithm.mac_len().is_some(),
            IdOrigin::Digest => true,
        };
        // Kept only where the replay guard will need it for the content digest.
        let signed_timestamp = (!id_signed && !ts_bytes.is_empty()).then(|| ts_bytes.into());
        Ok(Verified {
            scheme: Arc::clone(&scheme.name),
            event_id,
            id_origin,
            id_signed,
            signed_timestamp,
            timestamp,
            secret_index,
            secret_label: key.and_then(|k| k.label.clone()),
        })
    }

    /// The index of the first secret that produced one of the presented signatures
    /// (read into `candidates`, unless `read` says the header was read already).
    fn match_signature(
        &self,
        signature: &[u8],
        candidates: &mut Tags,
        read: Option<Result<(), Reason>>,
        timestamp: &[u8],
        id: &[u8],
        body: &[u8],
    ) -> Result<usize, Reason> {
        let scheme = &self.inner.scheme;
        let Some(len) = scheme.algorithm.mac_len() else {
            let token = scheme.layout.token(signature)?;
            return self
                .inner
                .keys
                .iter()
                .position(|k| k.keyed.token_matches(token).into())
                .ok_or(Reason::SignatureMismatch);
        };
        match read {
            Some(outcome) => outcome?,
            None => {
                scheme
                    .layout
                    .read(signature, scheme.encoding, len, None, candidates)
                    .signatures?;
            }
        }
        self.inner
            .keys
            .iter()
            .position(|key| {
                let mac = key.keyed.compute(scheme.content.parts(timestamp, id, body));
                // Compare with every candidate, without stopping at the first match.
                candidates
                    .iter()
                    .fold(subtle::Choice::from(0), |acc, c| acc | mac.ct_eq(c))
                    .into()
            })
            .ok_or(Reason::SignatureMismatch)
    }

    /// The event id and timestamp fields of the JSON body, for schemes that keep them there.
    fn body_fields(&self, body: &[u8]) -> Result<body_fields::Found, Reason> {
        let scheme = &self.inner.scheme;
        let id_field = scheme.id.as_ref().and_then(Source::field);
        let ts_field = scheme.timestamp.as_ref().and_then(Source::field);
        if id_field.is_none() && ts_field.is_none() {
            return Ok([None, None]);
        }
        let found = match body_fields::fields(body, [id_field, ts_field]) {
            Ok(found) => found,
            // An optional id (Slack's `event_id`) falls back to the digest when the body is
            // not JSON (slash commands are form-encoded) or the field is not text.
            Err(_) if ts_field.is_none() && !scheme.id_required => return Ok([None, None]),
            Err(reason) => return Err(reason),
        };
        if ts_field.is_some() && found[1].is_none() {
            return Err(Reason::MissingTimestampField);
        }
        Ok(found)
    }

    /// `sha256:<hex>` of the signed content of a verified request (the timestamp as
    /// received, the body; not the event id), or of the body alone for a scheme whose
    /// [`IdDigest`](crate::IdDigest) says so. The replay guard reserves it beside an event
    /// id the signature does not cover ([`Verified::id_is_signed`]), so a captured request
    /// resent under a new id is still recognised. `body` must be the verified body.
    pub fn content_digest(&self, verified: &Verified, body: &[u8]) -> String {
        let timestamp = verified.signed_timestamp.as_deref().unwrap_or_default();
        self.digest_id(timestamp, body)
    }

    fn digest_id(&self, timestamp: &[u8], body: &[u8]) -> String {
        let scheme = &self.inner.scheme;
        let mut hasher = Sha256::new();
        match scheme.id_digest {
            IdDigest::Body => hasher.update(body),
            IdDigest::SignedContent => {
                for part in scheme.content.parts(timestamp, b"", body) {
                    hasher.update(part);
                }
            }
        }
        format!("sha256:{}", const_hex::encode(hasher.finalize()))
    }
}

/// An event id must be 1 to [`MAX_ID_LEN`] bytes of UTF-8 without control characters.
fn check_id(raw: &[u8]) -> Result<&str, Reason> {
    let id = std::str::from_utf8(raw).map_err(|_| Reason::IdSyntax)?;
    // One branch-free pass over the bytes (it vectorizes); chars only for non-ASCII ids.
    let ascii_control = id
        .bytes()
        .fold(false, |seen, b| seen | (b < 0x20) | (b == 0x7f));
    let control = ascii_control || (!id.is_ascii() && id.chars().any(char::is_control));
    if id.is_empty() || id.len() > MAX_ID_LEN || control {
        return Err(Reason::IdSyntax);
    }
    Ok(id)
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let labels: Vec<_> = self
            .inner
            .keys
            .iter()
            .map(|k| k.label.as_deref().unwrap_or("-"))
            .collect();
        f.debug_struct("Verifier")
            .field("scheme", &self.inner.scheme.name)
            .field(
                "secrets",
                &format_args!("{} (REDACTED) labelled {labels:?}", self.inner.keys.len()),
            )
            .field("window", &self.inner.window)
            .field("clock", &self.inner.clock)
            .finish()
    }
}

/// A secret as added to the builder: its label, and the key or why it is unusable.
type PendingSecret = (Option<Arc<str>>, Result<Secret, ConfigError>);

/// Builds a [`Verifier`]. Secrets, window and clock are set here; mistakes are reported by
/// [`build`](Self::build) as [`ConfigError`]s.
#[derive(Debug)]
#[must_use]
pub struct VerifierBuilder {
    scheme: SchemeBuilder,
    secret_format: crate::SecretFormat,
    secrets: Vec<PendingSecret>,
    window: Option<TimestampWindow>,
    clock: Arc<dyn Clock>,
}

impl VerifierBuilder {
    /// Adds an active secret. Add several to rotate: a request verifies when any of them
    /// signed it, and [`Verified::secret_index`] says which.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secrets.push((None, Ok(secret)));
        self
    }

    /// Adds an active secret with a label reported in [`Verified::secret_label`].
    pub fn labeled_secret(mut self, label: &str, secret: Secret) -> Self {
        self.secrets.push((Some(label.into()), Ok(secret)));
        self
    }

    /// Adds a secret written as the provider shows it (for Standard Webhooks `whsec_…`,
    /// decoded; for most providers the text itself). An invalid one fails `build`.
    pub fn encoded_secret(mut self, text: &str) -> Self {
        self.secrets.push((None, self.secret_format.parse(text)));
        self
    }

    /// [`encoded_secret`](Self::encoded_secret) with a label.
    pub fn labeled_encoded_secret(mut self, label: &str, text: &str) -> Self {
        self.secrets
            .push((Some(label.into()), self.secret_format.parse(text)));
        self
    }

    /// Overrides the scheme's default timestamp window.
    pub fn window(mut self, window: TimestampWindow) -> Self {
        self.window = Some(window);
        self
    }

    /// Overrides the window with the same tolerance both ways.
    pub fn tolerance(self, tolerance: Duration) -> Self {
        self.window(TimestampWindow::symmetric(tolerance))
    }

    /// The clock used by [`Verifier::verify`] (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Builds the scheme, checks the secrets and keys the MACs once.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        let scheme = self.scheme.build()?;
        if self.secrets.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        if self.secrets.len() > MAX_SECRETS {
            return Err(ConfigError::TooManySecrets);
        }
        let keys = self
            .secrets
            .into_iter()
            .map(|(label, secret)| {
                Ok(Key {
                    label,
                    keyed: Keyed::new(scheme.algorithm, &secret?)?,
                })
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let window = self.window.unwrap_or(scheme.window);
        Ok(Verifier {
            inner: Arc::new(Inner {
                scheme,
                keys,
                window,
                clock: self.clock,
            }),
        })
    }
}
