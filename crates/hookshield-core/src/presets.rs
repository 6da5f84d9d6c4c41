//! Ready-made schemes for well-known providers.
//!
//! Each function returns a [`SchemeBuilder`], so a preset can still be adjusted (a wider
//! window, another id header) before it is built. Every preset is tested against the
//! provider's published example where one exists.
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
//!
//! # Ids the signature does not cover
//!
//! Civo, GitHub and Shopify sign the body alone and send the event id in a header beside
//! it, with no signed timestamp. Anyone who captured one delivery can resend it, still
//! correctly signed, under an id of their choosing. So for these presets the replay
//! guard also remembers a digest of the signed content (the body) next to the id
//! ([`ReplayGuard::admit_with_digest`](crate::replay::ReplayGuard::admit_with_digest)):
//!
//! - **Stopped:** a captured delivery resent under any id, for as long as the replay TTL
//!   (12 h, 72 h, 72 h) remembers it; a flood of such resends adds nothing to the store.
//! - **Not stopped:** the same resend after the TTL, when both the id and the digest are
//!   forgotten. Only a signed timestamp could refuse it, and these providers send none.
//!   Keep the TTL at least as long as the provider's retry horizon (the defaults are), and
//!   make handlers idempotent where a late replay would hurt.
//! - **The cost:** two deliveries with byte-identical bodies count as one event (the
//!   second is answered as a duplicate), and each event takes two store entries. Civo's,
//!   GitHub's and Shopify's payloads carry a resource and a time, so real events differ.
//!
//! Where the id is signed (Standard Webhooks' `{id}.{t}.{body}`, Stripe's and HCP's ids in
//! the signed body, digests) nothing changes: [`Verified::id_is_signed`](crate::Verified::id_is_signed)
//! tells which.

use std::time::Duration;

use crate::algorithm::Algorithm;
use crate::encoding::Encoding;
use crate::error::ConfigError;
use crate::handshake::Handshake;
use crate::scheme::Scheme;
use crate::scheme_builder::SchemeBuilder;
use crate::secret::SecretFormat;
use crate::window::TimestampWindow;

const HOUR: u64 = 3600;

const fn hours(n: u64) -> Duration {
    Duration::from_secs(n.saturating_mul(HOUR))
}

/// The preset names accepted by [`by_name`] (and the CLI's `--preset`).
pub const NAMES: &[&str] = &[
    "civo",
    "hcp",
    "shared-token",
    "github",
    "stripe",
    "slack",
    "shopify",
    "standard-webhooks",
];

/// The header [`by_name`] gives `shared-token`.
pub const DEFAULT_TOKEN_HEADER: &str = "X-Webhook-Secret";

/// The preset called `name` (one of [`NAMES`]); `shared-token` reads
/// [`DEFAULT_TOKEN_HEADER`].
///
/// ```
/// use hookshield_core::presets;
///
/// assert_eq!(presets::by_name("civo")?.build()?.name(), "civo");
/// assert!(presets::by_name("nope").is_err());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
pub fn by_name(name: &str) -> Result<SchemeBuilder, ConfigError> {
    Ok(match name {
        "civo" => civo(),
        "hcp" => hcp(),
        "shared-token" | "shared_token" => shared_token(DEFAULT_TOKEN_HEADER),
        "github" => github(),
        "stripe" => stripe(),
        "slack" => slack(),
        "shopify" => shopify(),
        "standard-webhooks" | "standard_webhooks" | "svix" => standard_webhooks(),
        _ => return Err(ConfigError::UnknownPreset(name.to_owned())),
    })
}

/// [Civo](https://www.civo.com/api/webhooks): `X-Civo-Signature` is the lowercase hex
/// HMAC-SHA1 of the raw body under the webhook's secret.
///
/// - **Event id:** the `X-Civo-Event` header, a UUID that stays the same on every retry
///   (required). It is not signed: a digest of the body is remembered beside it, so a
///   captured delivery resent under another id is a duplicate too (see
///   [the module docs](self#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none, so a replay after the TTL is not refused: nothing dates a
///   delivery.
/// - **Replay TTL:** 12 h. Civo retries a failed delivery after 5 min, 30 min, 1 h, 2 h and
///   6 h (about 9 h 35 min in all) and then disables the webhook; 12 h covers that with
///   margin.
pub fn civo() -> SchemeBuilder {
    Scheme::builder("civo")
        .algorithm(Algorithm::HmacSha1)
        .signature_header("X-Civo-Signature")
        .id_header("X-Civo-Event")
        .recommended_ttl(hours(12))
        .docs("https://www.civo.com/api/webhooks")
}

