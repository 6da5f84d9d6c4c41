//! A signature scheme: which headers, which bytes, which algorithm, which encoding.

pub(crate) mod algorithm;
pub(crate) mod base64_sig;
pub(crate) mod builder;
pub(crate) mod encoding;
pub(crate) mod handshake;
pub(crate) mod header_names;
pub(crate) mod signature_header;
pub(crate) mod signed_content;
pub(crate) mod url_rules;
pub(crate) mod value_source;

use std::sync::Arc;
use std::time::Duration;

use crate::error::ConfigError;
use crate::headers::HeaderName;
use crate::scheme::algorithm::Algorithm;
use crate::scheme::builder::SchemeBuilder;
use crate::scheme::encoding::Encoding;
use crate::scheme::handshake::Handshake;
use crate::scheme::header_names::HeaderNames;
use crate::scheme::signature_header::Layout;
use crate::scheme::signed_content::SignedContent;
use crate::scheme::value_source::ValueSource;
use crate::scheme::value_source::{IdDigest, Source};
use crate::secret::{Secret, SecretFormat};
use crate::verify::window::{TimestampUnit, TimestampWindow};

/// Longest scheme name: names double as replay namespaces.
pub(crate) const MAX_NAME_LEN: usize = 128;

/// How one provider signs its webhooks. Built with [`Scheme::builder`], or taken from
/// [`presets`](crate::presets). Holds no secret.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub(crate) name: Arc<str>,
    pub(crate) algorithm: Algorithm,
    /// The signature's header names (the first one first), and the timestamp's and id's
    /// where those are headers, parsed for lookups.
    pub(crate) names: HeaderNames,
    pub(crate) layout: Layout,
    pub(crate) encoding: Encoding,
    pub(crate) content: SignedContent,
    pub(crate) timestamp: Option<Source>,
    pub(crate) unit: TimestampUnit,
    pub(crate) id: Option<Source>,
    pub(crate) id_required: bool,
    pub(crate) id_digest: IdDigest,
    pub(crate) secret_format: SecretFormat,
    pub(crate) window: TimestampWindow,
    pub(crate) recommended_ttl: Duration,
    pub(crate) docs: Option<Box<str>>,
    pub(crate) handshake: Option<Handshake>,
    pub(crate) url_rules: url_rules::UrlRules,
    /// The version tag and algorithm of public-key entries accepted beside the scheme's
    /// own (Standard Webhooks: `v1a`, Ed25519, beside `v1` HMAC-SHA256).
    pub(crate) public_entries: Option<(Box<str>, Algorithm)>,
    /// The signature header carries an ES256 JWT whose claims sign the time (`iat`) and
    /// the body's SHA-256 (`request_body_sha256`): Plaid.
    pub(crate) signed_token: bool,
    /// Malformed headers are answered 401 `signature_mismatch`, not 400 (Discord
    /// requires a 401 for every request that fails validation).
    pub(crate) malformed_is_unauthorized: bool,
}

impl Scheme {
    /// Starts a custom scheme named `name` (1 to 128 printable ASCII characters, no
    /// spaces: it names the replay namespace too). The defaults are HMAC-SHA256 over the raw body,
    /// hex, no prefix, no timestamp, no event id (a digest of the signed content stands in),
    /// secrets as UTF-8 text, a ±5 min window and a 24 h replay TTL.
    ///
    /// ```
    /// use hookshield_core::{Algorithm, Encoding, Scheme};
    ///
    /// // A provider that sends `X-Acme-Signature: t=<unix>;sig=<base64>` over `{t}.{body}`.
    /// let scheme = Scheme::builder("acme")
    ///     .algorithm(Algorithm::HmacSha512)
    ///     .signature_header("X-Acme-Signature")
    ///     .key_value_list(';', '=', "sig")
    ///     .encoding(Encoding::Base64)
    ///     .signed_content("{t}.{body}")
    ///     .timestamp_param("t")
    ///     .id_header("X-Acme-Delivery")
    ///     .build()?;
    /// assert_eq!(scheme.name(), "acme");
    ///
    /// // Mistakes are caught when the scheme is built, not at request time.
    /// let err = Scheme::builder("bad").signed_content("{t}.{body}").build();
    /// assert!(err.is_err());
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn builder(name: &str) -> SchemeBuilder {
        SchemeBuilder::new(name)
    }

    /// The scheme's name (`"civo"`, `"standard-webhooks"`, …), reported in
    /// [`Verified`](crate::Verified).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The (first) name of the signature header.
    pub fn signature_header(&self) -> &str {
        self.names
            .signature
            .first()
            .map(HeaderName::as_str)
            .unwrap_or_default()
    }

