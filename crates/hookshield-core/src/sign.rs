//! The signer: the headers a provider would send with a body. For tests, examples, the CLI
//! and services that send webhooks themselves.

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::error::{ConfigError, Reason};
use crate::headers::HeaderLookup;
use crate::keys::private_key::PrivateKey;
use crate::request::{PublicUrl, RequestContext};
use crate::scheme::Scheme;
use crate::scheme::algorithm::{Algorithm, Keyed};
use crate::scheme::builder::SchemeBuilder;
use crate::scheme::value_source::Source;
use crate::secret::Secret;
use crate::verify::clock::{Clock, SystemClock};
use crate::verify::request_inputs::RequestInputs;
use crate::verify::verifier::{MAX_ID_LEN, MAX_SECRETS};
use crate::verify::window;

/// What to sign a body with besides the secret: the timestamp and the event id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct SignOptions {
    timestamp: Option<OffsetDateTime>,
    id: Option<String>,
    url: Option<String>,
    method: Option<String>,
    key_id: Option<String>,
}

impl SignOptions {
    /// Signs "now" (the signer's clock) with a fresh random (UUID v4) event id.
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs as of this instant.
    pub fn timestamp(mut self, at: OffsetDateTime) -> Self {
        self.timestamp = Some(at);
        self
    }

    /// Uses this event id (for schemes that send one in a header).
    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_owned());
        self
    }

    /// The full URL the request is sent to (`https://host/path?query`), for schemes that
    /// sign it (Twilio, Square, HubSpot).
    pub fn url(mut self, url: &str) -> Self {
        self.url = Some(url.to_owned());
        self
    }

    /// The key id a signed token names (Plaid's `kid`; default: the public key's
    /// fingerprint).
    pub fn key_id(mut self, key_id: &str) -> Self {
        self.key_id = Some(key_id.to_owned());
        self
    }

    /// The request method, for schemes that sign it (default `POST`).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }
}

/// Produces the headers a provider would send for a body.
///
/// ```
/// use hookshield_core::{presets, Secret, SignOptions, Signer};
/// use time::OffsetDateTime;
///
/// let key = Secret::from_prefixed_base64("whsec_", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let at = OffsetDateTime::from_unix_timestamp(1_614_265_330).unwrap();
/// let headers = Signer::new(presets::standard_webhooks(), key)?
///     .sign(br#"{"test": 2432232314}"#, &SignOptions::new().timestamp(at).id("msg_p5jXN8AQM9LWM0D4loKWxJek"))?;
/// assert_eq!(
///     headers.get("webhook-signature"),
///     Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
/// );
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    scheme: Arc<Scheme>,
    keys: Vec<SignKey>,
    clock: Arc<dyn Clock>,
}

/// A key the signer signs with.
#[derive(Clone)]
enum SignKey {
    /// A MAC or shared token.
    Shared(Box<Keyed>),
    /// A private key, and the kind of entry its signatures go in (0: the scheme's own
    /// algorithm; 1: its public-key entries, `v1a`).
    Private(Arc<PrivateKey>, u8),
}

impl Signer {
    /// A signer for `scheme` with one secret.
    pub fn new(scheme: SchemeBuilder, secret: Secret) -> Result<Self, ConfigError> {
        let scheme = scheme.build()?;
        let key = SignKey::Shared(Box::new(keyed(&scheme, &secret)?));
        Ok(Self::of(scheme, key))
    }

    fn of(scheme: Scheme, key: SignKey) -> Self {
        Self {
            scheme: Arc::new(scheme),
            keys: vec![key],
            clock: Arc::new(SystemClock),
        }
    }

    /// One more key, for a list layout, within [`MAX_SECRETS`].
    fn and(
        mut self,
        key: impl FnOnce(&Scheme) -> Result<SignKey, ConfigError>,
    ) -> Result<Self, ConfigError> {
        if !self.scheme.layout.is_list() {
            return Err(ConfigError::Inconsistent(
                "this scheme's header carries one signature",
            ));
        }
        if self.keys.len() == MAX_SECRETS {
            return Err(ConfigError::TooManySecrets);
        }
        let key = key(&self.scheme)?;
        self.keys.push(key);
        Ok(self)
    }

    /// Also signs with `secret`, as a provider does while a secret is being rotated: one
    /// more signature in the list. Only for list layouts (Stripe, Standard Webhooks).
    pub fn with_secret(self, secret: Secret) -> Result<Self, ConfigError> {
        self.and(|scheme| Ok(SignKey::Shared(Box::new(keyed(scheme, &secret)?))))
    }

