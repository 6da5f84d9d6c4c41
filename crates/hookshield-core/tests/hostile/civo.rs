//! Civo: bare hex HMAC-SHA1, id header.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::{Reason as R, Secret};

use crate::support::{
    BINARY_BODY, CS, Case, Cases, PLAIN_BODY, Preset::Civo, accept_baseline, baseline, get_str,
    map, reject, split_with, with, without,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let civo = baseline(Civo, PLAIN_BODY);
    let civo_hex = get_str(&civo, CS);

    cases.table(
        Civo,
        PLAIN_BODY,
        [
            ("civo: valid baseline", civo.clone(), accept_baseline()),
            (
                "civo: missing signature",
                without(civo.clone(), CS),
                reject(R::MissingSignature),
            ),
            (
                "civo: missing id",
                without(civo.clone(), "X-Civo-Event"),
                reject(R::MissingId),
            ),
        ],
    );
    cases.values_refused(
        Civo,
        &civo,
        CS,
        PLAIN_BODY,
        R::SignatureEncoding,
        [
            ("civo: hex of odd length", civo_hex[1..].to_owned()),
            ("civo: hex one byte short", civo_hex[2..].to_owned()),
            ("civo: hex one byte long", format!("{civo_hex}00")),
            (
                "civo: SHA-256-length hex for a SHA-1 scheme",
                "ab".repeat(32),
            ),
            ("civo: non-hex characters", format!("zz{}", &civo_hex[2..])),
            (
                "civo: 0x-prefixed hex of the right total length",
                format!("0x{}", &civo_hex[2..]),
            ),
            ("civo: 0x-prefixed full hex", format!("0x{civo_hex}")),
            (
                "civo: hex with a space inside",
                split_with(&civo_hex[1..], " "),
            ),
            (
                "civo: hex with a leading space",
                format!(" {}", &civo_hex[1..]),
            ),
            (
                "civo: base64 of the right MAC",
                B64.encode(const_hex::decode(&civo_hex).unwrap()),
            ),
            (
                "civo: sha1= prefix it does not use",
                format!("sha1={civo_hex}"),
            ),
        ],
    );
    cases.add(
        "civo: upper-case hex",
        Civo,
        with(civo.clone(), CS, civo_hex.to_ascii_uppercase()),
        PLAIN_BODY,
        accept_baseline(),
    );
    cases.add(
        "civo: obs-text signature (http::HeaderMap)",
        Civo,
        map(&with(civo.clone(), CS, format!("{}\u{e9}", &civo_hex[2..]))),
        PLAIN_BODY,
        reject(R::SignatureEncoding),
    );
    let other_key = Secret::from_text("other").unwrap();
    cases.other_key(
        "civo: signed with another secret",
        Civo,
        other_key,
        PLAIN_BODY,
    );
    cases.signed(
        "civo: non-UTF-8 body, signed",
        Civo,
        BINARY_BODY,
        accept_baseline(),
    );

    cases.into_vec()
}