/// [HashiCorp Cloud Platform](https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks):
/// `X-HCP-Webhook-Signature` is the hex HMAC-SHA512 of the raw body under the webhook's
/// token (sent only when the webhook has a token).
///
/// - **Event id:** the body's `event_id` field (`<service>.event:<random>`), required. The
///   verification payload HCP sends when a webhook is created or changed has one too.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h (HCP documents no retry schedule).
/// - **Handshake:** the verification payload (`event_source` =
///   `hashicorp.webhook.verification`) is answered 200 by the adapters
///   ([`Handshake::HcpVerification`]).
pub fn hcp() -> SchemeBuilder {
    Scheme::builder("hcp")
        .algorithm(Algorithm::HmacSha512)
        .signature_header("X-HCP-Webhook-Signature")
        .id_field("event_id")
        .recommended_ttl(hours(24))
        .handshake(Handshake::HcpVerification)
        .docs("https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks")
}

/// A shared token: the header `header` carries the secret itself, compared in constant time
/// (e.g. [Frappe Cloud](https://docs.frappe.io/cloud/setup-webhook)'s `X-Webhook-Secret`,
/// or GitLab's [`X-Gitlab-Token`](https://docs.gitlab.com/user/project/integrations/webhooks/)).
/// Nothing binds the body to the token, so prefer an HMAC scheme when the provider has one.
///
/// - **Event id:** a SHA-256 digest of the body by default; set a header with
///   `.id_header(…)` (GitLab: `Idempotency-Key`) or a body field with `.id_field(…)`. A
///   token signs nothing, so such an id is not covered: the body's digest is remembered
///   beside it.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h (Frappe Cloud retries after 2, 4 and 8 minutes).
/// - **Handshake:** the `{"event":"Webhook Validate"}` event sent when a webhook is
///   activated is answered `200 OK` by the adapters ([`Handshake::WebhookValidate`]).
pub fn shared_token(header: &str) -> SchemeBuilder {
    Scheme::builder("shared-token")
        .algorithm(Algorithm::SharedToken)
        .signature_header(header)
        .recommended_ttl(hours(24))
        .handshake(Handshake::WebhookValidate)
        .docs("https://docs.gitlab.com/user/project/integrations/webhooks/")
}

/// [GitHub](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries):
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The legacy SHA-1
/// `X-Hub-Signature` is not read.
///
/// - **Event id:** `X-GitHub-Delivery`, a GUID kept on redelivery (required). It is not
///   signed: a digest of the body is remembered beside it (see
///   [the module docs](self#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 72 h: GitHub does not retry by itself, but deliveries of the past
///   3 days can be redelivered by hand or through the API.
pub fn github() -> SchemeBuilder {
    Scheme::builder("github")
        .signature_header("X-Hub-Signature-256")
        .prefix("sha256=")
        .id_header("X-GitHub-Delivery")
        .recommended_ttl(hours(72))
        .docs("https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries")
}

/// [Stripe](https://docs.stripe.com/webhooks#verify-manually):
/// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, HMAC-SHA256 of `{t}.{body}` under the
/// `whsec_…` secret used as text (not base64-decoded).
///
/// - **Signatures:** every `v1` is tried (one per secret while a secret is rolled); `v0`
///   (test-mode fakes) and unknown schemes are ignored.
/// - **Event id:** the body's `id` (`evt_…`), required.
/// - **Window:** 300 s in the past, as Stripe's libraries, and 300 s of clock skew ahead.
/// - **Replay TTL:** 96 h: live mode retries for up to 3 days.
pub fn stripe() -> SchemeBuilder {
    Scheme::builder("stripe")
        .signature_header("Stripe-Signature")
        .key_value_list(',', '=', "v1")
        .signed_content("{t}.{body}")
        .timestamp_param("t")
        .id_field("id")
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .recommended_ttl(hours(96))
        .docs("https://docs.stripe.com/webhooks#verify-manually")
}