    /// A signer for a scheme that signs with a private key (Discord, SendGrid), or for a
    /// scheme's public-key entries (Standard Webhooks `v1a`).
    ///
    /// ```
    /// use hookshield_core::{presets, Algorithm, PrivateKey, SignOptions, Signer, Verifier};
    ///
    /// let key = PrivateKey::generate(Algorithm::Ed25519)?;
    /// let verifier = Verifier::builder(presets::discord()).public_key(key.public_key()).build()?;
    /// let body = br#"{"id":"1","token":"t","type":2}"#;
    /// let headers = Signer::with_private_key(presets::discord(), key)?.sign(body, &SignOptions::new())?;
    /// assert!(verifier.verify(&headers, body).is_ok());
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn with_private_key(scheme: SchemeBuilder, key: PrivateKey) -> Result<Self, ConfigError> {
        let scheme = scheme.build()?;
        let slot = scheme.key_pair_slot(key.algorithm())?;
        Ok(Self::of(scheme, SignKey::Private(Arc::new(key), slot)))
    }

    /// Also signs with `key`: one more signature in the list (Standard Webhooks: a `v1a`
    /// entry beside the `v1` one, as a sender moving to public keys sends both).
    pub fn also_private_key(self, key: PrivateKey) -> Result<Self, ConfigError> {
        self.and(|scheme| {
            let slot = scheme.key_pair_slot(key.algorithm())?;
            Ok(SignKey::Private(Arc::new(key), slot))
        })
    }

    /// The clock used when [`SignOptions`] gives no timestamp.
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The scheme.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The headers for `body`: signature, and the timestamp and event-id headers the scheme
    /// reads (fields the scheme reads from the body are the body's business).
    pub fn sign(&self, body: &[u8], options: &SignOptions) -> Result<SignedHeaders, ConfigError> {
        let scheme = &*self.scheme;
        let at = options.timestamp.unwrap_or_else(|| self.clock.now());
        if scheme.signed_token {
            return self.sign_token(body, options, at);
        }
        let timestamp = window::format(at, scheme.unit).ok_or(ConfigError::Inconsistent(
            "this instant cannot be sent in the scheme's timestamp format \
             (before 1970 as a Unix time, or outside years 0 to 9999 in UTC)",
        ))?;
        let id = options
            .id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        // HTTP trims whitespace around header values, so such an id would not arrive as signed.
        let trimmed = id.trim_matches([' ', '\t']) == id;
        if id.is_empty() || !trimmed || id.len() > MAX_ID_LEN || id.chars().any(char::is_control) {
            return Err(ConfigError::InvalidId);
        }
        let inputs = self.request_inputs(body, options)?;
        let url = inputs.url.as_str();
        let mut headers = Vec::with_capacity(3);
        if let Some(Source::Headers(names)) = &scheme.id {
            headers.push((first(names), id.clone()));
        }
        if let Some(Source::Headers(names)) = &scheme.timestamp {
            headers.push((first(names), timestamp.clone()));
        }
        let parts = || {
            scheme
                .content
                .parts(inputs.content(url, timestamp.as_bytes(), id.as_bytes(), body))
        };
        let signatures: Vec<(u8, String)> = self
            .keys
            .iter()
            .map(|key| match key {
                SignKey::Shared(keyed) => match keyed.token() {
                    Some(token) => (0, String::from_utf8_lossy(token.expose()).into_owned()),
                    None => (0, scheme.encoding.encode(keyed.compute(parts()).as_slice())),
                },
                SignKey::Private(key, slot) => (*slot, scheme.encoding.encode(&key.sign(parts()))),
            })
            .collect();
        let alt = scheme
            .public_entries
            .as_ref()
            .map(|(version, _)| version.as_ref());
        let param = match &scheme.timestamp {
            Some(Source::Param(key)) => Some((&**key, timestamp.as_str())),
            _ => None,
        };
        headers.push((
            scheme.signature_header().to_owned(),
            scheme.layout.render(&signatures, alt, param),
        ));
        Ok(SignedHeaders { headers })
    }

