//! Ready-made schemes for well-known providers.
//!
//! Each function returns a [`SchemeBuilder`], so a preset can still be adjusted (a wider
//! window, another id header) before it is built. Every preset is tested, in the tests
//! beside it, against the provider's published example where one exists (GitHub, Slack,
//! Standard Webhooks/Svix), and otherwise against values computed independently exactly as
//! the provider's documentation describes (Civo, HCP, Stripe, Shopify).
//!
//! | preset | signature | signed | id | window | replay TTL |
//! | --- | --- | --- | --- | --- | --- |
//! | [`civo`] | `X-Civo-Signature`: hex HMAC-SHA1 | body | `X-Civo-Event` | — | 12 h |
//! | [`hcp`] | `X-HCP-Webhook-Signature`: hex HMAC-SHA512 | body | body `event_id` | — | 24 h |
//! | [`shared_token`] | the named header carries the secret | — | digest of the body | — | 24 h |
//! | [`github`] | `X-Hub-Signature-256`: `sha256=`hex HMAC-SHA256 | body | `X-GitHub-Delivery` | — | 72 h |
//! | [`stripe`] | `Stripe-Signature`: `t=…,v1=<hex>` | `{t}.{body}` | body `id` | ±300 s | 96 h |
//! | [`slack`] | `X-Slack-Signature`: `v0=`hex | `v0:{t}:{body}` | body `event_id`, else digest | ±300 s | 2 h |
//! | [`shopify`] | `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 | body | `X-Shopify-Webhook-Id` | — | 72 h |
//! | [`standard_webhooks`] | `webhook-signature` (or `svix-`): `v1,<b64>` list | `{id}.{t}.{body}` | `webhook-id` | ±300 s | 96 h |
//! | [`paddle`] | `Paddle-Signature`: `ts=…;h1=<hex>` | `{t}:{body}` | body `event_id` | −5 s/+60 s | 96 h |
//! | [`linear`] | `Linear-Signature`: hex HMAC-SHA256 | body | `Linear-Delivery`, else digest | ±60 s on body `webhookTimestamp` (ms) | 24 h |
//! | [`pagerduty`] | `X-PagerDuty-Signature`: `v1=<hex>` list | body | body `event.id` | — | 72 h |
//! | [`calendly`] | `Calendly-Webhook-Signature`: `t=…,v1=<hex>` | `{t}.{body}` | digest of the body | ±180 s | 48 h |
//! | [`intercom`] | `X-Hub-Signature`: `sha1=`hex HMAC-SHA1 | body | body `id` | — | 48 h |
//! | [`bitbucket`] | `X-Hub-Signature`: `sha256=`hex HMAC-SHA256 | body | digest of the body | — | 24 h |
//! | [`gitlab`] | `X-Gitlab-Token` carries the secret | — | `Idempotency-Key`, else digest | — | 72 h |
//! | [`vercel`] | `x-vercel-signature`: hex HMAC-SHA1 | body | body `id` | — | 48 h |
//! | [`sentry`] | `Sentry-Hook-Signature`: hex HMAC-SHA256 | body | digest of the body | — (its timestamp is not signed) | 1 h |
//! | [`typeform`] | `Typeform-Signature`: `sha256=`base64 HMAC-SHA256 | body | body `event_id` | — | 24 h |
//! | [`clerk`] | `svix-signature` (or `webhook-`): `v1,<b64>` list | `{id}.{t}.{body}` | `svix-id` | ±300 s | 96 h |
//! | [`resend`] | `svix-signature` (or `webhook-`): `v1,<b64>` list | `{id}.{t}.{body}` | `svix-id` | ±300 s | 96 h |
//! | [`twilio`] | `X-Twilio-Signature`: base64 HMAC-SHA1 | `{url}{form}` (JSON: URL with `bodySHA256`) | `I-Twilio-Idempotency-Token`, else digest | — | 24 h |
//! | [`square`] | `x-square-hmacsha256-signature`: base64 HMAC-SHA256 | `{url}{body}` | body `event_id` | — | 72 h |
//! | [`hubspot`] | `X-HubSpot-Signature-v3`: base64 HMAC-SHA256 | `{method}{url}{body}{t}` | digest of the body | ±300 s (ms) | 48 h |
//! | [`meta`] | `X-Hub-Signature-256`: `sha256=`hex HMAC-SHA256 | body | digest of the body | — | 48 h |
//! | [`dropbox`] | `X-Dropbox-Signature`: hex HMAC-SHA256 | body | digest of the body | — | 24 h |
//! | [`okta`] | `Authorization` carries the secret | — | body `eventId` | — | 24 h |
//! | [`zoom`] | `x-zm-signature`: `v0=`hex HMAC-SHA256 | `v0:{t}:{body}` | digest of the body | ±300 s | 24 h |
//! | [`twitch`] | `Twitch-Eventsub-Message-Signature`: `sha256=`hex | `{id}{t}{body}` | `Twitch-Eventsub-Message-Id` | ±600 s (RFC 3339) | 24 h |
//! | [`discord`] | `X-Signature-Ed25519`: hex Ed25519 (public key) | `{t}{body}` | body `id`, else digest of the body | −900 s/+300 s | 1 h |
//! | [`sendgrid`] | `X-Twilio-Email-Event-Webhook-Signature`: base64 DER ECDSA P-256 (public key) | `{t}{body}` | digest of the body | ±600 s | 25 h |
//! | [`plaid`] | `Plaid-Verification`: ES256 JWT, key by `kid` | JWT claims `iat`, `request_body_sha256` | digest of the body | ±300 s on `iat` | 25 h |
//! | [`asana`] | `X-Hook-Signature`: hex HMAC-SHA256, secret from the handshake | body | digest of the body | — | 25 h |
//!
//! Twilio, Square and HubSpot sign the request's URL (HubSpot also its method): verify
//! them with [`Verifier::verify_request`](crate::Verifier::verify_request) and a
//! [`public_url`](crate::VerifierBuilder::public_url). Meta, Dropbox and Okta check an
//! endpoint with an unsigned `GET`, Zoom and Twitch with a signed request: the adapters
//! answer them ([`Handshake`](crate::Handshake)).
//!
//! Where a fact rests on secondary sources only (Intercom's signature, Linear's delivery
//! header, Vercel's and Typeform's retries), the preset's own docs say so. The CLI's
//! `hookshield presets` prints this catalogue from [`ALL`].
//!
//! # Ids the signature does not cover
//!
//! Civo, GitHub, Shopify, Linear and GitLab sign the body alone (GitLab signs nothing)
//! and send the event id in a header beside it, with no signed timestamp (Linear's is in
//! the body). Anyone who captured one delivery can resend it, still
//! correctly signed, under an id of their choosing. So for these presets the replay
//! guard also remembers a digest of the signed content (the body) next to the id
//! ([`ReplayGuard::admit_with_digest`](crate::replay::ReplayGuard::admit_with_digest)):
//!
//! - **Stopped:** a captured delivery resent under any id, for as long as the replay TTL
//!   (12 h, 72 h, 72 h, 24 h, 72 h) remembers it; a flood of such resends adds nothing
//!   to the store.
//! - **Not stopped:** the same resend after the TTL, when both the id and the digest are
//!   forgotten. Only a signed timestamp could refuse it, and these providers send none.
//!   Keep the TTL at least as long as the provider's retry horizon (the defaults are), and
//!   make handlers idempotent where a late replay would hurt.
//! - **The cost:** two deliveries with byte-identical bodies count as one event (the
//!   second is answered as a duplicate), and each event takes two store entries. These
//!   providers' payloads carry a resource and a time, so real events differ.
//!
//! Where the id is signed (Standard Webhooks' `{id}.{t}.{body}`, Stripe's and HCP's ids in
//! the signed body, digests) nothing changes: [`Verified::id_is_signed`](crate::Verified::id_is_signed)
//! tells which.
//!
//! # Adding a provider
//!
//! One file named after the provider (or the family of providers), holding the preset
//! function; its docs link to the provider's documentation and say which headers are read,
//! what is signed, with which algorithm and encoding, the timestamp window, where the event
//! id comes from, and the recommended replay TTL, derived from the provider's retry
//! horizon; facts from secondary sources only are marked so. The provider's published
//! test vectors go in that file's tests, citing where they come from; where there are
//! none, a signature computed with the `hmac` crate directly and the forgeries of
//! `test_support::assert_authentic`. Then add a row to the table above, to the README's
//! table and provider matrix, and an entry to [`ALL`] (which [`by_name`], [`NAMES`] and
//! the CLI read).

