//! PagerDuty: `v1=<hex>[,v1=<hex>]` over the body, id at the nested path `event.id`.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    Case, Cases, Expect, PAGERDUTY_BODY, Preset::Pagerduty, accept, baseline, get_str, reject,
};

const PD: &str = "X-PagerDuty-Signature";

fn id(id: &str) -> Expect {
    accept(id, IdOrigin::Body)
}

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let nest = |n: usize| format!("{}0{}", "[".repeat(n), "]".repeat(n));
    let deep_before = format!("{{\"x\":{},\"event\":{{\"id\":\"deep\"}}}}", nest(100_000));
    let deep_inside = format!("{{\"event\":{{\"x\":{},\"id\":\"deep\"}}}}", nest(100_000));
    let deep_event = format!("{{\"event\":{},\"id\":\"top\"}}", nest(100_000));
    let deep_id = format!("{{\"event\":{{\"id\":{}}}}}", nest(100_000));
    let unterminated = format!("{{\"event\":{}", "[".repeat(100_000));

    cases.signed_bodies(
        Pagerduty,
        [
            ("pagerduty: valid baseline", PAGERDUTY_BODY, id("01DEN")),
            (
                "pagerduty: decoys before event.id (top-level id, data.event.id, event.data.id)",
                br#"{"id":"top","data":{"event":{"id":"deeper"}},"event":{"data":{"id":"deeper2"},"id":"right"}}"#,
                id("right"),
            ),
            (
                "pagerduty: event key written with an escape",
                br#"{"\u0065vent":{"id":"esc"}}"#,
                id("esc"),
            ),
            (
                "pagerduty: top-level id only",
                br#"{"id":"top","event_type":"x"}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: event is null",
                br#"{"event":null,"id":"top"}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: event is a string",
                br#"{"event":"id"}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: event is an array holding an id",
                br#"{"event":[{"id":"in-array"}]}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: event is an empty object",
                br#"{"event":{}}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: event.id is a float",
                br#"{"event":{"id":1.5}}"#,
                reject(R::BodyFieldType),
            ),
            (
                "pagerduty: event.id is true",
                br#"{"event":{"id":true}}"#,
                reject(R::BodyFieldType),
            ),
            (
                "pagerduty: event.id is an object",
                br#"{"event":{"id":{"id":"x"}}}"#,
                reject(R::BodyFieldType),
            ),
            (
                "pagerduty: event.id is null",
                br#"{"event":{"id":null}}"#,
                reject(R::BodyFieldType),
            ),
            (
                "pagerduty: event.id is an integer",
                br#"{"event":{"id":42}}"#,
                id("42"),
            ),
            (
                "pagerduty: event.id is empty",
                br#"{"event":{"id":""}}"#,
                reject(R::BodyIdSyntax),
            ),
            (
                "pagerduty: a later second event object does not override an id-less first",
                br#"{"event":{"x":1},"event":{"id":"late"}}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: a later second event object does not override the first id",
                br#"{"event":{"id":"first"},"event":{"id":"late"}}"#,
                id("first"),
            ),
            (
                "pagerduty: a later event object does not override a null event",
                br#"{"event":null,"event":{"id":"late"}}"#,
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: first of two event.id members wins",
                br#"{"event":{"id":"one","id":"two"}}"#,
                id("one"),
            ),
            (
                "pagerduty: unread rest of the body after event.id",
                br#"{"event":{"id":"evt"}, not json at all"#,
                id("evt"),
            ),
            (
                "pagerduty: broken JSON inside event before its id",
                br#"{"event":{"x":[1,}, "id":"evt"}}"#,
                reject(R::BodyNotJson),
            ),
            (
                "pagerduty: signed body not JSON",
                b"event.id=01DEN",
                reject(R::BodyNotJson),
            ),
            (
                "pagerduty: signed body is a JSON array",
                br#"[{"event":{"id":"01DEN"}}]"#,
                reject(R::BodyNotJson),
            ),
            (
                "pagerduty: 100 000 nested arrays in a skipped member before event",
                deep_before.as_bytes(),
                id("deep"),
            ),
            (
                "pagerduty: 100 000 nested arrays in a skipped member inside event",
                deep_inside.as_bytes(),
                id("deep"),
            ),
            (
                "pagerduty: event is 100 000 nested arrays",
                deep_event.as_bytes(),
                reject(R::MissingIdField),
            ),
            (
                "pagerduty: event.id is 100 000 nested arrays",
                deep_id.as_bytes(),
                reject(R::BodyFieldType),
            ),
            (
                "pagerduty: event is 100 000 unterminated arrays",
                unterminated.as_bytes(),
                reject(R::BodyNotJson),
            ),
        ],
    );
    let pd = baseline(Pagerduty, PAGERDUTY_BODY);
    let v1 = get_str(&pd, PD);
    cases.values(
        Pagerduty,
        &pd,
        PD,
        PAGERDUTY_BODY,
        [
            (
                "pagerduty: v1=zz before the valid v1",
                format!("v1=zz,{v1}"),
                id("01DEN"),
            ),
            (
                "pagerduty: another secret's v1 beside the valid one",
                format!("v1={},{v1}", "00".repeat(32)),
                id("01DEN"),
            ),
            (
                "pagerduty: v1=zz only",
                "v1=zz".to_owned(),
                reject(R::SignatureEncoding),
            ),
            (
                "pagerduty: bare hex without v1=",
                v1.strip_prefix("v1=").unwrap().to_owned(),
                reject(R::SignatureSyntax),
            ),
            (
                "pagerduty: v2 only",
                v1.replace("v1=", "v2="),
                reject(R::NoSupportedSignature),
            ),
        ],
    );
    cases.add(
        "pagerduty: valid v1, body of another event",
        Pagerduty,
        pd,
        br#"{"event":{"id":"01OTHER"}}"#,
        reject(R::SignatureMismatch),
    );

    cases.into_vec()
}
