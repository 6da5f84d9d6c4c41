//! Standard Webhooks: headers present, absent, empty, huge, repeated.

use hookshield_core::{Reason as R, headers};

use crate::support::{
    Case, Cases, NOW, Preset::StandardWebhooks as Sw, SW_BODY, SwBaseline, accept_baseline, map,
    plus, reject, renamed, with, without,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let sw = SwBaseline::new();
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();

    cases.add(
        "sw: valid baseline",
        Sw,
        sw.headers.clone(),
        SW_BODY,
        accept_baseline(),
    );
    cases.add(
        "sw: valid baseline through http::HeaderMap",
        Sw,
        map(&sw.headers),
        SW_BODY,
        accept_baseline(),
    );
    cases.table(
        Sw,
        SW_BODY,
        [
            (
                "sw: svix-* header names only",
                renamed(sw.headers.clone(), "webhook-", "svix-"),
                accept_baseline(),
            ),
            (
                "sw: webhook-signature wins over a garbage svix-signature",
                plus(sw.headers.clone(), "svix-signature", "garbage"),
                accept_baseline(),
            ),
            (
                "sw: missing signature header",
                without(sw.headers.clone(), "webhook-signature"),
                reject(R::MissingSignature),
            ),
            (
                "sw: missing timestamp header",
                without(sw.headers.clone(), "webhook-timestamp"),
                reject(R::MissingTimestamp),
            ),
            (
                "sw: missing id header",
                without(sw.headers.clone(), "webhook-id"),
                reject(R::MissingId),
            ),
            (
                "sw: no headers at all",
                Vec::new(),
                reject(R::MissingSignature),
            ),
            (
                "sw: empty signature value",
                with(sw.headers.clone(), "webhook-signature", ""),
                reject(R::MissingSignature),
            ),
            (
                "sw: signature value of spaces only",
                with(sw.headers.clone(), "webhook-signature", "   "),
                reject(R::MissingSignature),
            ),
            (
                "sw: empty timestamp value",
                with(sw.headers.clone(), "webhook-timestamp", ""),
                reject(R::MissingTimestamp),
            ),
            (
                "sw: empty id value",
                with(sw.headers.clone(), "webhook-id", ""),
                reject(R::MissingId),
            ),
            (
                "sw: signature value over 8 KiB",
                with(
                    sw.headers.clone(),
                    "webhook-signature",
                    format!("{} {}", sw.sig, "v2,x ".repeat(over / 5)),
                ),
                reject(R::HeaderTooLong),
            ),
            (
                "sw: timestamp value over 8 KiB (all digits)",
                with(sw.headers.clone(), "webhook-timestamp", "1".repeat(over)),
                reject(R::HeaderTooLong),
            ),
            (
                "sw: id value over 8 KiB",
                with(sw.headers.clone(), "webhook-id", "a".repeat(over)),
                reject(R::HeaderTooLong),
            ),
            (
                "sw: signature of exactly 8 KiB: read, then too long for base64",
                with(
                    sw.headers.clone(),
                    "webhook-signature",
                    format!(
                        "v1,{}",
                        "A".repeat(headers::MAX_HEADER_VALUE.checked_sub(3).unwrap())
                    ),
                ),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: id of exactly 8 KiB: read, then over MAX_ID_LEN",
                with(
                    sw.headers.clone(),
                    "webhook-id",
                    "a".repeat(headers::MAX_HEADER_VALUE),
                ),
                reject(R::IdSyntax),
            ),
            (
                "sw: 64 KiB header hookshield does not read",
                plus(sw.headers.clone(), "x-padding", "p".repeat(64 * 1024)),
                accept_baseline(),
            ),
            (
                "sw: repeated signature header (identical values)",
                plus(sw.headers.clone(), "webhook-signature", sw.sig.as_str()),
                reject(R::RepeatedHeader),
            ),
            (
                "sw: repeated signature header, names differing in case",
                plus(sw.headers.clone(), "WEBHOOK-SIGNATURE", "v1,AAAA"),
                reject(R::RepeatedHeader),
            ),
        ],
    );
    cases.add(
        "sw: repeated signature header in an http::HeaderMap",
        Sw,
        map(&plus(
            sw.headers.clone(),
            "webhook-signature",
            sw.sig.as_str(),
        )),
        SW_BODY,
        reject(R::RepeatedHeader),
    );
    cases.table(
        Sw,
        SW_BODY,
        [
            (
                "sw: repeated timestamp header",
                plus(sw.headers.clone(), "webhook-timestamp", NOW.to_string()),
                reject(R::RepeatedHeader),
            ),
            (
                "sw: repeated id header",
                plus(sw.headers.clone(), "webhook-id", "msg_2"),
                reject(R::RepeatedHeader),
            ),
            (
                "sw: repeated svix-signature when webhook-signature is absent",
                plus(
                    renamed(sw.headers.clone(), "webhook-", "svix-"),
                    "svix-signature",
                    sw.sig.as_str(),
                ),
                reject(R::RepeatedHeader),
            ),
            (
                "sw: two huge signature values: repeated is reported first",
                vec![
                    ("webhook-signature".to_owned(), vec![b'x'; over]),
                    ("webhook-signature".to_owned(), vec![b'y'; over]),
                ],
                reject(R::RepeatedHeader),
            ),
            (
                "sw: webhook-signature with svix-timestamp and svix-id (names mixed)",
                renamed(
                    renamed(sw.headers.clone(), "webhook-timestamp", "svix-timestamp"),
                    "webhook-id",
                    "svix-id",
                ),
                accept_baseline(),
            ),
            (
                "sw: an empty webhook-timestamp falls back to svix-timestamp",
                plus(
                    with(sw.headers.clone(), "webhook-timestamp", ""),
                    "svix-timestamp",
                    NOW.to_string(),
                ),
                accept_baseline(),
            ),
        ],
    );

    cases.into_vec()
}
