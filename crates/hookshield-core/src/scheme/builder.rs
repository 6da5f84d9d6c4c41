//! [`SchemeBuilder`]: composes a [`Scheme`] and checks that its parts fit together.

use std::time::Duration;

use crate::error::ConfigError;
use crate::scheme::algorithm::Algorithm;
use crate::scheme::encoding::Encoding;
use crate::scheme::handshake::Handshake;
use crate::scheme::header_names::HeaderNames;
use crate::scheme::signature_header::Layout;
use crate::scheme::signed_content::SignedContent;
use crate::scheme::url_rules::UrlRules;
use crate::scheme::value_source::{IdDigest, Source, paths_overlap, validate_names};
use crate::scheme::{MAX_NAME_LEN, Scheme};
use crate::secret::SecretFormat;
use crate::verify::window::{TimestampUnit, TimestampWindow};

/// Builds a [`Scheme`]; every method takes and returns the builder by value. Mistakes are
/// reported as [`ConfigError`]s by [`build`](Self::build).
#[derive(Debug, Clone)]
#[must_use]
pub struct SchemeBuilder {
    name: String,
    algorithm: Algorithm,
    signature: Vec<Box<str>>,
    layout: Layout,
    encoding: Encoding,
    template: String,
    timestamp: Option<Source>,
    unit: TimestampUnit,
    id: Option<Source>,
    id_required: bool,
    id_digest: IdDigest,
    secret_format: SecretFormat,
    window: TimestampWindow,
    recommended_ttl: Duration,
    docs: Option<Box<str>>,
    handshake: Option<Handshake>,
    url_rules: UrlRules,
    public_entries: Option<(Box<str>, Algorithm)>,
    signed_token: bool,
    malformed_is_unauthorized: bool,
}

