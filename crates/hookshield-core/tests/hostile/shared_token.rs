//! Shared token.

use hookshield_core::{Reason, headers};

use crate::support::{BINARY_BODY, Case, Expect, Headers, PLAIN_BODY, Preset, TK, case, digest};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::SharedToken;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();

    let token = SharedToken.secret();
    add(
        "token: right token",
        SharedToken,
        p(vec![(TK.to_owned(), token.into())]),
        PLAIN_BODY,
        digest(),
    );
    add(
        "token: non-UTF-8 body",
        SharedToken,
        p(vec![(TK.to_owned(), token.into())]),
        BINARY_BODY,
        digest(),
    );
    add(
        "token: missing header",
        SharedToken,
        p(Vec::new()),
        PLAIN_BODY,
        Expect::Reject(R::MissingSignature),
    );
    for (name, value) in [
        ("token: wrong token", "shared-token-valuf".to_owned()),
        ("token: token plus a trailing space", format!("{token} ")),
        ("token: token prefix only", token[..6].to_owned()),
        ("token: token in upper case", token.to_ascii_uppercase()),
    ] {
        add(
            name,
            SharedToken,
            p(vec![(TK.to_owned(), value.into_bytes())]),
            PLAIN_BODY,
            Expect::Reject(R::SignatureMismatch),
        );
    }
    add(
        "token: repeated header",
        SharedToken,
        p(vec![
            (TK.to_owned(), token.into()),
            (TK.to_ascii_lowercase(), token.into()),
        ]),
        PLAIN_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "token: value over 8 KiB",
        SharedToken,
        p(vec![(TK.to_owned(), "t".repeat(over).into_bytes())]),
        PLAIN_BODY,
        Expect::Reject(R::HeaderTooLong),
    );

    cases
}
