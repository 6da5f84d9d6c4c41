//! The verifier: one scheme, its active secrets, a timestamp window and a clock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::{ConfigError, Reason, VerifyError};
use crate::headers::{self, HeaderLookup};
use crate::keys::key_set::{KeySet, KeySetBuilder};
use crate::keys::public_key::PublicKey;
use crate::keys::resolver::{
    self, HeaderRead as _, KeyError, KeyFetch, KeyQuery, KeyResolver, SecretLearner,
};
use crate::request::RequestContext;
use crate::request::forwarded::UrlConfig;
use crate::request::public_url::PublicUrl;
use crate::scheme::Scheme;
use crate::scheme::algorithm::SigLen;
use crate::scheme::algorithm::{Algorithm, Keyed};
use crate::scheme::builder::SchemeBuilder;
use crate::scheme::handshake::reply::echoable;
use crate::scheme::handshake::{Handshake, HandshakeReply};
use crate::scheme::signature_header::SigSpec;
use crate::scheme::signed_content::Inputs;
use crate::scheme::value_source::{IdDigest, Source};
use crate::secret::Secret;
use crate::verify::body_fields;
use crate::verify::clock::{Clock, Now, SystemClock};
use crate::verify::request_inputs::RequestInputs;
use crate::verify::short_text::ShortText;
use crate::verify::signature_bytes::Tags;
use crate::verify::signed_token;
use crate::verify::verified::{IdOrigin, KeysRef, Verified};
use crate::verify::window::{self, TimestampWindow};

/// The most secrets a verifier tries per request.
pub const MAX_SECRETS: usize = 16;
/// The most signatures of one kind tried against a public key per request (a sender
/// rotating keys sends two): each costs a curve check and a hash of the whole message, so
/// a header stuffed with them is not worth more work than this.
pub const MAX_PUBLIC_CANDIDATES: usize = 4;
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
    /// The verifier's own keys; `None` when a resolver chooses them per request.
    keys: Option<Arc<KeySet>>,
    resolver: Option<Arc<dyn KeyResolver>>,
    learner: Option<Arc<dyn SecretLearner>>,
    window: TimestampWindow,
    clock: Arc<dyn Clock>,
    urls: UrlConfig,
    /// The verify token, compared as a shared token is: hashed, in constant time.
    handshake_token: Option<Keyed>,
}

impl Verifier {
    /// Starts a verifier for `scheme` (a [`presets`](crate::presets) function or a custom
    /// [`Scheme::builder`]).
    pub fn builder(scheme: SchemeBuilder) -> VerifierBuilder {
        VerifierBuilder {
            scheme,
            keys: KeySetBuilder::default(),
            resolver: None,
            learner: None,
            window: None,
            clock: Arc::new(SystemClock),
            public_url: None,
            trust_forwarded: false,
            handshake_token: None,
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

    /// The configured public URL, if any.
    pub fn public_url(&self) -> Option<&PublicUrl> {
        self.inner.urls.public.as_ref()
    }

    /// The answer to the scheme's unsigned `GET` challenge (Meta, Dropbox, Okta, or a
    /// [`Challenge`](crate::Challenge) of the app's) when `request` is one: `None` for any
    /// other request, which goes on to [`verify_request`](Self::verify_request); an error
    /// (403 `challenge_refused`) when it is the challenge but its verify token does not
    /// match the [`handshake_token`](VerifierBuilder::handshake_token), or its value is not
    /// plain text. Emits the rejection event of a refusal.
    pub fn answer_challenge<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
    ) -> Option<Result<HandshakeReply, VerifyError>> {
        let handshake = self.inner.scheme.handshake.as_ref()?;
        let answer = match handshake {
            Handshake::SecretHandover { header } => self.take_secret(request, headers, header)?,
            _ => handshake.answer_get(request, headers, self.inner.handshake_token.as_ref())?,
        };
        Some(answer.map_err(|reason| self.refused(reason)))
    }

    /// Asana's handshake: an unsigned `POST` with the secret in `header` and no signature.
    /// The secret goes to the learner (which may refuse it) and is echoed back.
    fn take_secret<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        header: &'static str,
    ) -> Option<Result<HandshakeReply, Reason>> {
        let read = resolver::Headers(headers);
        let signed = self
            .inner
            .scheme
            .names
            .signature
            .iter()
            .any(|name| headers.named_values(name).next().is_some());
        if request.method() != "POST" || signed {
            return None;
        }
        headers.header_values(header).next()?;
        let Some(secret) = read
            .one(header)
            .and_then(|v| std::str::from_utf8(v).ok())
            .filter(|v| echoable(v))
        else {
            return Some(Err(Reason::ChallengeSyntax));
        };
        let Some(learner) = &self.inner.learner else {
            return Some(Err(Reason::NoChallengeToken));
        };
        let Ok(key) = Secret::from_text(secret) else {
            return Some(Err(Reason::ChallengeSyntax));
        };
        let query = KeyQuery::new(Some(request), &read, None);
        if !learner.learn(&query, key, &self.inner.scheme) {
            return Some(Err(Reason::ChallengeTokenMismatch));
        }
        tracing::info!(scheme = %self.inner.scheme.name, "secret handed over in the handshake stored");
        Some(Ok(HandshakeReply::empty(
            Handshake::SecretHandover { header },
            200,
        )
        .with_echo(header, secret.to_owned())))
    }