mod asana;
mod bitbucket;
mod calendly;
mod civo;
mod clerk;
mod discord;
mod dropbox;
mod github;
mod gitlab;
mod hcp;
mod hubspot;
mod intercom;
mod linear;
mod meta;
mod okta;
mod paddle;
mod pagerduty;
mod plaid;
mod resend;
mod sendgrid;
mod sentry;
mod shared_token;
mod shopify;
mod slack;
mod square;
mod standard_webhooks;
mod stripe;
#[cfg(test)]
mod test_support;
mod twilio;
mod twitch;
mod typeform;
mod vercel;
mod zoom;

use std::time::Duration;

pub use asana::asana;
pub use bitbucket::bitbucket;
pub use calendly::calendly;
pub use civo::civo;
pub use clerk::clerk;
pub use discord::discord;
pub use dropbox::dropbox;
pub use github::github;
pub use gitlab::gitlab;
pub use hcp::hcp;
pub use hubspot::{HUBSPOT_URL_UNESCAPE, hubspot};
pub use intercom::intercom;
pub use linear::linear;
pub use meta::meta;
pub use okta::{okta, okta_with_header};
pub use paddle::paddle;
pub use pagerduty::pagerduty;
pub use plaid::plaid;
pub use resend::resend;
pub use sendgrid::sendgrid;
pub use sentry::sentry;
pub use shared_token::shared_token;
pub use shopify::shopify;
pub use slack::slack;
pub use square::square;
pub use standard_webhooks::standard_webhooks;
pub use stripe::stripe;
pub use twilio::twilio;
pub use twitch::twitch;
pub use typeform::typeform;
pub use vercel::vercel;
pub use zoom::zoom;

