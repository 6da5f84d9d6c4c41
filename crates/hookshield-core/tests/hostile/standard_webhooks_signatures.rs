//! Standard Webhooks: signature list and base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::{MAX_SIGNATURES, Reason as R, Secret};

use crate::support::{
    BINARY_BODY, Case, Cases, Preset::StandardWebhooks as Sw, SW_BODY, SwBaseline, accept_baseline,
    reject, split_with, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let SwBaseline {
        headers: sw,
        sig,
        b64,
    } = SwBaseline::new();
    let many = MAX_SIGNATURES.checked_add(1).unwrap();
    let bogus = format!("v1,{}", B64.encode([0u8; 32]));
    let mut exactly_max = vec![bogus.as_str(); MAX_SIGNATURES.checked_sub(1).unwrap()];
    exactly_max.push(&sig);
    let other_key =
        Secret::from_prefixed_base64("whsec_", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();

    cases.values(
        Sw,
        &sw,
        "webhook-signature",
        SW_BODY,
        [
            (
                "sw: unknown version only (v2,abc)",
                "v2,abc".to_owned(),
                reject(R::NoSupportedSignature),
            ),
            (
                "sw: Ed25519 v1a entry only (valid base64)",
                format!("v1a,{b64}"),
                reject(R::NoSupportedSignature),
            ),
            (
                "sw: version tag in upper case (V1) is another version",
                format!("V1,{b64}"),
                reject(R::NoSupportedSignature),
            ),
            (
                "sw: entry without a comma",
                "v1".to_owned(),
                reject(R::SignatureSyntax),
            ),
            (
                "sw: valid v1 among unknown versions",
                format!("v2,zzz v1a,AAAA {sig}  v0,"),
                accept_baseline(),
            ),
            (
                "sw: 1000 unknown-version entries then a valid v1",
                format!("{}{sig}", "v2,x ".repeat(1000)),
                accept_baseline(),
            ),
            (
                "sw: base64 without padding",
                sig.trim_end_matches('=').to_owned(),
                accept_baseline(),
            ),
            (
                "sw: base64 with an extra '='",
                format!("{sig}="),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: base64 with '=' in the middle",
                format!("v1,{}", split_with(&b64, "=")),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: base64 with a tab inside",
                format!("v1,{}", split_with(&b64, "\t")),
                reject(R::SignatureEncoding),
            ),
            (
                // The first half does not decode and is skipped; the second is no entry.
                "sw: base64 with a space inside (splits the entry)",
                format!("v1,{}", split_with(&b64, " ")),
                reject(R::SignatureSyntax),
            ),
        ],
    );
    cases.url_safe_alphabet(
        Sw,
        "webhook-signature",
        [
            "sw: URL-safe base64 alphabet",
            "sw: standard alphabet control for the URL-safe case",
        ],
    );
    cases.values(
        Sw,
        &sw,
        "webhook-signature",
        SW_BODY,
        [
            (
                "sw: base64 of 31 bytes (wrong length)",
                format!("v1,{}", B64.encode([7u8; 31])),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: base64 of 64 bytes (wrong length)",
                format!("v1,{}", B64.encode([7u8; 64])),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: base64 of 0 bytes (v1,)",
                "v1,".to_owned(),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: MAX_SIGNATURES + 1 copies of the valid signature",
                vec![sig.as_str(); many].join(" "),
                reject(R::TooManySignatures),
            ),
            (
                "sw: MAX_SIGNATURES entries, the last one valid",
                exactly_max.join(" "),
                accept_baseline(),
            ),
        ],
    );
    cases.other_key("sw: signed with another secret", Sw, other_key, SW_BODY);
    cases.add(
        "sw: body changed by one byte",
        Sw,
        sw.clone(),
        br#"{"type":"invoice.paid","data":{"amount":43}}"#,
        reject(R::SignatureMismatch),
    );
    cases.add(
        "sw: id changed (signed content covers it)",
        Sw,
        with(sw.clone(), "webhook-id", "msg_2"),
        SW_BODY,
        reject(R::SignatureMismatch),
    );
    cases.add(
        "sw: empty body against a signature of the real body",
        Sw,
        sw,
        b"",
        reject(R::SignatureMismatch),
    );
    cases.signed(
        "sw: non-UTF-8 body, signed",
        Sw,
        BINARY_BODY,
        accept_baseline(),
    );

    cases.into_vec()
}
