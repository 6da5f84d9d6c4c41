//! What every topic shares: the fixed instant, the bodies, the providers' presets and
//! secrets, the case type and the [`Cases`] collector (with its tables for the case
//! families several providers share), and the helpers that sign a request and then change
//! one thing.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use hookshield_core::{
    Algorithm, Challenge, ConfigError, Handshake, IdOrigin, MAX_ID_LEN, PrivateKey, Reason,
    SchemeBuilder, Secret, SignOptions, Signer, presets,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;
use time::OffsetDateTime;

/// The instant every case is verified at (2023-11-14T22:13:20Z).
pub(crate) const NOW: i64 = 1_700_000_000;

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub(crate) const SW_BODY: &[u8] = br#"{"type":"invoice.paid","data":{"amount":42}}"#;
pub(crate) const STRIPE_BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"invoice.paid"}"#;
pub(crate) const HCP_BODY: &[u8] = br#"{"event_id":"webhook.event:abc123","event_action":"test"}"#;
pub(crate) const SLACK_BODY: &[u8] = br#"{"type":"event_callback","event_id":"Ev01","event":{}}"#;
pub(crate) const PLAIN_BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;
pub(crate) const PADDLE_BODY: &[u8] =
    br#"{"event_id":"evt_01hv8x","event_type":"transaction.paid","notification_id":"ntf_01"}"#;
pub(crate) const PAGERDUTY_BODY: &[u8] =
    br#"{"event":{"id":"01DEN","event_type":"incident.triggered","data":{"id":"PGR0VU2"}}}"#;
/// Not UTF-8 at all: bodies are bytes, and the signature covers them as they are.
pub(crate) const BINARY_BODY: &[u8] = b"\xff\xfe\x00\x80binary\xc3\x28\xf0\x28\x8c\xbc";

/// Stripe's signature header.
pub(crate) const SS: &str = "Stripe-Signature";
/// Civo's signature header.
pub(crate) const CS: &str = "X-Civo-Signature";
/// GitHub's signature header.
pub(crate) const GS: &str = "X-Hub-Signature-256";
/// Shopify's signature header.
pub(crate) const SH: &str = "X-Shopify-Hmac-Sha256";
/// The shared-token preset's header.
pub(crate) const TK: &str = "X-Webhook-Secret";

