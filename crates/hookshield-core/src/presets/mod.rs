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
//!
//! # Adding a provider
//!
//! One file named after the provider (or the family of providers), holding the preset
//! function; its docs link to the provider's documentation and say which headers are read,
//! what is signed, with which algorithm and encoding, the timestamp window, where the event
//! id comes from, and the recommended replay TTL, derived from the provider's retry
//! horizon. The provider's published test vectors go in that file's tests, citing where
//! they come from. Then add a row to the table above, and the name to [`NAMES`] and
//! [`by_name`].

mod civo;
mod github;
mod hcp;
mod shared_token;
mod shopify;
mod slack;
mod standard_webhooks;
mod stripe;
#[cfg(test)]
mod test_support;

use std::time::Duration;

pub use civo::civo;
pub use github::github;
pub use hcp::hcp;
pub use shared_token::shared_token;
pub use shopify::shopify;
pub use slack::slack;
pub use standard_webhooks::standard_webhooks;
pub use stripe::stripe;

use crate::{ConfigError, SchemeBuilder};

const HOUR: u64 = 3600;

/// `n` hours, for the presets' replay TTLs.
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