    /// The answer to the scheme's signed handshake when a request that `verified` is one
    /// (see [`Handshake`](crate::Handshake)); `None` for an ordinary event. A handshake
    /// whose challenge is missing or cannot be echoed is refused (403 `challenge_refused`,
    /// its rejection event emitted), never handed to the handler. `body` must be the
    /// verified body.
    pub fn handshake_reply<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
        verified: &Verified,
    ) -> Option<Result<HandshakeReply, VerifyError>> {
        let handshake = self.inner.scheme.handshake.as_ref()?;
        let key = verified.keys.0.keys.get(verified.secret_index)?;
        let keyed_hex = |text: &[u8]| const_hex::encode(key.keyed.compute([text]).as_slice());
        let answer = handshake.answer_signed(request, headers, body, &keyed_hex)?;
        Some(answer.map_err(|reason| self.refused(reason)))
    }

    /// Verifies a request as of the verifier's clock. `body` must be the raw bytes received.
    /// A scheme that signs the request's URL or method
    /// ([`Scheme::signs_request`]) needs [`verify_request`](Self::verify_request): here it
    /// is refused with 500 `webhook_not_configured`.
    ///
    /// The clock is read only for a scheme with a timestamp, once the signature matched.
    /// With keys of its own, the verifier allocates nothing for a request it accepts when
    /// its event id (a digest included) fits in [`Verified`] (78 bytes, with the timestamp
    /// where the id is not signed); a key resolver may allocate.
    pub fn verify<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Verified, VerifyError> {
        self.checked(None, headers, body, self.clock())
    }

    /// Verifies a request with its method and target (path and query), which schemes
    /// that sign the URL or method need (Twilio, Square, HubSpot); for the others it is the
    /// same as [`verify`](Self::verify). The URL is the configured
    /// [`public_url`](VerifierBuilder::public_url) joined with the target.
    ///
    /// ```
    /// use hookshield_core::{presets, RequestContext, Verifier};
    ///
    /// // Square's published example (square-python-sdk's webhooks helper tests).
    /// let verifier = Verifier::builder(presets::square())
    ///     .encoded_secret("Ibxx_5AKakO-3qeNVR61Dw")
    ///     .public_url("https://webhook.site")
    ///     .build()?;
    /// let body = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    /// let headers = [("x-square-hmacsha256-signature", "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=")];
    /// let request = RequestContext::new("POST", "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9");
    /// let verified = verifier.verify_request(&request, &headers, body).unwrap();
    /// assert_eq!(verified.event_id(), "ac3ac95b-f97d-458c-a6e6-18981597e05f");
    ///
    /// let elsewhere = RequestContext::new("POST", "/another-path");
    /// let err = verifier.verify_request(&elsewhere, &headers, body).unwrap_err();
    /// assert_eq!(err.code(), "signature_mismatch");
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn verify_request<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        body: &[u8],
    ) -> Result<Verified, VerifyError> {
        self.checked(Some(request), headers, body, self.clock())
    }

    /// "Now" as the verifier's clock says, read only if a timestamp is checked.
    fn clock(&self) -> Now<'_> {
        Now::Clock(self.inner.clock.as_ref())
    }

    /// [`verify_request`](Self::verify_request), with keys a
    /// [`key_resolver`](VerifierBuilder::key_resolver) may have to fetch
    /// ([`CachedKeys`](crate::CachedKeys)): the fetch is awaited (within its deadline)
    /// instead of using only what is cached. The [`Receiver`](crate::Receiver) and the
    /// adapters verify this way.
    pub async fn verify_request_async<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        body: &[u8],
    ) -> Result<Verified, VerifyError> {
        self.verify_fetched(Some(request), headers, body).await
    }

    /// Verifies as of the clock, awaiting the keys' fetch where the resolver has one.
    pub(crate) async fn verify_fetched<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
    ) -> Result<Verified, VerifyError> {
        let keys = match self.key_fetch(request, headers) {
            Ok(Some(fetch)) => fetch.await.map_err(key_reason),
            Ok(None) => self.keys_for(request, headers),
            Err(reason) => Err(reason),
        };
        keys.and_then(|keys| self.check(request, headers, body, self.clock(), keys))
            .map_err(|reason| self.refused(reason))
    }

    /// The resolver's fetch for this request, if it has one.
    fn key_fetch<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
    ) -> Result<Option<KeyFetch<'_>>, Reason> {
        Ok(self
            .ask_resolver(request, headers, |resolver, query| resolver.fetch(query))?
            .flatten())
    }

    /// [`verify_request`](Self::verify_request) as of `now`.
    pub fn verify_request_at<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Verified, VerifyError> {
        self.checked(Some(request), headers, body, now.into())
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
        self.checked(None, headers, body, now.into())
    }

    fn checked<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
        now: Now<'_>,
    ) -> Result<Verified, VerifyError> {
        self.keys_for(request, headers)
            .and_then(|keys| self.check(request, headers, body, now, keys))
            .map_err(|reason| self.refused(reason))
    }

    /// The keys to verify this request with: the verifier's own, or the resolver's choice.
    fn keys_for<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
    ) -> Result<Arc<KeySet>, Reason> {
        if let Some(keys) = &self.inner.keys {
            return Ok(Arc::clone(keys));
        }
        self.ask_resolver(request, headers, |resolver, query| {
            resolver.resolve(query).map_err(key_reason)
        })?
        .unwrap_or(Err(Reason::UnknownKey))
    }

    /// Asks the key resolver (`None` without one: the verifier has keys of its own) about
    /// this request, through `ask`, with the query: its request, headers and key id.
    fn ask_resolver<'s, H: HeaderLookup + ?Sized, R>(
        &'s self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        ask: impl FnOnce(&'s dyn KeyResolver, &KeyQuery<'_>) -> R,
    ) -> Result<Option<R>, Reason> {
        let Some(resolver) = &self.inner.resolver else {
            return Ok(None);
        };
        let key_id = self.key_id(headers)?;
        let read = resolver::Headers(headers);
        let query = KeyQuery::new(request, &read, key_id.as_deref());
        Ok(Some(ask(resolver.as_ref(), &query)))
    }

    /// The key id the request's signature names: a signed token's `kid` (Plaid). A token
    /// that is missing is refused as a missing signature, one that cannot be read as
    /// malformed, before any key is looked for.
    fn key_id<H: HeaderLookup + ?Sized>(&self, headers: &H) -> Result<Option<String>, Reason> {
        let scheme = &self.inner.scheme;
        if !scheme.signed_token {
            return Ok(None);
        }
        let token =
            headers::single(headers, &scheme.names.signature)?.ok_or(Reason::MissingSignature)?;
        signed_token::key_id(token).map(Some)
    }

    /// A request signed with a token (Plaid): the token verified with `keys`, then its
    /// `iat` checked against the window and its body hash against the body.
    fn check_token<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: Now<'_>,
        keys: Arc<KeySet>,
    ) -> Result<Verified, Reason> {
        let scheme = &self.inner.scheme;
        let token =
            headers::single(headers, &scheme.names.signature)?.ok_or(Reason::MissingSignature)?;
        let checked = signed_token::check(token, &keys, body)?;
        let issued = i128::from(checked.issued_at).saturating_mul(1_000_000_000);
        self.inner.window.check(issued, now.unix_nanos())?;
        let key = keys.keys.get(checked.key_index);
        let id = self.digest_id(b"", body);
        Ok(Verified {
            id_len: id.len(),
            id_and_timestamp: id,
            id_origin: IdOrigin::Digest,
            id_signed: true,
            timestamp: Some(issued),
            secret_index: checked.key_index,
            secret_label: key.and_then(|k| k.label.clone()),
            tenant: keys.tenant.clone(),
            keys: KeysRef(keys),
        })
    }

    /// The error for `reason`, its rejection event emitted.
    fn refused(&self, reason: Reason) -> VerifyError {
        let mut error = VerifyError::new(reason);
        if self.inner.scheme.malformed_is_unauthorized {
            error = error.malformed_as_unauthorized();
        }
        error.record(&self.inner.scheme.name);
        error
    }

    fn check<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
        now: Now<'_>,
        keys: Arc<KeySet>,
    ) -> Result<Verified, Reason> {
        let scheme = &self.inner.scheme;
        // Keys built from this scheme (or a clone of it) share its name: no compare then.
        if !Arc::ptr_eq(&keys.scheme, &scheme.name) && !keys.is_for(scheme) {
            return Err(Reason::ForeignKeys);
        }
        if scheme.signed_token {
            return self.check_token(headers, body, now, keys);
        }
        let names = &scheme.names;
        let signature =
            headers::single(headers, &names.signature)?.ok_or(Reason::MissingSignature)?;
        // A timestamp parameter is read in the same pass over the header as the signatures.
        let mut candidates = Tags::default();
        let mut read = None;
        let signed_timestamp = match &scheme.timestamp {
            Some(Source::Headers(_)) => {
                Some(headers::single(headers, &names.timestamp)?.ok_or(Reason::MissingTimestamp)?)
            }
            Some(Source::Param(key)) => {
                // A scheme with a timestamp parameter has signatures (checked when it is
                // built), not a shared token.
                let found = scheme.layout.read(
                    signature,
                    scheme.encoding,
                    self.sig_spec(&keys),
                    Some(key),
                    &mut candidates,
                );
                read = Some(found.signatures);
                Some(found.param?.ok_or(Reason::MissingTimestamp)?)
            }
            _ => None,
        };
        let mut timestamp = signed_timestamp
            .map(|raw| window::parse(raw, scheme.unit))
            .transpose()?;
        let header_id = match &scheme.id {
            Some(Source::Headers(_)) => match headers::single(headers, &names.id)? {
                Some(id) => Some(check_id(id)?),
                None if scheme.id_required => return Err(Reason::MissingId),
                None => None,
            },
            _ => None,
        };
        let ts_bytes = signed_timestamp.unwrap_or_default();
        let id_bytes = header_id.map(str::as_bytes).unwrap_or_default();
        let base = if scheme.content.uses_url() && request.is_some() {
            Some(self.inner.urls.base(headers)?)
        } else {
            None
        };
        let inputs = RequestInputs::gather(scheme, base.as_deref(), request, body, true)?;

        let secret_index = self.match_signature(
            &keys,
            signature,
            &mut candidates,
            read,
            &inputs,
            [ts_bytes, id_bytes, body],
        )?;
        inputs.check_body_hash(body)?;

        let [body_id, body_timestamp] = self.body_fields(body)?;
        if let Some(text) = body_timestamp {
            timestamp = Some(
                window::parse(text.as_bytes(), scheme.unit)
                    .map_err(|_| Reason::BodyTimestampSyntax)?,
            );
        }
        if let Some(nanos) = timestamp {
            self.inner.window.check(nanos, now.unix_nanos())?;
        }
        let (event_id, id_origin) = match (header_id, body_id) {
            (Some(id), _) => (ShortText::from(id), IdOrigin::Header),
            (None, Some(id)) => {
                check_id(id.as_bytes()).map_err(|_| Reason::BodyIdSyntax)?;
                (id, IdOrigin::Body)
            }
            // Only a body field can be missing here: a missing required header returned above.
            (None, None) if scheme.id_required => return Err(Reason::MissingIdField),
            (None, None) => (self.digest_id(ts_bytes, body), IdOrigin::Digest),
        };
        let key = keys.keys.get(secret_index);
        let id_signed = match id_origin {
            IdOrigin::Header => scheme.content.uses_id(),
            IdOrigin::Body => scheme.algorithm != Algorithm::SharedToken,
            IdOrigin::Digest => true,
        };
        // The timestamp is kept beside the id only where the replay guard will need it for
        // the content digest. A timestamp that parsed is UTF-8 (digits, or RFC 3339 text).
        let id_len = event_id.len();
        let mut id_and_timestamp = event_id;
        if !id_signed {
            id_and_timestamp.push_str(std::str::from_utf8(ts_bytes).unwrap_or_default());
        }
        Ok(Verified {
            id_and_timestamp,
            id_len,
            id_origin,
            id_signed,
            timestamp,
            secret_index,
            secret_label: key.and_then(|k| k.label.clone()),
            tenant: keys.tenant.clone(),
            keys: KeysRef(keys),
        })
    }

    /// How long the scheme's signatures are, and its public-key entries' when `keys` has
    /// a key for them (otherwise those entries are skipped, as entries of an unknown
    /// version are).
    fn sig_spec(&self, keys: &KeySet) -> SigSpec<'_> {
        let scheme = &self.inner.scheme;
        let len = |algorithm: Algorithm| algorithm.sig_len().unwrap_or(SigLen::Exact(0));
        let public_keys = keys.keys.iter().any(|k| k.slot == 1);
        SigSpec {
            primary: len(scheme.algorithm),
            alt: scheme
                .public_entries
                .as_ref()
                .filter(|_| public_keys)
                .map(|(version, algorithm)| (version.as_ref(), len(*algorithm))),
        }
    }

    /// The index of the first secret that produced one of the presented signatures
    /// (read into `candidates`, unless `read` says the header was read already).
    fn match_signature(
        &self,
        keys: &KeySet,
        signature: &[u8],
        candidates: &mut Tags,
        read: Option<Result<(), Reason>>,
        inputs: &RequestInputs,
        [timestamp, id, body]: [&[u8]; 3],
    ) -> Result<usize, Reason> {
        let scheme = &self.inner.scheme;
        if scheme.algorithm == Algorithm::SharedToken {
            let token = scheme.layout.token(signature)?;
            return keys
                .keys
                .iter()
                .position(|k| k.keyed.token_matches(token).into())
                .ok_or(Reason::SignatureMismatch);
        }
        match read {
            Some(outcome) => outcome?,
            None => {
                scheme
                    .layout
                    .read(
                        signature,
                        scheme.encoding,
                        self.sig_spec(keys),
                        None,
                        candidates,
                    )
                    .signatures?;
            }
        }
        keys.keys
            .iter()
            .position(|key| {
                // The URL's default-port variant (Twilio) only when the URL as received
                // matched none, which says nothing of the MAC's bytes.
                inputs.urls().any(|url| {
                    let parts = || {
                        scheme
                            .content
                            .parts(inputs.content(url, timestamp, id, body))
                    };
                    let mine = candidates.iter().filter(|c| c.slot() == key.slot);
                    if key.keyed.public_algorithm().is_some() {
                        // A public key: each candidate of its kind is checked in turn;
                        // nothing secret is compared.
                        return key
                            .keyed
                            .verifies_any(parts(), mine.take(MAX_PUBLIC_CANDIDATES));
                    }
                    // A MAC: every candidate, without stopping at a match.
                    let mac = key.keyed.compute(parts());
                    mine.fold(subtle::Choice::from(0), |acc, c| acc | mac.ct_eq(c))
                        .into()
                })
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
        let timestamp = verified.signed_timestamp().as_bytes();
        self.digest_id(timestamp, body).as_str().to_owned()
    }

    /// `sha256:<hex>` of the signed content without the id (or of the body), in place.
    fn digest_id(&self, timestamp: &[u8], body: &[u8]) -> ShortText {
        let scheme = &self.inner.scheme;
        let mut hasher = Sha256::new();
        match scheme.id_digest {
            IdDigest::Body => hasher.update(body),
            IdDigest::SignedContent => {
                // The request's URL and method are left out (the same event may reach two
                // URLs); form fields are the body's bytes as received.
                let inputs = Inputs {
                    timestamp,
                    body,
                    form: body,
                    ..Inputs::default()
                };
                for part in scheme.content.parts(inputs) {
                    hasher.update(part);
                }
            }
        }
        let mut hex = [0u8; 64];
        let mut id = ShortText::from("sha256:");
        if const_hex::encode_to_slice(hasher.finalize(), &mut hex).is_ok() {
            id.push_str(std::str::from_utf8(&hex).unwrap_or_default());
        }
        id
    }
}

/// The refusal for a resolver's answer.
fn key_reason(error: KeyError) -> Reason {
    match error {
        KeyError::Unavailable => Reason::KeyUnavailable,
        _ => Reason::UnknownKey,
    }
}

/// An event id must be 1 to [`MAX_ID_LEN`] bytes of UTF-8 without control characters.
fn check_id(raw: &[u8]) -> Result<&str, Reason> {
    if raw.is_empty() || raw.len() > MAX_ID_LEN {
        return Err(Reason::IdSyntax);
    }
    let id = std::str::from_utf8(raw).map_err(|_| Reason::IdSyntax)?;
    // One branch-free pass over the bytes (it vectorizes) finds ASCII control characters
    // and whether any byte is not ASCII; chars are looked at only then.
    let (ascii_control, non_ascii) = raw.iter().fold((false, false), |(control, wide), &b| {
        (control | (b < 0x20) | (b == 0x7f), wide | (b >= 0x80))
    });
    if ascii_control || (non_ascii && id.chars().any(char::is_control)) {
        return Err(Reason::IdSyntax);
    }
    Ok(id)
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = match &self.inner.keys {
            Some(keys) => {
                let labels: Vec<_> = keys
                    .keys
                    .iter()
                    .map(|k| k.label.as_deref().unwrap_or("-"))
                    .collect();
                format!("{} (REDACTED) labelled {labels:?}", keys.len())
            }
            None => "chosen per request by a key resolver".to_owned(),
        };
        f.debug_struct("Verifier")
            .field("scheme", &self.inner.scheme.name)
            .field("secrets", &format_args!("{keys}"))
            .field("window", &self.inner.window)
            .field("clock", &self.inner.clock)
            .field("public_url", &self.inner.urls.public)
            .field("trust_forwarded_headers", &self.inner.urls.trust_forwarded)
            .field(
                "handshake_token",
                &self.inner.handshake_token.as_ref().map(|_| "REDACTED"),
            )
            .finish()
    }
}

