//! Secrets: configuration errors at build time.

use hookshield_core::ConfigError;

use crate::support::{Case, Expect, Headers, Preset};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, Hcp, SharedToken, Shopify, Slack, StandardWebhooks as Sw, Stripe};

    let mut cases = Vec::new();

    let mut add_config = |name: &'static str, preset: Preset, secret: &str, want: ConfigError| {
        cases.push(Case {
            name,
            preset,
            secret: secret.to_owned(),
            headers: Headers::Pairs(Vec::new()),
            body: Vec::new(),
            expect: Expect::Config(want),
        });
    };
    add_config(
        "config: empty secret (sw)",
        Sw,
        "",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: whsec_ with nothing after",
        Sw,
        "whsec_",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: whitespace-only whsec secret",
        Sw,
        "   ",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: empty secret (civo, text)",
        Civo,
        "",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: empty secret (shared token)",
        SharedToken,
        "",
        ConfigError::EmptySecret,
    );
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
        add_config(name, preset, secret, ConfigError::BlankSecret);
    }
    add_config(
        "config: whsec_ with characters outside base64",
        Sw,
        "whsec_not base64!!",
        ConfigError::SecretEncoding,
    );
    add_config(
        "config: whsec_ with URL-safe base64",
        Sw,
        "whsec_-_-_-_-_",
        ConfigError::SecretEncoding,
    );
    add_config(
        "config: whsec_ with one base64 character",
        Sw,
        "whsec_A",
        ConfigError::SecretEncoding,
    );
    add_config(
        "config: whsec_ with non-ASCII",
        Sw,
        "whsec_\u{e9}\u{e9}\u{e9}\u{e9}",
        ConfigError::SecretEncoding,
    );

    cases
}
