//! Civo: bare hex HMAC-SHA1, id header.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::{IdOrigin, Reason, Secret};

use crate::support::{
    BINARY_BODY, CS, Case, Expect, Headers, PLAIN_BODY, Preset, accept, baseline, case, get_str,
    map, sign_with, split_with, with, without,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::Civo;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    let civo = baseline(Civo, PLAIN_BODY);
    let civo_hex = get_str(&civo, CS);
    add(
        "civo: valid baseline",
        Civo,
        p(civo.clone()),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "civo: missing signature",
        Civo,
        p(without(civo.clone(), CS)),
        PLAIN_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "civo: missing id",
        Civo,
        p(without(civo.clone(), "X-Civo-Event")),
        PLAIN_BODY,
        Expect::Reject(R::MissingId),
    );
    for (name, value) in [
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
    ] {
        add(
            name,
            Civo,
            p(with(civo.clone(), CS, value)),
            PLAIN_BODY,
            Expect::Reject(R::SignatureEncoding),
        );
    }
    add(
        "civo: upper-case hex",
        Civo,
        p(with(civo.clone(), CS, civo_hex.to_ascii_uppercase())),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "civo: obs-text signature (http::HeaderMap)",
        Civo,
        map(&with(civo.clone(), CS, format!("{}\u{e9}", &civo_hex[2..]))),
        PLAIN_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "civo: signed with another secret",
        Civo,
        p(sign_with(
            Civo,
            Secret::from_text("other").unwrap(),
            PLAIN_BODY,
            0,
            "msg_1",
        )),
        PLAIN_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "civo: non-UTF-8 body, signed",
        Civo,
        p(baseline(Civo, BINARY_BODY)),
        BINARY_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    cases
}