use crate::{ConfigError, SchemeBuilder};

const HOUR: u64 = 3600;

/// `n` hours, for the presets' replay TTLs.
const fn hours(n: u64) -> Duration {
    Duration::from_secs(n.saturating_mul(HOUR))
}

/// A preset of the catalogue: its name, the other names it answers to, and its scheme.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    name: &'static str,
    aliases: &'static [&'static str],
    scheme: fn() -> SchemeBuilder,
}

impl Preset {
    const fn new(
        name: &'static str,
        aliases: &'static [&'static str],
        scheme: fn() -> SchemeBuilder,
    ) -> Self {
        Self {
            name,
            aliases,
            scheme,
        }
    }

    /// The name [`by_name`] and the CLI's `--preset` take (`"standard-webhooks"`); it is
    /// also the built scheme's [`name`](crate::Scheme::name).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Other names accepted for it (`"standard_webhooks"`, `"svix"`).
    pub const fn aliases(&self) -> &'static [&'static str] {
        self.aliases
    }

    /// The preset's scheme builder (`shared-token` reads [`DEFAULT_TOKEN_HEADER`]).
    pub fn builder(&self) -> SchemeBuilder {
        (self.scheme)()
    }

    /// Whether `name` is this preset's name or one of its aliases.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }
}

fn default_shared_token() -> SchemeBuilder {
    shared_token(DEFAULT_TOKEN_HEADER)
}

