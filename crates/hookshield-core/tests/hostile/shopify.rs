//! Shopify: bare base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::{IdOrigin, Reason};

use crate::support::{
    BINARY_BODY, Case, Expect, Headers, PLAIN_BODY, Preset, SH, accept, baseline, case, get_str,
    shopify_signed_with_b64_specials, split_with, url_safe, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::Shopify;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    let shop = baseline(Shopify, PLAIN_BODY);
    let shop_b64 = get_str(&shop, SH);
    add(
        "shopify: valid baseline",
        Shopify,
        p(shop.clone()),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "shopify: base64 without padding",
        Shopify,
        p(with(shop.clone(), SH, shop_b64.trim_end_matches('='))),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    let (shop_special, shop_special_body) = shopify_signed_with_b64_specials();
    for (name, value) in [
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
    ] {
        add(
            name,
            Shopify,
            p(with(shop.clone(), SH, value)),
            PLAIN_BODY,
            Expect::Reject(R::SignatureEncoding),
        );
    }
    add(
        "shopify: URL-safe base64 alphabet",
        Shopify,
        p(with(
            shop_special.clone(),
            SH,
            url_safe(&get_str(&shop_special, SH)),
        )),
        &shop_special_body,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "shopify: standard alphabet control for the URL-safe case",
        Shopify,
        p(shop_special),
        &shop_special_body,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "shopify: non-UTF-8 body, signed",
        Shopify,
        p(baseline(Shopify, BINARY_BODY)),
        BINARY_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    cases
}
