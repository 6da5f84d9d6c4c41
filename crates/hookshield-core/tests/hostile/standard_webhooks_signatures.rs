//! Standard Webhooks: signature list and base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::{IdOrigin, MAX_SIGNATURES, Reason, Secret};

use crate::support::{
    BINARY_BODY, Case, Expect, Headers, Preset, SW_BODY, accept, baseline, case, get_str,
    sign_with, split_with, sw_signed_with_b64_specials, url_safe, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::StandardWebhooks as Sw;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;
    let sw = baseline(Sw, SW_BODY);
    let sw_sig = get_str(&sw, "webhook-signature");
    let sw_b64 = sw_sig.strip_prefix("v1,").unwrap().to_owned();

    add(
        "sw: unknown version only (v2,abc)",
        Sw,
        p(with(sw.clone(), "webhook-signature", "v2,abc")),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "sw: Ed25519 v1a entry only (valid base64)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1a,{sw_b64}"),
        )),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "sw: version tag in upper case (V1) is another version",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("V1,{sw_b64}"),
        )),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "sw: entry without a comma",
        Sw,
        p(with(sw.clone(), "webhook-signature", "v1")),
        SW_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "sw: valid v1 among unknown versions",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v2,zzz v1a,AAAA {sw_sig}  v0,"),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: 1000 unknown-version entries then a valid v1",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("{}{sw_sig}", "v2,x ".repeat(1000)),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: base64 without padding",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            sw_sig.trim_end_matches('='),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: base64 with an extra '='",
        Sw,
        p(with(sw.clone(), "webhook-signature", format!("{sw_sig}="))),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 with '=' in the middle",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", split_with(&sw_b64, "=")),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 with a tab inside",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", split_with(&sw_b64, "\t")),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 with a space inside (splits the entry)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", split_with(&sw_b64, " ")),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    let (sw_special, sw_special_body) = sw_signed_with_b64_specials();
    add(
        "sw: URL-safe base64 alphabet",
        Sw,
        p(with(
            sw_special.clone(),
            "webhook-signature",
            url_safe(&get_str(&sw_special, "webhook-signature")),
        )),
        &sw_special_body,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: standard alphabet control for the URL-safe case",
        Sw,
        p(sw_special),
        &sw_special_body,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: base64 of 31 bytes (wrong length)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", B64.encode([7u8; 31])),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 of 64 bytes (wrong length)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", B64.encode([7u8; 64])),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 of 0 bytes (v1,)",
        Sw,
        p(with(sw.clone(), "webhook-signature", "v1,")),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    let many = MAX_SIGNATURES.checked_add(1).unwrap();
    add(
        "sw: MAX_SIGNATURES + 1 copies of the valid signature",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            vec![sw_sig.as_str(); many].join(" "),
        )),
        SW_BODY,
        Expect::Reject(R::TooManySignatures),
    );
    let bogus = format!("v1,{}", B64.encode([0u8; 32]));
    let mut exactly_max = vec![bogus.as_str(); MAX_SIGNATURES.checked_sub(1).unwrap()];
    exactly_max.push(&sw_sig);
    add(
        "sw: MAX_SIGNATURES entries, the last one valid",
        Sw,
        p(with(sw.clone(), "webhook-signature", exactly_max.join(" "))),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: signed with another secret",
        Sw,
        p(sign_with(
            Sw,
            Secret::from_prefixed_base64("whsec_", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .unwrap(),
            SW_BODY,
            0,
            "msg_1",
        )),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: body changed by one byte",
        Sw,
        p(sw.clone()),
        br#"{"type":"invoice.paid","data":{"amount":43}}"#,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: id changed (signed content covers it)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_2")),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: empty body against a signature of the real body",
        Sw,
        p(sw.clone()),
        b"",
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: non-UTF-8 body, signed",
        Sw,
        p(baseline(Sw, BINARY_BODY)),
        BINARY_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    cases
}