/// The seed of the Ed25519 key Discord signs with here (32 bytes of 0x2a, in hex).
const DISCORD_SEED: &str = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";
/// The scalar of the P-256 key SendGrid signs with here (32 bytes of 0x2b, in hex).
const SENDGRID_SCALAR: &str = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";
/// Discord's public key as its developer portal shows it (hex).
static DISCORD_PUBLIC: LazyLock<String> = LazyLock::new(|| {
    Preset::Discord
        .private_key()
        .unwrap()
        .public_key()
        .to_text()
});
/// SendGrid's public key as its dashboard shows it (base64 DER SubjectPublicKeyInfo).
static SENDGRID_PUBLIC: LazyLock<String> = LazyLock::new(|| {
    Preset::Sendgrid
        .private_key()
        .unwrap()
        .public_key()
        .to_text()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preset {
    Civo,
    Hcp,
    Github,
    Stripe,
    Slack,
    Shopify,
    StandardWebhooks,
    SharedToken,
    Paddle,
    Pagerduty,
    Linear,
    /// The Twitch-like RFC 3339 scheme the `rfc3339` topic builds.
    TwitchLike,
    Twilio,
    Square,
    Hubspot,
    Meta,
    Dropbox,
    Okta,
    Zoom,
    Twitch,
    /// GitHub's scheme with an app-described `GET` challenge that has a verify token:
    /// `GET ?mode=verify&token=…&echo=…`.
    CustomChallenge,
    /// Signs with an Ed25519 private key; verified with its public key.
    Discord,
    /// Signs with an ECDSA P-256 private key; verified with its public key.
    Sendgrid,
}

impl Preset {
    pub(crate) fn builder(self) -> SchemeBuilder {
        match self {
            Self::Civo => presets::civo(),
            Self::Hcp => presets::hcp(),
            Self::Github => presets::github(),
            Self::Stripe => presets::stripe(),
            Self::Slack => presets::slack(),
            Self::Shopify => presets::shopify(),
            Self::StandardWebhooks => presets::standard_webhooks(),
            Self::SharedToken => presets::shared_token("X-Webhook-Secret"),
            Self::Paddle => presets::paddle(),
            Self::Pagerduty => presets::pagerduty(),
            Self::Linear => presets::linear(),
            Self::TwitchLike => crate::rfc3339::twitch_like(),
            Self::Twilio => presets::twilio(),
            Self::Square => presets::square(),
            Self::Hubspot => presets::hubspot(),
            Self::Meta => presets::meta(),
            Self::Dropbox => presets::dropbox(),
            Self::Okta => presets::okta(),
            Self::Zoom => presets::zoom(),
            Self::Twitch => presets::twitch(),
            Self::CustomChallenge => presets::github().handshake(Handshake::custom(
                Challenge::get()
                    .when_query("mode", "verify")
                    .token_query("token")
                    .echo_query("echo"),
            )),
            Self::Discord => presets::discord(),
            Self::Sendgrid => presets::sendgrid(),
        }
    }

    /// The secret as the provider's dashboard shows it (for Discord and SendGrid, the
    /// public key).
    pub(crate) fn secret(self) -> &'static str {
        match self {
            Self::Civo => "civo-webhook-secret",
            Self::Hcp => "hcp-webhook-token",
            Self::Github => "github-webhook-secret",
            Self::Stripe => "whsec_stripe_text_secret",
            Self::Slack => "8f742231b10e8888abcd99yyyzzz85a5",
            Self::Shopify => "shopify-client-secret",
            Self::StandardWebhooks => SW_SECRET,
            Self::SharedToken => "shared-token-value",
            Self::Paddle => "pdl_ntfset_01hostile_hKkRiCGyyRhbFwIUuqiTBgI7",
            Self::Pagerduty => "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8l",
            Self::Linear => "lin_wh_hostile_secret",
            Self::TwitchLike => "twitch-like-secret",
            Self::Twilio => "twilio-auth-token",
            Self::Square => "square-signature-key",
            Self::Hubspot => "hubspot-client-secret",
            Self::Meta => "meta-app-secret",
            Self::Dropbox => "dropbox-app-secret",
            Self::Okta => "okta-shared-secret",
            Self::Zoom => "zoom-secret-token",
            Self::Twitch => "twitch-eventsub-secret",
            Self::CustomChallenge => "custom-challenge-secret",
            Self::Discord => DISCORD_PUBLIC.as_str(),
            Self::Sendgrid => SENDGRID_PUBLIC.as_str(),
        }
    }

    /// The private key the provider signs with, for presets that sign with one.
    pub(crate) fn private_key(self) -> Option<PrivateKey> {
        let (algorithm, text) = match self {
            Self::Discord => (Algorithm::Ed25519, DISCORD_SEED),
            Self::Sendgrid => (Algorithm::EcdsaP256Sha256, SENDGRID_SCALAR),
            _ => return None,
        };
        Some(PrivateKey::parse(algorithm, text).unwrap())
    }

    /// The provider's signer: with its private key, or its secret.
    pub(crate) fn signer(self) -> Signer {
        match self.private_key() {
            Some(key) => Signer::with_private_key(self.builder(), key).unwrap(),
            None => Signer::new(self.builder(), self.key()).unwrap(),
        }
    }

    /// The key bytes behind [`secret`](Self::secret).
    pub(crate) fn key(self) -> Secret {
        self.builder()
            .build()
            .unwrap()
            .parse_secret(self.secret())
            .unwrap()
    }
}

pub(crate) type Pairs = Vec<(String, Vec<u8>)>;

pub(crate) enum Headers {
    /// The slice-of-pairs form (values are raw bytes).
    Pairs(Pairs),
    /// `http::HeaderMap`, for obs-text bytes and repeated values as `http` holds them.
    Map(HeaderMap),
}

#[derive(Debug, Clone)]
pub(crate) enum Expect {
    /// Verifies, and is no handshake; the event id (`None`: a `sha256:` digest) and where
    /// it came from.
    Accept(Option<String>, IdOrigin),
    /// Refused with this reason.
    Reject(Reason),
    /// The verifier cannot even be built.
    Config(ConfigError),
    /// A handshake, answered 200 with this `Content-Type` and body (and `nosniff`): an
    /// unsigned `GET` challenge before verification, or a signed one after.
    Reply(&'static str, String),
}

/// How the verifier is configured besides its secret and clock.
#[derive(Debug, Clone, Default)]
pub(crate) struct Setup {
    pub(crate) public_url: Option<&'static str>,
    pub(crate) trust_forwarded: bool,
    pub(crate) handshake_token: Option<String>,
}

impl Setup {
    /// A public URL, forwarded headers ignored.
    pub(crate) fn public(url: &'static str) -> Self {
        Self {
            public_url: Some(url),
            ..Self::default()
        }
    }

    /// Forwarded headers trusted, with or without a public URL.
    pub(crate) fn trusting(url: Option<&'static str>) -> Self {
        Self {
            public_url: url,
            trust_forwarded: true,
            ..Self::default()
        }
    }

    /// A verify token for `GET` challenges.
    pub(crate) fn token(token: &str) -> Self {
        Self {
            handshake_token: Some(token.to_owned()),
            ..Self::default()
        }
    }
}

pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) preset: Preset,
    /// The secret text given to the verifier.
    pub(crate) secret: String,
    pub(crate) setup: Setup,
    /// The method and target the request is received with: it goes through the
    /// challenge check, then `verify_request`. `None`: `verify` alone.
    pub(crate) request: Option<(String, String)>,
    pub(crate) headers: Headers,
    pub(crate) body: Vec<u8>,
    pub(crate) expect: Expect,
}