/// Builds a [`Verifier`]. Secrets, window and clock are set here; mistakes are reported by
/// [`build`](Self::build) as [`ConfigError`]s.
#[must_use]
pub struct VerifierBuilder {
    scheme: SchemeBuilder,
    keys: KeySetBuilder,
    resolver: Option<Arc<dyn KeyResolver>>,
    learner: Option<Arc<dyn SecretLearner>>,
    window: Option<TimestampWindow>,
    clock: Arc<dyn Clock>,
    public_url: Option<Result<PublicUrl, ConfigError>>,
    trust_forwarded: bool,
    handshake_token: Option<Result<Secret, ConfigError>>,
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("keys", &self.keys)
            .field("key_resolver", &self.resolver.is_some())
            .field("secret_learner", &self.learner.is_some())
            .field("window", &self.window)
            .field("public_url", &self.public_url)
            .field("trust_forwarded_headers", &self.trust_forwarded)
            .field(
                "handshake_token",
                &self.handshake_token.as_ref().map(|_| "REDACTED"),
            )
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    /// Adds an active secret. Add several to rotate: a request verifies when any of them
    /// signed it, and [`Verified::secret_index`] says which.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.keys = self.keys.secret(secret);
        self
    }

    /// Adds an active secret with a label reported in [`Verified::secret_label`].
    pub fn labeled_secret(mut self, label: &str, secret: Secret) -> Self {
        self.keys = self.keys.secret(secret).label(label);
        self
    }

    /// Adds a key written as the provider shows it: for Standard Webhooks `whsec_…`
    /// (decoded) or a `whpk_…` public key; for Discord and SendGrid their public key (hex,
    /// base64 DER); for most providers the secret's text itself. An invalid one fails
    /// `build`.
    pub fn encoded_secret(mut self, text: &str) -> Self {
        self.keys = self.keys.encoded_secret(text);
        self
    }

    /// [`encoded_secret`](Self::encoded_secret) with a label.
    pub fn labeled_encoded_secret(mut self, label: &str, text: &str) -> Self {
        self.keys = self.keys.encoded_secret(text).label(label);
        self
    }

    /// Adds a public key (Ed25519 or P-256) for a scheme that verifies with one: its own
    /// algorithm, or its public-key entries (Standard Webhooks `v1a`).
    pub fn public_key(mut self, key: PublicKey) -> Self {
        self.keys = self.keys.public_key(key);
        self
    }

    /// [`public_key`](Self::public_key) with a label.
    pub fn labeled_public_key(mut self, label: &str, key: PublicKey) -> Self {
        self.keys = self.keys.public_key(key).label(label);
        self
    }

    /// Chooses the keys per request instead of fixing them here: each request is verified
    /// with the [`KeySet`] `resolver` returns for it (a tenant's, a key id's), and its
    /// event ids are remembered in the tenant's own replay namespace. Secrets added to the
    /// builder as well are a [`ConfigError`].
    pub fn key_resolver(mut self, resolver: impl KeyResolver) -> Self {
        self.resolver = Some(Arc::new(resolver));
        self
    }

    /// Where the secret a provider hands over in its handshake is stored (Asana's
    /// `X-Hook-Secret`); usually the same [`KeyMap`](crate::KeyMap) given as
    /// [`key_resolver`](Self::key_resolver). Without it such handshakes are refused (403).
    pub fn secret_learner(mut self, learner: impl SecretLearner) -> Self {
        self.learner = Some(Arc::new(learner));
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

    /// The public base URL of the endpoint, as the provider is told to call it
    /// (`https://example.com`, `https://example.com:8443/hooks`): the URL a scheme signs is
    /// this joined with the received path and query, so verification is right behind
    /// proxies, TLS terminators and CDNs. Needed by schemes that sign the URL (Twilio,
    /// Square, HubSpot) unless forwarded headers are trusted. An invalid URL fails `build`
    /// ([`ConfigError::InvalidPublicUrl`]).
    pub fn public_url(mut self, url: &str) -> Self {
        self.public_url = Some(PublicUrl::parse(url));
        self
    }

    /// Whether `Forwarded` (its first element) and `X-Forwarded-Proto` / `-Host` / `-Port` /
    /// `-Prefix` say the public URL (default `false`: they are ignored). Turn it on only
    /// when every proxy in front of the app sets or strips them: a client could otherwise
    /// choose the URL its request is verified against. What they say takes the place of the
    /// [`public_url`](Self::public_url)'s parts; without either, `Host` gives the host.
    pub fn trust_forwarded_headers(mut self, trust: bool) -> Self {
        self.trust_forwarded = trust;
        self
    }

    /// The verify token of the scheme's `GET` challenge (Meta's `hub.verify_token`, a
    /// [`Challenge`](crate::Challenge) with a `token_*` place): a value of the app's own,
    /// not the signing secret. Without it such challenges are refused (403). An empty or
    /// blank token fails `build`.
    pub fn handshake_token(mut self, token: &str) -> Self {
        self.handshake_token = Some(Secret::from_text(token));
        self
    }

    /// Builds the scheme, checks the secrets and keys the MACs once.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        let scheme = self.scheme.build()?;
        let public = self.public_url.transpose()?;
        if scheme.signs_url() && public.is_none() && !self.trust_forwarded {
            return Err(ConfigError::PublicUrlRequired);
        }
        let handshake_token = self
            .handshake_token
            .transpose()?
            .map(|token| Keyed::new(Algorithm::SharedToken, &token))
            .transpose()?;
        let keys = match (&self.resolver, self.keys.has_keys()) {
            (Some(_), true) => {
                return Err(ConfigError::Inconsistent(
                    "give either secrets or a key resolver, not both",
                ));
            }
            (Some(_), false) => None,
            (None, _) => Some(Arc::new(self.keys.build_set(&scheme)?)),
        };
        let window = self.window.unwrap_or(scheme.window);
        Ok(Verifier {
            inner: Arc::new(Inner {
                scheme,
                keys,
                resolver: self.resolver,
                learner: self.learner,
                window,
                clock: self.clock,
                urls: UrlConfig {
                    public,
                    trust_forwarded: self.trust_forwarded,
                },
                handshake_token,
            }),
        })
    }
}
