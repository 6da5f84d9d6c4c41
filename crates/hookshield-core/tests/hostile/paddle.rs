//! Paddle: `ts=…;h1=…[;h1=…]` over `{ts}:{body}`, undecodable `h1` skipped, a 5 s past /
//! 60 s future window, id in the body.

use hookshield_core::{IdOrigin, MAX_SIGNATURES, Reason as R};

use crate::support::{
    Case, Cases, Expect, NOW, PADDLE_BODY, Preset::Paddle, accept, baseline, get_str, hmac_hex,
    plus, reject,
};

const PS: &str = "Paddle-Signature";

fn ok() -> Expect {
    accept("evt_01hv8x", IdOrigin::Body)
}

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let pd = baseline(Paddle, PADDLE_BODY);
    let pd_sig = get_str(&pd, PS);
    let h1 = pd_sig.split_once(";h1=").unwrap().1.to_owned();
    let ts = format!("ts={NOW}");
    let dummies = |n: usize| vec!["h1=dummy"; n].join(";");

    cases.table(
        Paddle,
        PADDLE_BODY,
        [
            ("paddle: valid baseline", pd.clone(), ok()),
            (
                "paddle: missing signature header",
                Vec::new(),
                reject(R::MissingSignature),
            ),
            (
                "paddle: repeated Paddle-Signature header",
                plus(pd.clone(), "paddle-signature", pd_sig.as_str()),
                reject(R::RepeatedHeader),
            ),
        ],
    );
    cases.values(
        Paddle,
        &pd,
        PS,
        PADDLE_BODY,
        [
            (
                "paddle: h1=dummy before the valid h1 (rotation test)",
                format!("{ts};h1=dummy;h1={h1}"),
                ok(),
            ),
            (
                "paddle: h1=dummy after the valid h1",
                format!("{ts};h1={h1};h1=dummy"),
                ok(),
            ),
            (
                "paddle: empty h1 before the valid h1",
                format!("{ts};h1=;h1={h1}"),
                ok(),
            ),
            (
                "paddle: h1=dummy only",
                format!("{ts};h1=dummy"),
                reject(R::SignatureEncoding),
            ),
            (
                "paddle: two undecodable h1 only",
                format!("{ts};h1=dummy;h1={}", &h1[1..]),
                reject(R::SignatureEncoding),
            ),
            (
                "paddle: MAX_SIGNATURES - 1 dummies, then the valid h1",
                format!(
                    "{ts};{};h1={h1}",
                    dummies(MAX_SIGNATURES.checked_sub(1).unwrap())
                ),
                ok(),
            ),
            (
                "paddle: MAX_SIGNATURES + 1 dummies, then the valid h1",
                format!(
                    "{ts};{};h1={h1}",
                    dummies(MAX_SIGNATURES.checked_add(1).unwrap())
                ),
                reject(R::TooManySignatures),
            ),
            (
                "paddle: ts missing",
                format!("h1={h1}"),
                reject(R::MissingTimestamp),
            ),
            (
                "paddle: ts given twice",
                format!("{ts};{ts};h1={h1}"),
                reject(R::SignatureSyntax),
            ),
            (
                "paddle: ts non-numeric",
                format!("ts=now;h1={h1}"),
                reject(R::TimestampSyntax),
            ),
            (
                "paddle: ts in milliseconds (unsigned, read first)",
                format!("ts={NOW}000;h1={h1}"),
                reject(R::SignatureMismatch),
            ),
            (
                "paddle: an item without '='",
                format!("{pd_sig};garbage"),
                reject(R::SignatureSyntax),
            ),
            (
                "paddle: Stripe's ',' between items",
                format!("{ts},h1={h1}"),
                reject(R::TimestampSyntax),
            ),
            (
                "paddle: v1 instead of h1",
                format!("{ts};v1={h1}"),
                reject(R::NoSupportedSignature),
            ),
            (
                "paddle: spaces around items",
                format!(" {ts} ; h1 = {h1} "),
                ok(),
            ),
        ],
    );
    // Signed exactly as sent at the given offset from NOW, each with its own MAC.
    for (name, offset, expect) in [
        ("paddle: 5 s old (the edge)", -5, ok()),
        ("paddle: 6 s old", -6, reject(R::TimestampTooOld)),
        ("paddle: 60 s ahead (the edge)", 60, ok()),
        ("paddle: 61 s ahead", 61, reject(R::TimestampTooNew)),
    ] {
        let t = NOW.checked_add(offset).unwrap().to_string();
        let mac = hmac_hex(Paddle, &[t.as_bytes(), b":", PADDLE_BODY]);
        let value = format!("ts={t};h1={mac}");
        cases.add(
            name,
            Paddle,
            vec![(PS.to_owned(), value.into_bytes())],
            PADDLE_BODY,
            expect,
        );
    }
    cases.add(
        "paddle: valid h1, body of another event",
        Paddle,
        pd.clone(),
        br#"{"event_id":"evt_other"}"#,
        reject(R::SignatureMismatch),
    );
    cases.signed_bodies(
        Paddle,
        [
            (
                "paddle: signed body without event_id",
                &br#"{"notification_id":"ntf_01","event_type":"x"}"#[..],
                reject(R::MissingIdField),
            ),
            (
                "paddle: event_id nested, not top level",
                br#"{"data":{"event_id":"evt_1"}}"#,
                reject(R::MissingIdField),
            ),
            (
                "paddle: signed body not JSON",
                b"event_id=evt_1",
                reject(R::BodyNotJson),
            ),
        ],
    );

    cases.into_vec()
}