impl Case {
    /// A case verified with `verify` alone, by a verifier with `preset`'s own secret.
    pub(crate) fn new(
        name: &'static str,
        preset: Preset,
        headers: impl Into<Headers>,
        body: &[u8],
        expect: Expect,
    ) -> Self {
        Self {
            name,
            preset,
            secret: preset.secret().to_owned(),
            setup: Setup::default(),
            request: None,
            headers: headers.into(),
            body: body.to_vec(),
            expect,
        }
    }

    /// Received as `method target`.
    pub(crate) fn at(mut self, method: &str, target: &str) -> Self {
        self.request = Some((method.to_owned(), target.to_owned()));
        self
    }

    /// By a verifier configured so.
    pub(crate) fn setup(mut self, setup: Setup) -> Self {
        self.setup = setup;
        self
    }
}

impl From<Pairs> for Headers {
    fn from(pairs: Pairs) -> Self {
        Self::Pairs(pairs)
    }
}

/// The cases a topic collects, in catalogue order. Every case but [`config`](Self::config)
/// ones is verified with its preset's own secret.
#[derive(Default)]
pub(crate) struct Cases(Vec<Case>);

impl Cases {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// One case: `headers` (pairs, or a [`map`]) and `body` sent to `preset`.
    pub(crate) fn add(
        &mut self,
        name: &'static str,
        preset: Preset,
        headers: impl Into<Headers>,
        body: &[u8],
        expect: Expect,
    ) {
        self.0.push(Case::new(name, preset, headers, body, expect));
    }

    /// One case built by hand (a request, a setup).
    pub(crate) fn push(&mut self, case: Case) {
        self.0.push(case);
    }

