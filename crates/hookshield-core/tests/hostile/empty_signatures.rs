//! Empty signature headers under several schemes (Civo, GitHub, Shopify, shared token).

use hookshield_core::Reason as R;

use crate::support::{CS, Case, Cases, GS, PLAIN_BODY, Preset, SH, TK, baseline, reject, with};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, SharedToken, Shopify};

    let mut cases = Cases::new();

    // An empty signature header counts as absent, whatever the scheme (headers.rs).
    for (name, preset, header) in [
        ("civo: empty signature", Civo, CS),
        ("github: empty signature value", Github, GS),
        ("shopify: empty value", Shopify, SH),
        ("token: empty value", SharedToken, TK),
    ] {
        let empty = with(baseline(preset, PLAIN_BODY), header, "");
        cases.add(name, preset, empty, PLAIN_BODY, reject(R::MissingSignature));
    }

    cases.into_vec()
}