    /// Plaid's header: an ES256 JWT over `iat` and the body's SHA-256.
    fn sign_token(
        &self,
        body: &[u8],
        options: &SignOptions,
        at: OffsetDateTime,
    ) -> Result<SignedHeaders, ConfigError> {
        use base64::Engine as _;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let Some(SignKey::Private(key, _)) = self.keys.first() else {
            return Err(ConfigError::KeyKind(
                "a signed token needs a P-256 private key",
            ));
        };
        let kid = options
            .key_id
            .clone()
            .unwrap_or_else(|| key.public_key().fingerprint());
        let header = serde_json::json!({ "alg": "ES256", "kid": kid, "typ": "JWT" });
        let hash = const_hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body));
        let claims = serde_json::json!({ "iat": at.unix_timestamp(), "request_body_sha256": hash });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = key
            .sign_es256(signing_input.as_bytes())
            .ok_or(ConfigError::KeyKind(
                "a signed token needs a P-256 private key",
            ))?;
        let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature));
        Ok(SignedHeaders {
            headers: vec![(self.scheme.signature_header().to_owned(), token)],
        })
    }

    /// `url` with the scheme's body-hash parameter (Twilio's `bodySHA256`) appended for
    /// `body`: the URL to send a JSON body to. `url` as it is when its query has the
    /// parameter already; `None` for a scheme without one.
    ///
    /// ```
    /// use hookshield_core::{presets, Secret, Signer};
    ///
    /// let signer = Signer::new(presets::twilio(), Secret::from_text("12345")?)?;
    /// let url = signer.url_with_body_hash("https://mycompany.com/myapp.php?foo=1&bar=2", br#"{"property": "value", "boolean": true}"#);
    /// assert_eq!(url.as_deref(), Some("https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"));
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn url_with_body_hash(&self, url: &str, body: &[u8]) -> Option<String> {
        let name = self.scheme.url_rules.body_hash_param.as_deref()?;
        let query = url.split_once('?').map(|(_, query)| query);
        if !matches!(crate::request::query::param(query, name), Ok(None)) {
            return Some(url.to_owned());
        }
        let hash = crate::verify::request_inputs::body_hash(body);
        let separator = if url.contains('?') { '&' } else { '?' };
        Some(format!("{url}{separator}{name}={hash}"))
    }

    /// The request's share of the signed content, from the options' URL and method.
    fn request_inputs(
        &self,
        body: &[u8],
        options: &SignOptions,
    ) -> Result<RequestInputs, ConfigError> {
        let scheme = &*self.scheme;
        if !scheme.content.uses_request() && !scheme.content.uses_form() {
            return Ok(RequestInputs::default());
        }
        let method = options.method.as_deref().unwrap_or("POST");
        let split = match (&options.url, scheme.content.uses_url()) {
            (Some(url), _) => Some(PublicUrl::split(url)?),
            (None, true) => {
                return Err(ConfigError::Inconsistent(
                    "this scheme signs the URL: set SignOptions::url",
                ));
            }
            (None, false) => None,
        };
        let (base, target) = split.map_or((None, String::from("/")), |(b, t)| (Some(b), t));
        let request = RequestContext::new(method, &target);
        RequestInputs::gather(scheme, base.as_ref(), Some(&request), body, false).map_err(
            |reason| match reason {
                Reason::FormSyntax => {
                    ConfigError::Inconsistent("the body has more form fields than are read")
                }
                _ => ConfigError::Inconsistent("the URL repeats the body-hash parameter"),
            },
        )
    }
}

/// The signing key for `secret`. A shared token travels as a header value, so it must be
/// visible ASCII (inner spaces allowed) to arrive as it was sent.
fn keyed(scheme: &Scheme, secret: &Secret) -> Result<Keyed, ConfigError> {
    let token = secret.expose();
    let sendable = token.iter().all(|&b| b == b' ' || b.is_ascii_graphic())
        && token.first().is_some_and(u8::is_ascii_graphic)
        && token.last().is_some_and(u8::is_ascii_graphic);
    if scheme.algorithm == Algorithm::SharedToken && !sendable {
        return Err(ConfigError::SecretEncoding);
    }
    Keyed::new(scheme.algorithm, secret)
}

/// The first of a header's names: the one a signer sends.
fn first(names: &[Box<str>]) -> String {
    names.first().map(ToString::to_string).unwrap_or_default()
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme.name)
            .field("secrets", &format_args!("{} (REDACTED)", self.keys.len()))
            .finish()
    }
}

/// Headers produced by a [`Signer`], in the order a provider would send them. Usable
/// directly as a [`HeaderLookup`]. `Debug` shows the header names only: for shared-token schemes
/// the value is the secret itself.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    headers: Vec<(String, String)>,
}

impl SignedHeaders {
    /// The value of header `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `(name, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The pairs, owned.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.headers
    }
}

impl HeaderLookup for SignedHeaders {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers.header_values(name)
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.headers.iter().map(|(k, _)| k))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn ids_that_would_not_arrive_as_signed_are_refused() {
        let signer = Signer::new(presets::civo(), Secret::from_text("k").unwrap()).unwrap();
        for id in ["", " ", " evt", "evt ", "a\u{7}b"] {
            let err = signer.sign(b"{}", &SignOptions::new().id(id)).unwrap_err();
            assert_eq!(err, ConfigError::InvalidId, "{id:?}");
        }
        assert!(signer.sign(b"{}", &SignOptions::new().id("evt 1")).is_ok());
    }

    #[test]
    fn shared_tokens_must_be_sendable_as_header_values() {
        let token = |bytes: &[u8]| {
            Signer::new(
                presets::shared_token("X-Token"),
                Secret::from_bytes(bytes).unwrap(),
            )
        };
        for bad in [&[0xff, b'a'][..], b" tok", b"tok\n", b"t\x00k"] {
            assert_eq!(
                token(bad).unwrap_err(),
                ConfigError::SecretEncoding,
                "{bad:?}"
            );
        }
        assert!(token(b"tok en").is_ok());
        // HMAC keys are bytes: anything goes.
        assert!(Signer::new(presets::civo(), Secret::from_bytes([0xff, 0]).unwrap()).is_ok());
    }
}