/// Every preset, in the order of the table above.
pub const ALL: &[Preset] = &[
    Preset::new("civo", &[], civo),
    Preset::new("hcp", &["hashicorp"], hcp),
    Preset::new("shared-token", &["shared_token"], default_shared_token),
    Preset::new("github", &[], github),
    Preset::new("stripe", &[], stripe),
    Preset::new("slack", &[], slack),
    Preset::new("shopify", &[], shopify),
    Preset::new(
        "standard-webhooks",
        &["standard_webhooks", "svix"],
        standard_webhooks,
    ),
    Preset::new("paddle", &["paddle-billing"], paddle),
    Preset::new("linear", &[], linear),
    Preset::new("pagerduty", &["pagerduty-v3"], pagerduty),
    Preset::new("calendly", &[], calendly),
    Preset::new("intercom", &[], intercom),
    Preset::new("bitbucket", &["bitbucket-cloud"], bitbucket),
    Preset::new("gitlab", &[], gitlab),
    Preset::new("vercel", &[], vercel),
    Preset::new("sentry", &[], sentry),
    Preset::new("typeform", &[], typeform),
    Preset::new("clerk", &[], clerk),
    Preset::new("resend", &[], resend),
    Preset::new("twilio", &[], twilio),
    Preset::new("square", &[], square),
    Preset::new("hubspot", &["hubspot-v3"], hubspot),
    Preset::new("meta", &["whatsapp", "instagram", "facebook"], meta),
    Preset::new("dropbox", &[], dropbox),
    Preset::new("okta", &[], okta),
    Preset::new("zoom", &[], zoom),
    Preset::new("twitch", &["twitch-eventsub"], twitch),
    Preset::new("discord", &[], discord),
    Preset::new("sendgrid", &["twilio-sendgrid"], sendgrid),
    Preset::new("asana", &[], asana),
    Preset::new("plaid", &[], plaid),
];

/// The preset names accepted by [`by_name`] (and the CLI's `--preset`), aliases aside.
pub const NAMES: &[&str] = &[
    "civo",
    "hcp",
    "shared-token",
    "github",
    "stripe",
    "slack",
    "shopify",
    "standard-webhooks",
    "paddle",
    "linear",
    "pagerduty",
    "calendly",
    "intercom",
    "bitbucket",
    "gitlab",
    "vercel",
    "sentry",
    "typeform",
    "clerk",
    "resend",
    "twilio",
    "square",
    "hubspot",
    "meta",
    "dropbox",
    "okta",
    "zoom",
    "twitch",
    "discord",
    "sendgrid",
    "asana",
    "plaid",
];

/// The header [`by_name`] gives `shared-token`.
pub const DEFAULT_TOKEN_HEADER: &str = "X-Webhook-Secret";

