//! Empty signature headers under several schemes (Civo, GitHub, Shopify, shared token).

use hookshield_core::Reason;

use crate::support::{Case, Expect, GS, Headers, PLAIN_BODY, Preset, SH, TK, baseline, case, with};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, SharedToken, Shopify};
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;
    let civo = baseline(Civo, PLAIN_BODY);
    let gh = baseline(Github, PLAIN_BODY);
    let shop = baseline(Shopify, PLAIN_BODY);

    // An empty signature header counts as absent, whatever the scheme (headers.rs).
    for (name, preset, headers) in [
        (
            "civo: empty signature",
            Civo,
            with(civo.clone(), "X-Civo-Signature", ""),
        ),
        (
            "github: empty signature value",
            Github,
            with(gh.clone(), GS, ""),
        ),
        ("shopify: empty value", Shopify, with(shop.clone(), SH, "")),
        (
            "token: empty value",
            SharedToken,
            vec![(TK.to_owned(), Vec::new())],
        ),
    ] {
        add(
            name,
            preset,
            p(headers),
            PLAIN_BODY,
            Expect::Reject(R::MissingSignature),
        );
    }

    cases
}
