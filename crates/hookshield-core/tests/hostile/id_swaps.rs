//! An event id swapped for another in a captured delivery: it still verifies where the
//! scheme does not sign the id, and is a forgery where it does.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    Case, Cases, PLAIN_BODY, Preset, SW_BODY, SwBaseline, accept, baseline, reject, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, Shopify, StandardWebhooks as Sw};

    let mut cases = Cases::new();

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
        let swapped = with(baseline(preset, PLAIN_BODY), id_header, "msg_forged");
        let expect = accept("msg_forged", IdOrigin::Header);
        cases.add(name, preset, swapped, PLAIN_BODY, expect);
    }
    cases.add(
        "sw: id swapped (signed)",
        Sw,
        with(SwBaseline::new().headers, "webhook-id", "msg_forged"),
        SW_BODY,
        reject(R::SignatureMismatch),
    );

    cases.into_vec()
}
