//! Stripe: k=v list, timestamp parameter, id in the body.

use hookshield_core::{IdOrigin, MAX_SIGNATURES, Reason as R, Secret};

use crate::support::{
    BINARY_BODY, Case, Cases, NOW, Preset::Stripe, SS, STRIPE_BODY, accept, baseline, get_str,
    id_over_max_len, plus, reject, stripe_raw,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let many = MAX_SIGNATURES.checked_add(1).unwrap();
    let st = baseline(Stripe, STRIPE_BODY);
    let st_sig = get_str(&st, SS);
    let st_hex = st_sig.split_once(",v1=").unwrap().1.to_owned();
    let t_now = format!("t={NOW}");

    cases.table(
        Stripe,
        STRIPE_BODY,
        [
            (
                "stripe: valid baseline",
                st.clone(),
                accept("evt_1", IdOrigin::Body),
            ),
            (
                "stripe: missing signature header",
                Vec::new(),
                reject(R::MissingSignature),
            ),
        ],
    );
    cases.values(
        Stripe,
        &st,
        SS,
        STRIPE_BODY,
        [
            (
                "stripe: empty signature value (no t)",
                String::new(),
                reject(R::MissingSignature),
            ),
            (
                "stripe: v1 without t",
                format!("v1={st_hex}"),
                reject(R::MissingTimestamp),
            ),
            (
                "stripe: t given twice",
                format!("{t_now},t={NOW},v1={st_hex}"),
                reject(R::SignatureSyntax),
            ),
        ],
    );
    cases.add(
        "stripe: repeated Stripe-Signature header",
        Stripe,
        plus(st.clone(), "stripe-signature", st_sig.as_str()),
        STRIPE_BODY,
        reject(R::RepeatedHeader),
    );
    cases.values_refused(
        Stripe,
        &st,
        SS,
        STRIPE_BODY,
        R::TimestampSyntax,
        [
            ("stripe: t=-1", "-1"),
            ("stripe: t=i64::MIN", "-9223372036854775808"),
            ("stripe: t=u64::MAX+1", "18446744073709551616"),
            ("stripe: t=1e9", "1e9"),
            ("stripe: t=1.5", "1.5"),
            ("stripe: t empty", ""),
        ]
        .map(|(name, t)| (name, format!("t={t},v1={st_hex}"))),
    );
    cases.add(
        "stripe: t=i64::MAX correctly signed",
        Stripe,
        stripe_raw(&i64::MAX.to_string(), STRIPE_BODY),
        STRIPE_BODY,
        reject(R::TimestampTooNew),
    );
    cases.values(
        Stripe,
        &st,
        SS,
        STRIPE_BODY,
        [
            (
                "stripe: v0 signature only",
                format!("{t_now},v0={st_hex}"),
                reject(R::NoSupportedSignature),
            ),
            (
                "stripe: t only",
                t_now.clone(),
                reject(R::NoSupportedSignature),
            ),
            (
                "stripe: an item without '='",
                format!("{st_sig},garbage"),
                reject(R::SignatureSyntax),
            ),
            (
                "stripe: spaces and empty items around valid pairs",
                format!(" t = {NOW} ,, v1 = {st_hex} ,"),
                accept("evt_1", IdOrigin::Body),
            ),
            (
                "stripe: hex of odd length",
                format!("{t_now},v1={}", &st_hex[1..]),
                reject(R::SignatureEncoding),
            ),
            (
                "stripe: hex with a non-hex character",
                format!("{t_now},v1=g{}", &st_hex[1..]),
                reject(R::SignatureEncoding),
            ),
            (
                "stripe: upper-case hex",
                format!("{t_now},v1={}", st_hex.to_ascii_uppercase()),
                accept("evt_1", IdOrigin::Body),
            ),
            (
                "stripe: MAX_SIGNATURES + 1 v1 values",
                format!("{t_now},{}", vec![format!("v1={st_hex}"); many].join(",")),
                reject(R::TooManySignatures),
            ),
        ],
    );
    let other_key = Secret::from_text("whsec_other").unwrap();
    cases.other_key(
        "stripe: signed with another secret",
        Stripe,
        other_key,
        STRIPE_BODY,
    );
    cases.signed_at(
        Stripe,
        STRIPE_BODY,
        [
            ("stripe: stale by 301 s", -301, reject(R::TimestampTooOld)),
            (
                "stripe: 301 s in the future",
                301,
                reject(R::TimestampTooNew),
            ),
        ],
    );
    cases.signed_bodies(
        Stripe,
        [
            (
                "stripe: signed body that is not JSON",
                &b"id=evt_1&type=x"[..],
                reject(R::BodyNotJson),
            ),
            ("stripe: signed empty body", b"", reject(R::BodyNotJson)),
            (
                "stripe: signed non-UTF-8 body",
                BINARY_BODY,
                reject(R::BodyNotJson),
            ),
            (
                "stripe: signed JSON array",
                b"[{\"id\":\"evt_1\"}]",
                reject(R::BodyNotJson),
            ),
            (
                "stripe: signed JSON without id",
                b"{\"object\":\"event\"}",
                reject(R::MissingIdField),
            ),
            (
                "stripe: id nested, not top level",
                b"{\"data\":{\"id\":\"evt_1\"}}",
                reject(R::MissingIdField),
            ),
            (
                "stripe: id is 1.5",
                b"{\"id\":1.5}",
                reject(R::BodyFieldType),
            ),
            (
                "stripe: id is an integer (string or integer is documented)",
                b"{\"id\":42}",
                accept("42", IdOrigin::Body),
            ),
            (
                "stripe: id is empty",
                b"{\"id\":\"\"}",
                reject(R::BodyIdSyntax),
            ),
            (
                "stripe: id over MAX_ID_LEN in the body",
                &id_over_max_len("id")[..],
                reject(R::BodyIdSyntax),
            ),
        ],
    );

    cases.into_vec()
}
