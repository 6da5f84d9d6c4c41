//! GitHub: `sha256=` prefix.

use hookshield_core::Reason as R;

use crate::support::{
    Case, Cases, GS, PLAIN_BODY, Preset::Github, accept_baseline, baseline, get_str, reject,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let gh = baseline(Github, PLAIN_BODY);
    let gh_sig = get_str(&gh, GS);
    let gh_hex = gh_sig.strip_prefix("sha256=").unwrap().to_owned();

    cases.signed(
        "github: valid baseline",
        Github,
        PLAIN_BODY,
        accept_baseline(),
    );
    cases.values(
        Github,
        &gh,
        GS,
        PLAIN_BODY,
        [
            (
                "github: prefix in upper case (matched ignoring case)",
                format!("SHA256={gh_hex}"),
                accept_baseline(),
            ),
            (
                "github: hex without the prefix",
                gh_hex.clone(),
                reject(R::SignatureSyntax),
            ),
            (
                "github: legacy sha1= prefix",
                format!("sha1={gh_hex}"),
                reject(R::SignatureSyntax),
            ),
            (
                "github: prefix truncated",
                "sha256".to_owned(),
                reject(R::SignatureSyntax),
            ),
            (
                "github: prefix only",
                "sha256=".to_owned(),
                reject(R::SignatureEncoding),
            ),
            (
                "github: SHA-1-length hex after the prefix",
                format!("sha256={}", &gh_hex[..40]),
                reject(R::SignatureEncoding),
            ),
            (
                "github: prefix twice",
                format!("sha256=sha256={gh_hex}"),
                reject(R::SignatureEncoding),
            ),
        ],
    );

    cases.into_vec()
}
