//! Secrets: configuration errors at build time.

use hookshield_core::ConfigError;

use crate::support::{Case, Cases, Preset};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, Hcp, SharedToken, Shopify, Slack, StandardWebhooks as Sw, Stripe};

    let mut cases = Cases::new();

    for (name, preset, secret) in [
        ("config: empty secret (sw)", Sw, ""),
        ("config: whsec_ with nothing after", Sw, "whsec_"),
        ("config: whitespace-only whsec secret", Sw, "   "),
        ("config: empty secret (civo, text)", Civo, ""),
        ("config: empty secret (shared token)", SharedToken, ""),
    ] {
        cases.config(name, preset, secret, ConfigError::EmptySecret);
    }
    // Blank secrets: keys anyone can guess (issue 11, defect 1).
    for (name, preset, secret) in [
        ("config: blank secret, one space (civo)", Civo, " "),
        ("config: blank secret, newlines (github)", Github, "\n\n"),
        ("config: blank secret, tab (stripe)", Stripe, "\t"),
        ("config: blank secret, CR LF (slack)", Slack, " \r\n"),
        (
            "config: blank secret, no-break space (shopify)",
            Shopify,
            "\u{a0}",
        ),
        ("config: blank secret, spaces (hcp)", Hcp, "   "),
        (
            "config: blank secret, space (shared token)",
            SharedToken,
            " ",
        ),
        ("config: whsec_ of base64 spaces", Sw, "whsec_ICAg"),
        ("config: base64 of CR LF, no prefix", Sw, "DQo="),
    ] {
        cases.config(name, preset, secret, ConfigError::BlankSecret);
    }
    for (name, secret) in [
        (
            "config: whsec_ with characters outside base64",
            "whsec_not base64!!",
        ),
        ("config: whsec_ with URL-safe base64", "whsec_-_-_-_-_"),
        ("config: whsec_ with one base64 character", "whsec_A"),
        (
            "config: whsec_ with non-ASCII",
            "whsec_\u{e9}\u{e9}\u{e9}\u{e9}",
        ),
    ] {
        cases.config(name, Sw, secret, ConfigError::SecretEncoding);
    }

    cases.into_vec()
}
