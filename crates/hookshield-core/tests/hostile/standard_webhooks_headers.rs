//! Standard Webhooks: headers present, absent, empty, huge, repeated.

use hookshield_core::{IdOrigin, Reason, headers};

use crate::support::{
    Case, Expect, Headers, NOW, Preset, SW_BODY, accept, baseline, case, get_str, map, plus,
    renamed, with, without,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::StandardWebhooks as Sw;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    let sw = baseline(Sw, SW_BODY);
    let sw_sig = get_str(&sw, "webhook-signature");
    add(
        "sw: valid baseline",
        Sw,
        p(sw.clone()),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: valid baseline through http::HeaderMap",
        Sw,
        map(&sw),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: svix-* header names only",
        Sw,
        p(renamed(sw.clone(), "webhook-", "svix-")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: webhook-signature wins over a garbage svix-signature",
        Sw,
        p(plus(sw.clone(), "svix-signature", "garbage")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: missing signature header",
        Sw,
        p(without(sw.clone(), "webhook-signature")),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: missing timestamp header",
        Sw,
        p(without(sw.clone(), "webhook-timestamp")),
        SW_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "sw: missing id header",
        Sw,
        p(without(sw.clone(), "webhook-id")),
        SW_BODY,
        Expect::Reject(R::MissingId),
    );
    add(
        "sw: no headers at all",
        Sw,
        p(Vec::new()),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: empty signature value",
        Sw,
        p(with(sw.clone(), "webhook-signature", "")),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: signature value of spaces only",
        Sw,
        p(with(sw.clone(), "webhook-signature", "   ")),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: empty timestamp value",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", "")),
        SW_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "sw: empty id value",
        Sw,
        p(with(sw.clone(), "webhook-id", "")),
        SW_BODY,
        Expect::Reject(R::MissingId),
    );
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();
    add(
        "sw: signature value over 8 KiB",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("{sw_sig} {}", "v2,x ".repeat(over / 5)),
        )),
        SW_BODY,
        Expect::Reject(R::HeaderTooLong),
    );
    add(
        "sw: timestamp value over 8 KiB (all digits)",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", "1".repeat(over))),
        SW_BODY,
        Expect::Reject(R::HeaderTooLong),
    );
    add(
        "sw: id value over 8 KiB",
        Sw,
        p(with(sw.clone(), "webhook-id", "a".repeat(over))),
        SW_BODY,
        Expect::Reject(R::HeaderTooLong),
    );
    add(
        "sw: signature of exactly 8 KiB: read, then too long for base64",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!(
                "v1,{}",
                "A".repeat(headers::MAX_HEADER_VALUE.checked_sub(3).unwrap())
            ),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: id of exactly 8 KiB: read, then over MAX_ID_LEN",
        Sw,
        p(with(
            sw.clone(),
            "webhook-id",
            "a".repeat(headers::MAX_HEADER_VALUE),
        )),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: 64 KiB header hookshield does not read",
        Sw,
        p(plus(sw.clone(), "x-padding", "p".repeat(64 * 1024))),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: repeated signature header (identical values)",
        Sw,
        p(plus(sw.clone(), "webhook-signature", sw_sig.as_str())),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated signature header, names differing in case",
        Sw,
        p(plus(sw.clone(), "WEBHOOK-SIGNATURE", "v1,AAAA")),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated signature header in an http::HeaderMap",
        Sw,
        map(&plus(sw.clone(), "webhook-signature", sw_sig.as_str())),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated timestamp header",
        Sw,
        p(plus(sw.clone(), "webhook-timestamp", NOW.to_string())),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated id header",
        Sw,
        p(plus(sw.clone(), "webhook-id", "msg_2")),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated svix-signature when webhook-signature is absent",
        Sw,
        p(plus(
            renamed(sw.clone(), "webhook-", "svix-"),
            "svix-signature",
            sw_sig.as_str(),
        )),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: two huge signature values: repeated is reported first",
        Sw,
        p(vec![
            ("webhook-signature".to_owned(), vec![b'x'; over]),
            ("webhook-signature".to_owned(), vec![b'y'; over]),
        ]),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: webhook-signature with svix-timestamp and svix-id (names mixed)",
        Sw,
        p(renamed(
            renamed(sw.clone(), "webhook-timestamp", "svix-timestamp"),
            "webhook-id",
            "svix-id",
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: an empty webhook-timestamp falls back to svix-timestamp",
        Sw,
        p(plus(
            with(sw.clone(), "webhook-timestamp", ""),
            "svix-timestamp",
            NOW.to_string(),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    cases
}