    /// How the signature's bytes are written: hex or base64.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Every name the signature header may come under, the first one first.
    pub fn signature_headers(&self) -> impl Iterator<Item = &str> {
        self.names.signature.iter().map(HeaderName::as_str)
    }

    /// Whether requests carry a timestamp that is checked against the window (a signed
    /// token's `iat` counts).
    pub fn has_timestamp(&self) -> bool {
        self.timestamp.is_some() || self.signed_token
    }

    /// Whether malformed headers are answered 401 `signature_mismatch` rather than 400
    /// (Discord: see [`SchemeBuilder::malformed_is_unauthorized`]).
    pub fn malformed_is_unauthorized(&self) -> bool {
        self.malformed_is_unauthorized
    }

    /// Whether the signature header carries a signed token (an ES256 JWT whose claims
    /// sign the time and the body's hash: Plaid) rather than a signature of the content.
    pub fn signs_token(&self) -> bool {
        self.signed_token
    }

    /// Where the timestamp is read, if the scheme has one.
    pub fn timestamp_source(&self) -> Option<ValueSource<'_>> {
        self.timestamp.as_ref().map(Source::public)
    }

    /// How the timestamp is written: Unix seconds, milliseconds or RFC 3339.
    pub fn timestamp_unit(&self) -> TimestampUnit {
        self.unit
    }

    /// Where the event id is read, if the provider sends one.
    pub fn id_source(&self) -> Option<ValueSource<'_>> {
        self.id.as_ref().map(Source::public)
    }

    /// Whether a request without the event id is refused (otherwise a digest stands in).
    pub fn id_required(&self) -> bool {
        self.id_required
    }

    /// What the stand-in id is a digest of when a request carries no event id.
    pub fn id_digest(&self) -> IdDigest {
        self.id_digest
    }

    /// The default timestamp window of the scheme (a verifier may override it).
    pub fn window(&self) -> TimestampWindow {
        self.window
    }

    /// How long the replay guard should remember an event id: long enough to cover the
    /// provider's whole retry horizon and the timestamp window.
    pub fn recommended_ttl(&self) -> Duration {
        self.recommended_ttl
    }

    /// How the provider shows its secret as text.
    pub fn secret_format(&self) -> SecretFormat {
        self.secret_format
    }

    /// Turns the secret as the provider shows it (dashboard, environment variable) into key
    /// bytes, e.g. decodes Standard Webhooks' `whsec_…`.
    pub fn parse_secret(&self, text: &str) -> Result<Secret, ConfigError> {
        self.secret_format.parse(text)
    }

    /// A link to the provider's documentation of the scheme, for presets.
    pub fn docs(&self) -> Option<&str> {
        self.docs.as_deref()
    }

    /// The provider's endpoint check the adapters answer, if the scheme has one.
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.as_ref()
    }

    /// Whether the signature covers the request's method or URL, so requests must be
    /// verified with [`Verifier::verify_request`](crate::Verifier::verify_request).
    pub fn signs_request(&self) -> bool {
        self.content.uses_request()
    }

    /// Whether the signature covers the request's URL, so the verifier needs a public URL.
    pub fn signs_url(&self) -> bool {
        self.content.uses_url()
    }

    /// The version tag and algorithm of the public-key signatures accepted beside the
    /// scheme's own (Standard Webhooks: `("v1a", Algorithm::Ed25519)`), if any.
    pub fn public_key_entries(&self) -> Option<(&str, Algorithm)> {
        self.public_entries.as_ref().map(|(v, a)| (v.as_ref(), *a))
    }

    /// Which entries a key pair of `algorithm` signs and verifies for this scheme: 0 for
    /// the scheme's own algorithm (Discord, SendGrid), 1 for its public-key entries
    /// (Standard Webhooks `v1a`); [`ConfigError::KeyKind`] for any other algorithm.
    pub(crate) fn key_pair_slot(&self, algorithm: Algorithm) -> Result<u8, ConfigError> {
        if algorithm == self.algorithm {
            Ok(0)
        } else if self
            .public_entries
            .as_ref()
            .is_some_and(|(_, entries)| *entries == algorithm)
        {
            Ok(1)
        } else {
            Err(ConfigError::KeyKind(
                "the scheme signs and verifies with no key pair of this algorithm",
            ))
        }
    }

    /// The query parameter carrying the body's SHA-256 (Twilio's `bodySHA256`), if any.
    pub fn body_hash_param(&self) -> Option<&str> {
        self.url_rules.body_hash_param.as_deref()
    }
}
