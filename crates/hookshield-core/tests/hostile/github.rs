//! GitHub: `sha256=` prefix.

use hookshield_core::{IdOrigin, Reason};

use crate::support::{
    Case, Expect, GS, Headers, PLAIN_BODY, Preset, accept, baseline, case, get_str, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::Github;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    let gh = baseline(Github, PLAIN_BODY);
    let gh_sig = get_str(&gh, GS);
    let gh_hex = gh_sig.strip_prefix("sha256=").unwrap().to_owned();
    add(
        "github: valid baseline",
        Github,
        p(gh.clone()),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "github: prefix in upper case (matched ignoring case)",
        Github,
        p(with(gh.clone(), GS, format!("SHA256={gh_hex}"))),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    for (name, value, reason) in [
        (
            "github: hex without the prefix",
            gh_hex.clone(),
            R::SignatureSyntax,
        ),
        (
            "github: legacy sha1= prefix",
            format!("sha1={gh_hex}"),
            R::SignatureSyntax,
        ),
        (
            "github: prefix truncated",
            "sha256".to_owned(),
            R::SignatureSyntax,
        ),
        (
            "github: prefix only",
            "sha256=".to_owned(),
            R::SignatureEncoding,
        ),
        (
            "github: SHA-1-length hex after the prefix",
            format!("sha256={}", &gh_hex[..40]),
            R::SignatureEncoding,
        ),
        (
            "github: prefix twice",
            format!("sha256=sha256={gh_hex}"),
            R::SignatureEncoding,
        ),
    ] {
        add(
            name,
            Github,
            p(with(gh.clone(), GS, value)),
            PLAIN_BODY,
            Expect::Reject(reason),
        );
    }

    cases
}
