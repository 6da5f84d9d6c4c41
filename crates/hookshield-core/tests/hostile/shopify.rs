//! Shopify: bare base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::Reason as R;

use crate::support::{
    BINARY_BODY, Case, Cases, PLAIN_BODY, Preset::Shopify, SH, accept_baseline, baseline, get_str,
    split_with, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let shop = baseline(Shopify, PLAIN_BODY);
    let shop_b64 = get_str(&shop, SH);

    cases.table(
        Shopify,
        PLAIN_BODY,
        [
            ("shopify: valid baseline", shop.clone(), accept_baseline()),
            (
                "shopify: base64 without padding",
                with(shop.clone(), SH, shop_b64.trim_end_matches('=')),
                accept_baseline(),
            ),
        ],
    );
    cases.values_refused(
        Shopify,
        &shop,
        SH,
        PLAIN_BODY,
        R::SignatureEncoding,
        [
            ("shopify: base64 with an extra '='", format!("{shop_b64}=")),
            ("shopify: base64 with three '='", format!("{shop_b64}==")),
            (
                "shopify: base64 with a space inside",
                split_with(&shop_b64, " "),
            ),
            (
                "shopify: base64 with CR LF inside (MIME style)",
                split_with(&shop_b64, "\r\n"),
            ),
            (
                "shopify: base64 with a leading space",
                format!(" {shop_b64}"),
            ),
            (
                "shopify: base64 with a trailing space",
                format!("{shop_b64} "),
            ),
            ("shopify: base64 of 20 bytes", B64.encode([1u8; 20])),
            ("shopify: base64 over 88 characters", B64.encode([1u8; 67])),
            (
                "shopify: hex of the right MAC",
                const_hex::encode(B64.decode(&shop_b64).unwrap()),
            ),
        ],
    );
    cases.url_safe_alphabet(
        Shopify,
        SH,
        [
            "shopify: URL-safe base64 alphabet",
            "shopify: standard alphabet control for the URL-safe case",
        ],
    );
    cases.signed(
        "shopify: non-UTF-8 body, signed",
        Shopify,
        BINARY_BODY,
        accept_baseline(),
    );

    cases.into_vec()
}