impl SchemeBuilder {
    pub(crate) fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            algorithm: Algorithm::HmacSha256,
            signature: Vec::new(),
            layout: Layout::Single { prefix: "".into() },
            encoding: Encoding::Hex,
            template: "{body}".to_owned(),
            timestamp: None,
            unit: TimestampUnit::Seconds,
            id: None,
            id_required: false,
            id_digest: IdDigest::SignedContent,
            secret_format: SecretFormat::Text,
            window: TimestampWindow::symmetric(Duration::from_secs(300)),
            recommended_ttl: Duration::from_secs(24 * 3600),
            docs: None,
            handshake: None,
            url_rules: UrlRules::default(),
            public_entries: None,
            signed_token: false,
            malformed_is_unauthorized: false,
        }
    }

    /// Answers a malformed signature, timestamp or id header 401 `signature_mismatch`
    /// instead of 400 `malformed_header` (the detailed [`Reason`](crate::Reason) is kept),
    /// for providers that require a 401 for every request that fails validation, such as
    /// Discord.
    pub fn malformed_is_unauthorized(mut self) -> Self {
        self.malformed_is_unauthorized = true;
        self
    }

    /// The signature header carries an ES256 JWT (Plaid's `Plaid-Verification`): see
    /// [`presets::plaid`](crate::presets::plaid).
    pub(crate) fn es256_token(mut self) -> Self {
        self.signed_token = true;
        self.algorithm = Algorithm::EcdsaP256Sha256;
        self
    }

    /// The algorithm: a MAC, [`Algorithm::SharedToken`], or a public-key signature
    /// ([`Algorithm::Ed25519`], [`Algorithm::EcdsaP256Sha256`]).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The header carrying the signature (replaces earlier names).
    pub fn signature_header(mut self, name: &str) -> Self {
        self.signature = vec![name.into()];
        self
    }

    /// Another name the signature header may come under (read when the earlier ones are
    /// absent), such as `svix-signature` beside `webhook-signature`.
    pub fn signature_header_alias(mut self, name: &str) -> Self {
        self.signature.push(name.into());
        self
    }

    /// Hex (either case) or base64.
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// One signature per header, after `prefix` (`sha256=`, `v0=`; matched ignoring ASCII
    /// case). This is the default layout, with an empty prefix.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.layout = Layout::Single {
            prefix: prefix.into(),
        };
        self
    }

    /// A `k=v` list such as Stripe's `t=…,v1=…,v1=…`: items split on `pair`, keys and
    /// values on `assign`; every value of `key` is a candidate signature; other keys are
    /// ignored.
    pub fn key_value_list(mut self, pair: char, assign: char, key: &str) -> Self {
        self.layout = Layout::KeyValue {
            pair,
            assign,
            key: key.into(),
        };
        self
    }

    /// A space-separated list of `version,signature` entries, such as Standard Webhooks'
    /// `v1,<b64> v1,<b64>`; entries of other versions (`v1a`) are ignored.
    pub fn versioned_list(mut self, version: &str) -> Self {
        self.layout = Layout::Versioned {
            version: version.into(),
        };
        self
    }

    /// Also accepts, in a [`versioned_list`](Self::versioned_list), entries tagged
    /// `version` signed with the public-key `algorithm` (Standard Webhooks: `v1a`,
    /// Ed25519, beside `v1` HMAC), so one verifier can hold a shared secret and a public
    /// key while a sender moves from one to the other.
    pub fn public_key_entries(mut self, version: &str, algorithm: Algorithm) -> Self {
        self.public_entries = Some((version.into(), algorithm));
        self
    }

    /// Which bytes are signed: `{body}` (the default), `{t}.{body}`, `{id}.{t}.{body}`,
    /// `v0:{t}:{body}`, … See the placeholders in the crate docs.
    pub fn signed_content(mut self, template: &str) -> Self {
        template.clone_into(&mut self.template);
        self
    }

    /// When the URL's query has the parameter `name` (Twilio's `bodySHA256`), the body is
    /// signed through it: `{form}` stands for nothing and the body's SHA-256, in hex, must
    /// equal the parameter's value (compared in constant time). Needs `{url}` and `{form}`
    /// in the signed content.
    pub fn body_hash_param(mut self, name: &str) -> Self {
        self.url_rules.body_hash_param = Some(name.into());
        self
    }

    /// Also accept a signature over the URL with the scheme's default port written out
    /// (`https://host:443/…`) when the public URL has none, or left out when it has it, as
    /// Twilio's SDKs do. Needs `{url}` in the signed content.
    pub fn url_port_variants(mut self, accept: bool) -> Self {
        self.url_rules.port_variants = accept;
        self
    }

    /// Decode the percent-escapes of these characters in the URL before signing it
    /// (HubSpot's v3 signature: `:/?@!$'()*,;`). Needs `{url}` in the signed content.
    pub fn url_unescape(mut self, chars: &str) -> Self {
        self.url_rules.unescape = Some(chars.into());
        self
    }

    /// The timestamp comes from this header. The signed content must include it (`{t}`):
    /// [`build`](Self::build) refuses a timestamp the signature does not cover.
    pub fn timestamp_header(mut self, name: &str) -> Self {
        self.timestamp = Some(Source::header(name));
        self
    }

    /// Another name of the timestamp header.
    pub fn timestamp_header_alias(mut self, name: &str) -> Self {
        self.timestamp = Some(
            self.timestamp
                .take()
                .map_or_else(|| Source::header(name), |s| s.with_alias(name)),
        );
        self
    }

    /// The timestamp is the parameter `key` of a `k=v` signature header (Stripe's `t`). The
    /// signed content must include it (`{t}`).
    pub fn timestamp_param(mut self, key: &str) -> Self {
        self.timestamp = Some(Source::Param(key.into()));
        self
    }

    /// The timestamp is a field of the JSON body, named by its path of keys joined with
    /// dots: `webhookTimestamp`, or `event.occurred_at` for a member of the object
    /// `event`. It is covered by a MAC over the body (not through `{t}`), and read only
    /// after the signature is verified, in the same pass as a body id.
    pub fn timestamp_field(mut self, path: &str) -> Self {
        self.timestamp = Some(Source::Field(path.into()));
        self
    }

    /// Unix seconds (the default), Unix milliseconds, or RFC 3339 date-times.
    pub fn timestamp_unit(mut self, unit: TimestampUnit) -> Self {
        self.unit = unit;
        self
    }

    /// The event id comes from this header and is required. Unless the signed content
    /// includes it (`{id}`), the id is not covered by the signature: the replay guard then
    /// also remembers a digest of the signed content, so a captured request resent under a
    /// new id is still a duplicate (see [`ReplayGuard`](crate::replay::ReplayGuard)).
    pub fn id_header(mut self, name: &str) -> Self {
        self.id = Some(Source::header(name));
        self.id_required = true;
        self
    }

    /// Another name of the event-id header.
    pub fn id_header_alias(mut self, name: &str) -> Self {
        self.id = Some(
            self.id
                .take()
                .map_or_else(|| Source::header(name), |s| s.with_alias(name)),
        );
        self
    }

    /// The event id is a field of the JSON body (string or integer), named by its path of
    /// keys joined with dots (`id`, `event_id`, PagerDuty's `event.id`), and is required.
    /// Only the objects on the path are entered, after the signature is verified, and
    /// reading stops once the field is found.
    pub fn id_field(mut self, path: &str) -> Self {
        self.id = Some(Source::Field(path.into()));
        self.id_required = true;
        self
    }

    /// What the stand-in id is a digest of when a request carries no event id (see
    /// [`IdDigest`]; the default is the signed content).
    pub fn id_digest(mut self, digest: IdDigest) -> Self {
        self.id_digest = digest;
        self
    }

    /// Whether a request without the event id is refused (`true`, the default once an id
    /// source is set) or identified by a SHA-256 digest of its signed content (`false`).
    pub fn id_required(mut self, required: bool) -> Self {
        self.id_required = required;
        self
    }

    /// How the provider shows its secret as text.
    pub fn secret_format(mut self, format: SecretFormat) -> Self {
        self.secret_format = format;
        self
    }

    /// The default timestamp window (a verifier may override it).
    pub fn window(mut self, window: TimestampWindow) -> Self {
        self.window = window;
        self
    }

    /// How long the replay guard should remember ids (must cover the window).
    pub fn recommended_ttl(mut self, ttl: Duration) -> Self {
        self.recommended_ttl = ttl;
        self
    }

    /// The provider's endpoint check, answered by the adapters after verification
    /// (see [`Handshake`]).
    pub fn handshake(mut self, handshake: Handshake) -> Self {
        self.handshake = Some(handshake);
        self
    }

    /// A link to the provider's documentation.
    pub fn docs(mut self, url: &str) -> Self {
        self.docs = Some(url.into());
        self
    }

    /// Checks that the parts fit together and builds the scheme.
    pub fn build(self) -> Result<Scheme, ConfigError> {
        if self.name.is_empty() {
            return Err(ConfigError::EmptyName);
        }
        if self.name.len() > MAX_NAME_LEN || !self.name.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::InvalidName);
        }
        validate_names(&self.signature)?;
        self.layout.validate()?;
        let content = SignedContent::parse(&self.template)?;
        for source in self.timestamp.iter().chain(&self.id) {
            source.validate()?;
        }
        if self.algorithm == Algorithm::SharedToken
            && (!content.is_body_only() || self.layout.is_list() || self.timestamp.is_some())
        {
            return Err(ConfigError::Inconsistent(
                "a shared token signs nothing: no template, list layout or timestamp",
            ));
        }
        if let Some((version, algorithm)) = &self.public_entries {
            let Layout::Versioned { version: own } = &self.layout else {
                return Err(ConfigError::Inconsistent(
                    "public-key entries need a versioned_list layout",
                ));
            };
            if !algorithm.is_public_key()
                || self.algorithm.is_public_key()
                || self.algorithm == Algorithm::SharedToken
                || version.is_empty()
                || version.contains([',', ' '])
                || version == own
            {
                return Err(ConfigError::Inconsistent(
                    "public-key entries need their own version tag, a public-key algorithm, \
                     and a MAC for the scheme's own entries",
                ));
            }
        }
        if let (Some(Source::Field(id)), Some(Source::Field(ts))) = (&self.id, &self.timestamp)
            && paths_overlap(id, ts)
        {
            return Err(ConfigError::Inconsistent(
                "the id and timestamp fields are the same or one lies inside the other",
            ));
        }
        if content.uses_timestamp()
            && !matches!(self.timestamp, Some(Source::Headers(_) | Source::Param(_)))
        {
            return Err(ConfigError::Inconsistent(
                "{t} needs a timestamp header or signature parameter",
            ));
        }
        if !content.uses_timestamp()
            && matches!(self.timestamp, Some(Source::Headers(_) | Source::Param(_)))
        {
            // The window would check a value the sender of a captured request can change.
            return Err(ConfigError::Inconsistent(
                "the timestamp header or parameter is not signed: put {t} in the signed content, \
                 or read the timestamp from a body field",
            ));
        }
        if content.uses_id() && !matches!(self.id, Some(Source::Headers(_))) {
            return Err(ConfigError::Inconsistent("{id} needs an event-id header"));
        }
        if matches!(self.timestamp, Some(Source::Param(_)))
            && !matches!(self.layout, Layout::KeyValue { .. })
        {
            return Err(ConfigError::Inconsistent(
                "a timestamp parameter needs a key_value_list layout",
            ));
        }
        self.url_rules.validate(&content)?;
        if let Some(handshake) = &self.handshake {
            handshake.validate()?;
        }
        if self.timestamp.is_some() && self.recommended_ttl < self.window.span() {
            return Err(ConfigError::Inconsistent(
                "the replay TTL must cover the timestamp window",
            ));
        }
        let names = HeaderNames::new(&self.signature, self.timestamp.as_ref(), self.id.as_ref())?;
        Ok(Scheme {
            name: self.name.into(),
            algorithm: self.algorithm,
            names,
            layout: self.layout,
            encoding: self.encoding,
            id_required: self.id_required || content.uses_id(),
            content,
            timestamp: self.timestamp,
            unit: self.unit,
            id: self.id,
            id_digest: self.id_digest,
            secret_format: self.secret_format,
            window: self.window,
            recommended_ttl: self.recommended_ttl,
            docs: self.docs,
            handshake: self.handshake,
            url_rules: self.url_rules,
            public_entries: self.public_entries,
            signed_token: self.signed_token,
            malformed_is_unauthorized: self.malformed_is_unauthorized,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_mistakes_are_config_errors() {
        let base = || Scheme::builder("x").signature_header("X-Sig");
        assert_eq!(
            Scheme::builder("")
                .signature_header("a")
                .build()
                .unwrap_err(),
            ConfigError::EmptyName
        );
        assert!(matches!(
            Scheme::builder("x").build(),
            Err(ConfigError::InvalidHeaderName(_))
        ));
        assert!(matches!(
            base().signature_header("bad name").build(),
            Err(ConfigError::InvalidHeaderName(_))
        ));
        assert!(matches!(
            base().signed_content("{t}.{body}").build(),
            Err(ConfigError::Inconsistent(_))
        ));
        assert!(matches!(
            base()
                .signed_content("{t}.{body}")
                .timestamp_field("ts")
                .build(),
            Err(ConfigError::Inconsistent(_))
        ));
        assert!(matches!(
            base().signed_content("{id}.{body}").build(),
            Err(ConfigError::Inconsistent(_))
        ));
        assert!(matches!(
            base().timestamp_param("t").build(),
            Err(ConfigError::Inconsistent(_))
        ));
        // A timestamp the signature does not cover would let a replay pass the window.
        assert!(matches!(
            base().timestamp_header("X-Ts").build(),
            Err(ConfigError::Inconsistent(_))
        ));
        assert!(matches!(
            base()
                .key_value_list(',', '=', "v1")
                .timestamp_param("t")
                .build(),
            Err(ConfigError::Inconsistent(_))
        ));
        // A body-field timestamp is covered by the body's MAC.
        assert!(base().timestamp_field("ts").build().is_ok());
        assert!(matches!(
            base()
                .algorithm(Algorithm::SharedToken)
                .signed_content("x{body}")
                .build(),
            Err(ConfigError::Inconsistent(_))
        ));
        assert!(matches!(
            base().key_value_list(',', ',', "v1").build(),
            Err(ConfigError::Layout(_))
        ));
        assert!(matches!(
            base().versioned_list("").build(),
            Err(ConfigError::Layout(_))
        ));
        for bad in ["", ".", "event.", ".id", "a..b"] {
            assert_eq!(
                base().id_field(bad).build().unwrap_err(),
                ConfigError::EmptyField,
                "{bad:?}"
            );
        }
        assert!(base().id_field("a.b.c.d.e.f.g.h").build().is_ok());
        assert!(matches!(
            base().id_field("a.b.c.d.e.f.g.h.i").build(),
            Err(ConfigError::Inconsistent(_))
        ));
        for (id, ts) in [("event", "event"), ("event", "event.at"), ("e.id", "e")] {
            assert!(
                matches!(
                    base().id_field(id).timestamp_field(ts).build(),
                    Err(ConfigError::Inconsistent(_))
                ),
                "{id} {ts}"
            );
        }
        assert!(
            base()
                .id_field("event.id")
                .timestamp_field("event.occurred_at")
                .build()
                .is_ok()
        );
        assert!(matches!(
            base()
                .timestamp_header("t")
                .signed_content("{t}.{body}")
                .recommended_ttl(Duration::from_secs(60))
                .build(),
            Err(ConfigError::Inconsistent(_))
        ));
    }

    #[test]
    fn id_in_template_is_required() {
        let s = Scheme::builder("x")
            .signature_header("s")
            .id_header("i")
            .id_required(false)
            .signed_content("{id}{body}")
            .build()
            .unwrap();
        assert!(s.id_required);
    }
}