    /// One case per `(name, headers, expect)` row, each sending `body` to `preset`.
    pub(crate) fn table<H: Into<Headers>>(
        &mut self,
        preset: Preset,
        body: &[u8],
        rows: impl IntoIterator<Item = (&'static str, H, Expect)>,
    ) {
        for (name, headers, expect) in rows {
            self.add(name, preset, headers, body, expect);
        }
    }

    /// One case per `(name, value, expect)` row: `headers` with `header` set to the value
    /// (see [`with`]), each sending `body` to `preset`.
    pub(crate) fn values<V: AsRef<[u8]>>(
        &mut self,
        preset: Preset,
        headers: &Pairs,
        header: &str,
        body: &[u8],
        rows: impl IntoIterator<Item = (&'static str, V, Expect)>,
    ) {
        for (name, value, expect) in rows {
            let changed = with(headers.clone(), header, value);
            self.add(name, preset, changed, body, expect);
        }
    }

    /// Like [`values`](Self::values), every row refused for `reason`.
    pub(crate) fn values_refused<V: AsRef<[u8]>>(
        &mut self,
        preset: Preset,
        headers: &Pairs,
        header: &str,
        body: &[u8],
        reason: Reason,
        rows: impl IntoIterator<Item = (&'static str, V)>,
    ) {
        let rows = rows
            .into_iter()
            .map(|(name, value)| (name, value, reject(reason)));
        self.values(preset, headers, header, body, rows);
    }

    /// `body` with the headers `preset` signs it with at [`NOW`] (see [`baseline`]).
    pub(crate) fn signed(
        &mut self,
        name: &'static str,
        preset: Preset,
        body: &[u8],
        expect: Expect,
    ) {
        self.add(name, preset, baseline(preset, body), body, expect);
    }

    /// One case per `(name, body, expect)` row, each [`signed`](Self::signed).
    pub(crate) fn signed_bodies<B: AsRef<[u8]>>(
        &mut self,
        preset: Preset,
        rows: impl IntoIterator<Item = (&'static str, B, Expect)>,
    ) {
        for (name, body, expect) in rows {
            self.signed(name, preset, body.as_ref(), expect);
        }
    }

    /// One case per `(name, offset, expect)` row: `body` with the headers `preset` signs it
    /// with `offset` seconds from [`NOW`] (id `msg_1`).
    pub(crate) fn signed_at(
        &mut self,
        preset: Preset,
        body: &[u8],
        rows: impl IntoIterator<Item = (&'static str, i64, Expect)>,
    ) {
        for (name, offset, expect) in rows {
            let headers = sign(preset, body, offset, "msg_1");
            self.add(name, preset, headers, body, expect);
        }
    }

    /// `body` signed at [`NOW`] with `key` instead of the preset's own secret: a mismatch.
    pub(crate) fn other_key(
        &mut self,
        name: &'static str,
        preset: Preset,
        key: Secret,
        body: &[u8],
    ) {
        let headers = sign_with(preset, key, body, 0, "msg_1");
        let expect = reject(Reason::SignatureMismatch);
        self.add(name, preset, headers, body, expect);
    }

    /// The URL-safe base64 alphabet, for a `preset` whose signature (in `header`) is
    /// base64: a signature that has `+` or `/` rewritten with `-` and `_` is refused
    /// (`names[0]`); the same request left in the standard alphabet, the control, verifies
    /// (`names[1]`).
    pub(crate) fn url_safe_alphabet(
        &mut self,
        preset: Preset,
        header: &str,
        names: [&'static str; 2],
    ) {
        let (headers, body) = signed_with_b64_specials(preset, header);
        let rewritten = url_safe(&get_str(&headers, header));
        let [url_safe_name, control_name] = names;
        self.add(
            url_safe_name,
            preset,
            with(headers.clone(), header, rewritten),
            &body,
            reject(Reason::SignatureEncoding),
        );
        self.add(control_name, preset, headers, &body, accept_baseline());
    }

    /// A verifier for `preset` given `secret`, which cannot even be built.
    pub(crate) fn config(
        &mut self,
        name: &'static str,
        preset: Preset,
        secret: &str,
        want: ConfigError,
    ) {
        let mut case = Case::new(name, preset, Vec::new(), b"", Expect::Config(want));
        case.secret = secret.to_owned();
        self.0.push(case);
    }

    pub(crate) fn into_vec(self) -> Vec<Case> {
        self.0
    }
}

pub(crate) fn at(offset: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOW.checked_add(offset).unwrap()).unwrap()
}

pub(crate) fn accept(id: &str, origin: IdOrigin) -> Expect {
    Expect::Accept(Some(id.to_owned()), origin)
}

/// Verifies with the id the [`baseline`] is signed with (`msg_1`), read from its header.
pub(crate) fn accept_baseline() -> Expect {
    accept("msg_1", IdOrigin::Header)
}

pub(crate) fn digest() -> Expect {
    Expect::Accept(None, IdOrigin::Digest)
}

pub(crate) fn reject(reason: Reason) -> Expect {
    Expect::Reject(reason)
}

/// The headers `signer` sends for `body`, signed `offset` seconds from [`NOW`].
fn sign_by(signer: &Signer, body: &[u8], offset: i64, id: &str) -> Pairs {
    signer
        .sign(body, &SignOptions::new().timestamp(at(offset)).id(id))
        .unwrap()
        .into_vec()
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect()
}

/// The headers `preset` sends for `body`, signed `offset` seconds from [`NOW`] with `key`.
fn sign_with(preset: Preset, key: Secret, body: &[u8], offset: i64, id: &str) -> Pairs {
    sign_by(
        &Signer::new(preset.builder(), key).unwrap(),
        body,
        offset,
        id,
    )
}

/// The headers `preset` sends for `body`, signed at [`NOW`] (id `msg_1`) with another
/// private `key` than its own.
pub(crate) fn sign_with_private(preset: Preset, key: PrivateKey, body: &[u8]) -> Pairs {
    let signer = Signer::with_private_key(preset.builder(), key).unwrap();
    sign_by(&signer, body, 0, "msg_1")
}

pub(crate) fn sign(preset: Preset, body: &[u8], offset: i64, id: &str) -> Pairs {
    sign_by(&preset.signer(), body, offset, id)
}

/// The headers `preset` sends for `body` to the full `url` with `method`, signed at
/// [`NOW`] (id `msg_1`).
pub(crate) fn sign_request(preset: Preset, method: &str, url: &str, body: &[u8]) -> Pairs {
    sign_request_at(preset, method, url, body, 0)
}

/// [`sign_request`], signed `offset` seconds from [`NOW`].
pub(crate) fn sign_request_at(
    preset: Preset,
    method: &str,
    url: &str,
    body: &[u8],
    offset: i64,
) -> Pairs {
    let options = SignOptions::new()
        .timestamp(at(offset))
        .id("msg_1")
        .url(url)
        .method(method);
    preset
        .signer()
        .sign(body, &options)
        .unwrap()
        .into_vec()
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect()
}

/// `url` with `preset`'s body-hash parameter for `body` (Twilio's `bodySHA256`).
pub(crate) fn url_with_body_hash(preset: Preset, url: &str, body: &[u8]) -> String {
    preset.signer().url_with_body_hash(url, body).unwrap()
}

/// The headers `preset` sends for `body` at [`NOW`], id `msg_1`.
pub(crate) fn baseline(preset: Preset, body: &[u8]) -> Pairs {
    sign(preset, body, 0, "msg_1")
}

/// The Standard Webhooks baseline: the [`baseline`] headers for [`SW_BODY`], their
/// `webhook-signature` value, and the base64 of that value (after `v1,`).
pub(crate) struct SwBaseline {
    pub(crate) headers: Pairs,
    pub(crate) sig: String,
    pub(crate) b64: String,
}

impl SwBaseline {
    pub(crate) fn new() -> Self {
        let headers = baseline(Preset::StandardWebhooks, SW_BODY);
        let sig = get_str(&headers, "webhook-signature");
        let b64 = sig.strip_prefix("v1,").unwrap().to_owned();
        Self { headers, sig, b64 }
    }
}

/// A JSON body whose `field` is a string one byte over [`MAX_ID_LEN`].
pub(crate) fn id_over_max_len(field: &str) -> Vec<u8> {
    let id = "e".repeat(MAX_ID_LEN.checked_add(1).unwrap());
    format!("{{\"{field}\":\"{id}\"}}").into_bytes()
}

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Standard Webhooks headers built by hand, for timestamps no `OffsetDateTime` can hold and
/// for timestamps written with leading zeros (signed exactly as sent).
pub(crate) fn sw_raw(id: &str, t: &str, body: &[u8]) -> Pairs {
    let key = Preset::StandardWebhooks.key();
    let mac = hmac256(
        key.expose(),
        &[id.as_bytes(), b".", t.as_bytes(), b".", body],
    );
    vec![
        ("webhook-id".to_owned(), id.as_bytes().to_vec()),
        ("webhook-timestamp".to_owned(), t.as_bytes().to_vec()),
        (
            "webhook-signature".to_owned(),
            format!("v1,{}", B64.encode(mac)).into_bytes(),
        ),
    ]
}

/// The hex HMAC-SHA256 of `parts` under `preset`'s key, for headers built by hand.
pub(crate) fn hmac_hex(preset: Preset, parts: &[&[u8]]) -> String {
    const_hex::encode(hmac256(preset.key().expose(), parts))
}

/// The base64 HMAC-SHA256 of `parts` under `preset`'s key, for headers built by hand.
pub(crate) fn hmac_b64(preset: Preset, parts: &[&[u8]]) -> String {
    B64.encode(hmac256(preset.key().expose(), parts))
}

/// A Stripe header built by hand for timestamp `t` (sent as is).
pub(crate) fn stripe_raw(t: &str, body: &[u8]) -> Pairs {
    let mac = hmac256(
        Preset::Stripe.secret().as_bytes(),
        &[t.as_bytes(), b".", body],
    );
    vec![(
        "Stripe-Signature".to_owned(),
        format!("t={t},v1={}", const_hex::encode(mac)).into_bytes(),
    )]
}

/// Every value of header `name` (ASCII case-insensitive).
fn get(h: &Pairs, name: &str) -> Vec<u8> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap()
}

pub(crate) fn get_str(h: &Pairs, name: &str) -> String {
    String::from_utf8(get(h, name)).unwrap()
}

/// Replaces the value of `name` (adds the header when absent).
pub(crate) fn with(mut h: Pairs, name: &str, value: impl AsRef<[u8]>) -> Pairs {
    h.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    h.push((name.to_owned(), value.as_ref().to_vec()));
    h
}

pub(crate) fn without(mut h: Pairs, name: &str) -> Pairs {
    h.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    h
}

/// Adds one more value of `name`, keeping the existing ones.
pub(crate) fn plus(mut h: Pairs, name: &str, value: impl AsRef<[u8]>) -> Pairs {
    h.push((name.to_owned(), value.as_ref().to_vec()));
    h
}

/// Renames every header starting with `from` to start with `to` instead.
pub(crate) fn renamed(h: Pairs, from: &str, to: &str) -> Pairs {
    h.into_iter()
        .map(|(k, v)| match k.strip_prefix(from) {
            Some(rest) => (format!("{to}{rest}"), v),
            None => (k, v),
        })
        .collect()
}

/// The pairs as an `http::HeaderMap` (repeated names appended), or `None` when `http`
/// refuses a name or value (control characters).
pub(crate) fn to_map(h: &Pairs) -> Option<HeaderMap> {
    let mut map = HeaderMap::new();
    for (k, v) in h {
        let name = HeaderName::from_bytes(k.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(v).ok()?;
        map.append(name, value);
    }
    Some(map)
}

/// Like [`to_map`], for values `http` must accept (obs-text, tab).
pub(crate) fn map(h: &Pairs) -> Headers {
    Headers::Map(to_map(h).expect("http accepts these header bytes"))
}

/// A body whose `preset` signature (in `header`) contains `+` or `/`, so that the URL-safe
/// base64 alphabet differs, with its headers.
fn signed_with_b64_specials(preset: Preset, header: &str) -> (Pairs, Vec<u8>) {
    (0u32..)
        .map(|n| {
            let body = format!("{{\"n\":{n}}}").into_bytes();
            (baseline(preset, &body), body)
        })
        .find(|(h, _)| {
            let sig = get(h, header);
            sig.contains(&b'+') || sig.contains(&b'/')
        })
        .unwrap()
}

fn url_safe(text: &str) -> String {
    text.replace('+', "-").replace('/', "_")
}

/// Inserts `insert` in the middle of `text`.
pub(crate) fn split_with(text: &str, insert: &str) -> String {
    let (a, b) = text.split_at(text.len() / 2);
    format!("{a}{insert}{b}")
}