/// The preset called `name` (one of [`NAMES`], or an alias from [`ALL`]);
/// `shared-token` reads [`DEFAULT_TOKEN_HEADER`].
///
/// ```
/// use hookshield_core::presets;
///
/// assert_eq!(presets::by_name("civo")?.build()?.name(), "civo");
/// assert_eq!(presets::by_name("svix")?.build()?.name(), "standard-webhooks");
/// assert!(presets::by_name("nope").is_err());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
pub fn by_name(name: &str) -> Result<SchemeBuilder, ConfigError> {
    ALL.iter()
        .find(|preset| preset.answers_to(name))
        .map(Preset::builder)
        .ok_or_else(|| ConfigError::UnknownPreset(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::{Map, Value};

    use super::*;
    use crate::{
        Algorithm, IdOrigin, PrivateKey, RequestContext, Secret, SecretFormat, SignOptions, Signer,
        TimestampUnit, ValueSource, Verifier,
    };

    #[test]
    fn every_preset_builds_and_documents_itself() {
        assert!(ALL.len() >= 20);
        assert_eq!(ALL.iter().map(Preset::name).collect::<Vec<_>>(), NAMES);
        let mut seen = HashSet::new();
        for preset in ALL {
            for name in std::iter::once(&preset.name()).chain(preset.aliases()) {
                assert!(seen.insert(*name), "{name} names two presets");
                assert_eq!(
                    by_name(name).unwrap().build().unwrap().name(),
                    preset.name()
                );
            }
            let scheme = preset.builder().build().unwrap();
            assert!(
                scheme.docs().is_some_and(|d| d.starts_with("https://")),
                "{}",
                preset.name()
            );
            let window = scheme.window();
            assert!(
                scheme.recommended_ttl() >= window.past() + window.future(),
                "{}",
                preset.name()
            );
        }
    }

    /// A JSON body holding `value` at each dotted path.
    fn body_with(fields: &[(&str, Value)]) -> Vec<u8> {
        let mut root = Map::new();
        for (path, value) in fields {
            let mut keys: Vec<&str> = path.split('.').collect();
            let last = keys.pop().unwrap();
            let mut object = &mut root;
            for key in keys {
                object = object
                    .entry(key)
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .unwrap();
            }
            object.insert(last.to_owned(), value.clone());
        }
        root.insert("note".to_owned(), Value::from("signed round trip"));
        serde_json::to_vec(&Value::Object(root)).unwrap()
    }

    /// Every preset verifies what its signer sends, ids and timestamps included.
    #[test]
    fn every_preset_round_trips_through_the_signer() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_764_496_800).unwrap();
        for preset in ALL {
            let scheme = preset.builder().build().unwrap();
            let secret = match scheme.secret_format() {
                SecretFormat::PrefixedBase64 { prefix } => format!("{prefix}c2lnbmluZy1rZXk="),
                _ => "round-trip-secret".to_owned(),
            };
            // Public-key schemes sign with a key pair made here; the others with a secret.
            let (signer, verifier) = if scheme.algorithm().is_public_key() {
                let key = PrivateKey::generate(scheme.algorithm()).unwrap();
                let public = key.public_key();
                (
                    Signer::with_private_key(preset.builder(), key).unwrap(),
                    Verifier::builder(preset.builder()).public_key(public),
                )
            } else {
                let key: Secret = scheme.parse_secret(&secret).unwrap();
                (
                    Signer::new(preset.builder(), key.clone()).unwrap(),
                    Verifier::builder(preset.builder()).secret(key),
                )
            };
            let mut fields = Vec::new();
            if let Some(ValueSource::Field(path)) = scheme.id_source() {
                fields.push((path, Value::from("evt_round_trip")));
            }
            if let Some(ValueSource::Field(path)) = scheme.timestamp_source() {
                let value = match scheme.timestamp_unit() {
                    TimestampUnit::Milliseconds => Value::from(now.unix_timestamp() * 1000),
                    TimestampUnit::Rfc3339 => Value::from("2025-11-30T10:00:00Z"),
                    _ => Value::from(now.unix_timestamp()),
                };
                fields.push((path, value));
            }
            let body = body_with(&fields);
            let headers = signer
                .sign(
                    &body,
                    &SignOptions::new()
                        .timestamp(now)
                        .id("evt_round_trip")
                        .url("https://example.com/hooks/x?y=1"),
                )
                .unwrap();
            let verifier = verifier.public_url("https://example.com").build().unwrap();
            let name = preset.name();
            let request = RequestContext::new("POST", "/hooks/x?y=1");
            let ok = verifier
                .verify_request_at(&request, &headers, &body, now)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(ok.scheme(), name);
            match ok.id_origin() {
                IdOrigin::Digest => assert!(scheme.id_source().is_none() || !scheme.id_required()),
                _ => assert_eq!(ok.event_id(), "evt_round_trip", "{name}"),
            }
            if scheme.algorithm() != Algorithm::SharedToken {
                let mut tampered = body.clone();
                tampered.push(b' ');
                assert!(
                    verifier
                        .verify_request_at(&request, &headers, &tampered, now)
                        .is_err(),
                    "{name}"
                );
            }
        }
    }
}
