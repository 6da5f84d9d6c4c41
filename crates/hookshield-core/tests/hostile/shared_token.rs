//! Shared token.

use hookshield_core::{Reason as R, headers};

use crate::support::{
    BINARY_BODY, Case, Cases, PLAIN_BODY, Preset::SharedToken, TK, baseline, digest, plus, reject,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();
    let token = SharedToken.secret();

    // What the signer sends: the token itself in its header.
    cases.signed_bodies(
        SharedToken,
        [
            ("token: right token", PLAIN_BODY, digest()),
            ("token: non-UTF-8 body", BINARY_BODY, digest()),
        ],
    );
    cases.add(
        "token: missing header",
        SharedToken,
        Vec::new(),
        PLAIN_BODY,
        reject(R::MissingSignature),
    );
    cases.values_refused(
        SharedToken,
        &Vec::new(),
        TK,
        PLAIN_BODY,
        R::SignatureMismatch,
        [
            ("token: wrong token", "shared-token-valuf".to_owned()),
            ("token: token plus a trailing space", format!("{token} ")),
            ("token: token prefix only", token[..6].to_owned()),
            ("token: token in upper case", token.to_ascii_uppercase()),
        ],
    );
    cases.table(
        SharedToken,
        PLAIN_BODY,
        [
            (
                "token: repeated header",
                plus(
                    baseline(SharedToken, PLAIN_BODY),
                    &TK.to_ascii_lowercase(),
                    token,
                ),
                reject(R::RepeatedHeader),
            ),
            (
                "token: value over 8 KiB",
                vec![(TK.to_owned(), "t".repeat(over).into_bytes())],
                reject(R::HeaderTooLong),
            ),
        ],
    );

    cases.into_vec()
}
