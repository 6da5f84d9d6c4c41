//! Linear: hex MAC of the body, timestamp in the body's `webhookTimestamp` (Unix
//! milliseconds, ±60 s), optional id in the unsigned `Linear-Delivery` header.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    Case, Cases, Expect, NOW, Preset::Linear, accept, accept_baseline, baseline, digest, map, plus,
    reject, with, without,
};

const DELIVERY: &str = "Linear-Delivery";

/// A Linear body whose `webhookTimestamp` is `ts` as written.
fn body(ts: &str) -> Vec<u8> {
    format!(r#"{{"action":"create","type":"Issue","data":{{"id":"9cfb"}},"webhookTimestamp":{ts},"webhookId":"000042e3"}}"#)
        .into_bytes()
}

/// A body stamped `ms` milliseconds from [`NOW`].
fn at_ms(ms: i64) -> Vec<u8> {
    let stamp = NOW
        .checked_mul(1000)
        .and_then(|n| n.checked_add(ms))
        .unwrap();
    body(&stamp.to_string())
}

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let now_ms = format!("{NOW}000");
    let valid = body(&now_ms);
    let ok = accept_baseline;

    let bodies: Vec<(&'static str, Vec<u8>, Expect)> = vec![
        ("linear: valid baseline", valid.clone(), ok()),
        (
            "linear: webhookTimestamp as a string of digits (string or integer, as ids)",
            body(&format!("\"{now_ms}\"")),
            ok(),
        ),
        (
            "linear: webhookTimestamp as an RFC 3339 string",
            body("\"2023-11-14T22:13:20Z\""),
            reject(R::BodyTimestampSyntax),
        ),
        (
            "linear: webhookTimestamp as an empty string",
            body("\"\""),
            reject(R::BodyTimestampSyntax),
        ),
        (
            "linear: webhookTimestamp as a float",
            body(&format!("{now_ms}.0")),
            reject(R::BodyFieldType),
        ),
        (
            "linear: webhookTimestamp with an exponent",
            body("1.7e12"),
            reject(R::BodyFieldType),
        ),
        (
            "linear: webhookTimestamp negative",
            body(&format!("-{now_ms}")),
            reject(R::BodyTimestampSyntax),
        ),
        (
            "linear: webhookTimestamp null",
            body("null"),
            reject(R::BodyFieldType),
        ),
        (
            "linear: webhookTimestamp over u64::MAX",
            body("18446744073709551616"),
            reject(R::BodyFieldType),
        ),
        (
            "linear: webhookTimestamp in seconds, not milliseconds (1970)",
            body(&NOW.to_string()),
            reject(R::TimestampTooOld),
        ),
        (
            "linear: webhookTimestamp missing",
            br#"{"action":"create","type":"Issue","data":{"id":"9cfb"}}"#.to_vec(),
            reject(R::MissingTimestampField),
        ),
        (
            "linear: webhookTimestamp nested, not top level",
            format!(r#"{{"data":{{"webhookTimestamp":{now_ms}}}}}"#).into_bytes(),
            reject(R::MissingTimestampField),
        ),
        (
            "linear: first of two webhookTimestamp fields wins (current first)",
            format!(r#"{{"webhookTimestamp":{now_ms},"webhookTimestamp":1}}"#).into_bytes(),
            ok(),
        ),
        (
            "linear: first of two webhookTimestamp fields wins (stale first)",
            format!(r#"{{"webhookTimestamp":1,"webhookTimestamp":{now_ms}}}"#).into_bytes(),
            reject(R::TimestampTooOld),
        ),
        ("linear: 60 s old (the edge)", at_ms(-60_000), ok()),
        (
            "linear: 60.001 s old",
            at_ms(-60_001),
            reject(R::TimestampTooOld),
        ),
        (
            "linear: 61 s old",
            at_ms(-61_000),
            reject(R::TimestampTooOld),
        ),
        ("linear: 60 s ahead (the edge)", at_ms(60_000), ok()),
        (
            "linear: 61 s ahead",
            at_ms(61_000),
            reject(R::TimestampTooNew),
        ),
        (
            "linear: signed body not JSON (the timestamp is required)",
            b"webhookTimestamp=1700000000000".to_vec(),
            reject(R::BodyNotJson),
        ),
    ];
    cases.signed_bodies(Linear, bodies);

    let lin = baseline(Linear, &valid);
    cases.table(
        Linear,
        &valid,
        [
            (
                "linear: Linear-Delivery missing (digest id)",
                without(lin.clone(), DELIVERY),
                digest(),
            ),
            (
                "linear: Linear-Delivery empty (digest id)",
                with(lin.clone(), DELIVERY, ""),
                digest(),
            ),
            (
                "linear: Linear-Delivery swapped (not signed)",
                with(
                    lin.clone(),
                    DELIVERY,
                    "234d1a4e-b617-4388-90fe-adc3633d6b72",
                ),
                accept("234d1a4e-b617-4388-90fe-adc3633d6b72", IdOrigin::Header),
            ),
            (
                "linear: Linear-Delivery with a control character",
                with(lin.clone(), DELIVERY, b"msg\x01"),
                reject(R::IdSyntax),
            ),
            (
                "linear: Linear-Delivery with DEL",
                with(lin.clone(), DELIVERY, b"msg\x7f1"),
                reject(R::IdSyntax),
            ),
            (
                "linear: repeated Linear-Delivery header",
                plus(lin.clone(), DELIVERY, "msg_2"),
                reject(R::RepeatedHeader),
            ),
        ],
    );
    cases.add(
        "linear: Linear-Delivery with an inner tab (via http::HeaderMap)",
        Linear,
        map(&with(lin.clone(), DELIVERY, b"msg\t1")),
        &valid,
        reject(R::IdSyntax),
    );
    cases.add(
        "linear: webhookTimestamp changed after signing",
        Linear,
        lin,
        &at_ms(1000),
        reject(R::SignatureMismatch),
    );

    cases.into_vec()
}
