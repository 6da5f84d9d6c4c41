//! An event id swapped for another in a captured delivery: it still verifies where the
//! scheme does not sign the id, and is a forgery where it does.

use hookshield_core::{IdOrigin, Reason};

use crate::support::{
    Case, Expect, Headers, PLAIN_BODY, Preset, SW_BODY, accept, baseline, case, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, Shopify, StandardWebhooks as Sw};
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    // The id header is not signed: swapping it still verifies (the replay guard's content
    // digest is what refuses the resend; see tests/unsigned_ids.rs). Standard Webhooks
    // signs its id: there the swap is a forgery.
    for (name, preset, id_header) in [
        ("civo: id swapped (not signed)", Civo, "X-Civo-Event"),
        (
            "github: id swapped (not signed)",
            Github,
            "X-GitHub-Delivery",
        ),
        (
            "shopify: id swapped (not signed)",
            Shopify,
            "X-Shopify-Webhook-Id",
        ),
    ] {
        add(
            name,
            preset,
            p(with(baseline(preset, PLAIN_BODY), id_header, "msg_forged")),
            PLAIN_BODY,
            accept("msg_forged", IdOrigin::Header),
        );
    }
    add(
        "sw: id swapped (signed)",
        Sw,
        p(with(baseline(Sw, SW_BODY), "webhook-id", "msg_forged")),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );

    cases
}