/// [Slack](https://docs.slack.dev/authentication/verifying-requests-from-slack):
/// `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{body}">`.
///
/// - **Timestamp:** `X-Slack-Request-Timestamp`, seconds; Slack asks for 5 minutes.
/// - **Event id:** the Events API body's `event_id` when present; slash commands and
///   interactions (form-encoded) and `url_verification` have none, and are identified by a
///   digest of the signed content instead.
/// - **Replay TTL:** 2 h: Slack retries 3 times within about 5 minutes.
/// - **Handshake:** `url_verification` is answered with its challenge by the adapters
///   ([`Handshake::SlackUrlVerification`]).
pub fn slack() -> SchemeBuilder {
    Scheme::builder("slack")
        .signature_header("X-Slack-Signature")
        .prefix("v0=")
        .signed_content("v0:{t}:{body}")
        .timestamp_header("X-Slack-Request-Timestamp")
        .id_field("event_id")
        .id_required(false)
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .recommended_ttl(hours(2))
        .handshake(Handshake::SlackUrlVerification)
        .docs("https://docs.slack.dev/authentication/verifying-requests-from-slack")
}

/// [Shopify](https://shopify.dev/docs/apps/build/webhooks/verify-deliveries):
/// `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body under the app's client
/// secret. After a secret is rotated Shopify may sign with the old one for up to an hour:
/// keep both active.
///
/// - **Event id:** `X-Shopify-Webhook-Id`, kept on retries
///   ([ignore duplicates](https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates)), required.
///   It is not signed: a digest of the body is remembered beside it (see
///   [the module docs](self#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none signed (`X-Shopify-Triggered-At` is not covered by the HMAC and
///   is not read), so a replay after the TTL is not refused.
/// - **Replay TTL:** 72 h. Shopify retries a failed delivery 8 times over about 4 h (it
///   used to retry for 48 h); 72 h covers either with margin.
pub fn shopify() -> SchemeBuilder {
    Scheme::builder("shopify")
        .signature_header("X-Shopify-Hmac-Sha256")
        .encoding(Encoding::Base64)
        .id_header("X-Shopify-Webhook-Id")
        .recommended_ttl(hours(72))
        .docs("https://shopify.dev/docs/apps/build/webhooks/verify-deliveries")
}

/// [Standard Webhooks](https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
/// (and [Svix](https://docs.svix.com/receiving/verifying-payloads/how-manual)):
/// `webhook-signature` lists `v1,<base64 HMAC-SHA256 of "{id}.{t}.{body}">` entries
/// separated by spaces; `v1a` (Ed25519) entries are ignored.
///
/// - **Headers:** `webhook-id`, `webhook-timestamp`, `webhook-signature`; when absent, the
///   `svix-id`, `svix-timestamp`, `svix-signature` names are read.
/// - **Secret:** `whsec_` + base64; the decoded bytes are the key
///   ([`SecretFormat::PrefixedBase64`]).
/// - **Window:** ±300 s, as the reference libraries.
/// - **Replay TTL:** 96 h: the spec's example schedule retries for about 3 days.
pub fn standard_webhooks() -> SchemeBuilder {
    Scheme::builder("standard-webhooks")
        .signature_header("webhook-signature")
        .signature_header_alias("svix-signature")
        .versioned_list("v1")
        .encoding(Encoding::Base64)
        .signed_content("{id}.{t}.{body}")
        .timestamp_header("webhook-timestamp")
        .timestamp_header_alias("svix-timestamp")
        .id_header("webhook-id")
        .id_header_alias("svix-id")
        .secret_format(SecretFormat::PrefixedBase64 { prefix: "whsec_" })
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .recommended_ttl(hours(96))
        .docs("https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds_and_documents_itself() {
        for name in NAMES {
            let scheme = by_name(name).unwrap().build().unwrap();
            assert!(
                scheme.docs().is_some_and(|d| d.starts_with("https://")),
                "{name}"
            );
            let window = scheme.window();
            assert!(
                scheme.recommended_ttl() >= window.past() + window.future(),
                "{name}"
            );
        }
    }
}
