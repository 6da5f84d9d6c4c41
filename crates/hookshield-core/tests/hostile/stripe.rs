//! Stripe: k=v list, timestamp parameter, id in the body.

use hookshield_core::{IdOrigin, MAX_ID_LEN, MAX_SIGNATURES, Reason, Secret};

use crate::support::{
    BINARY_BODY, Case, Expect, Headers, NOW, Preset, SS, STRIPE_BODY, accept, baseline, case,
    get_str, plus, sign, sign_with, stripe_raw, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::Stripe;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;
    let many = MAX_SIGNATURES.checked_add(1).unwrap();

    let st = baseline(Stripe, STRIPE_BODY);
    let st_sig = get_str(&st, SS);
    let st_hex = st_sig.split_once(",v1=").unwrap().1.to_owned();
    let t_now = format!("t={NOW}");
    add(
        "stripe: valid baseline",
        Stripe,
        p(st.clone()),
        STRIPE_BODY,
        accept("evt_1", IdOrigin::Body),
    );
    add(
        "stripe: missing signature header",
        Stripe,
        p(Vec::new()),
        STRIPE_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "stripe: empty signature value (no t)",
        Stripe,
        p(with(st.clone(), SS, "")),
        STRIPE_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "stripe: v1 without t",
        Stripe,
        p(with(st.clone(), SS, format!("v1={st_hex}"))),
        STRIPE_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "stripe: t given twice",
        Stripe,
        p(with(st.clone(), SS, format!("{t_now},t={NOW},v1={st_hex}"))),
        STRIPE_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "stripe: repeated Stripe-Signature header",
        Stripe,
        p(plus(st.clone(), "stripe-signature", st_sig.as_str())),
        STRIPE_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    for (name, t) in [
        ("stripe: t=-1", "-1"),
        ("stripe: t=i64::MIN", "-9223372036854775808"),
        ("stripe: t=u64::MAX+1", "18446744073709551616"),
        ("stripe: t=1e9", "1e9"),
        ("stripe: t=1.5", "1.5"),
        ("stripe: t empty", ""),
    ] {
        add(
            name,
            Stripe,
            p(with(st.clone(), SS, format!("t={t},v1={st_hex}"))),
            STRIPE_BODY,
            Expect::Reject(R::TimestampSyntax),
        );
    }
    add(
        "stripe: t=i64::MAX correctly signed",
        Stripe,
        p(stripe_raw(&i64::MAX.to_string(), STRIPE_BODY)),
        STRIPE_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "stripe: v0 signature only",
        Stripe,
        p(with(st.clone(), SS, format!("{t_now},v0={st_hex}"))),
        STRIPE_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "stripe: t only",
        Stripe,
        p(with(st.clone(), SS, t_now.as_str())),
        STRIPE_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "stripe: an item without '='",
        Stripe,
        p(with(st.clone(), SS, format!("{st_sig},garbage"))),
        STRIPE_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "stripe: spaces and empty items around valid pairs",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!(" t = {NOW} ,, v1 = {st_hex} ,"),
        )),
        STRIPE_BODY,
        accept("evt_1", IdOrigin::Body),
    );
    add(
        "stripe: hex of odd length",
        Stripe,
        p(with(st.clone(), SS, format!("{t_now},v1={}", &st_hex[1..]))),
        STRIPE_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "stripe: hex with a non-hex character",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!("{t_now},v1=g{}", &st_hex[1..]),
        )),
        STRIPE_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "stripe: upper-case hex",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!("{t_now},v1={}", st_hex.to_ascii_uppercase()),
        )),
        STRIPE_BODY,
        accept("evt_1", IdOrigin::Body),
    );
    add(
        "stripe: MAX_SIGNATURES + 1 v1 values",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!("{t_now},{}", vec![format!("v1={st_hex}"); many].join(",")),
        )),
        STRIPE_BODY,
        Expect::Reject(R::TooManySignatures),
    );
    add(
        "stripe: signed with another secret",
        Stripe,
        p(sign_with(
            Stripe,
            Secret::from_text("whsec_other").unwrap(),
            STRIPE_BODY,
            0,
            "x",
        )),
        STRIPE_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "stripe: stale by 301 s",
        Stripe,
        p(sign(Stripe, STRIPE_BODY, -301, "x")),
        STRIPE_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "stripe: 301 s in the future",
        Stripe,
        p(sign(Stripe, STRIPE_BODY, 301, "x")),
        STRIPE_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    for (name, body, expect) in [
        (
            "stripe: signed body that is not JSON",
            &b"id=evt_1&type=x"[..],
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed empty body",
            b"",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed non-UTF-8 body",
            BINARY_BODY,
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed JSON array",
            b"[{\"id\":\"evt_1\"}]",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed JSON without id",
            b"{\"object\":\"event\"}",
            Expect::Reject(R::MissingId),
        ),
        (
            "stripe: id nested, not top level",
            b"{\"data\":{\"id\":\"evt_1\"}}",
            Expect::Reject(R::MissingId),
        ),
        (
            "stripe: id is 1.5",
            b"{\"id\":1.5}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "stripe: id is an integer (string or integer is documented)",
            b"{\"id\":42}",
            accept("42", IdOrigin::Body),
        ),
        (
            "stripe: id is empty",
            b"{\"id\":\"\"}",
            Expect::Reject(R::IdSyntax),
        ),
    ] {
        add(name, Stripe, p(sign(Stripe, body, 0, "x")), body, expect);
    }
    let long_id_body = format!(
        "{{\"id\":\"{}\"}}",
        "e".repeat(MAX_ID_LEN.checked_add(1).unwrap())
    );
    add(
        "stripe: id over MAX_ID_LEN in the body",
        Stripe,
        p(sign(Stripe, long_id_body.as_bytes(), 0, "x")),
        long_id_body.as_bytes(),
        Expect::Reject(R::IdSyntax),
    );

    cases
}
