//! RFC 3339 timestamps in a header: a Twitch-like custom scheme (`sha256=<hex>` over
//! `{id}{t}{body}`, default ±300 s window), each value signed exactly as sent.

use hookshield_core::{Reason as R, Scheme, SchemeBuilder, TimestampUnit};

use crate::support::{
    Case, Cases, Pairs, Preset::TwitchLike, accept_baseline, baseline, get_str, hmac_hex, map,
    plus, reject, with, without,
};

const SIG: &str = "Twitch-Eventsub-Message-Signature";
const TS: &str = "Twitch-Eventsub-Message-Timestamp";
const ID: &str = "Twitch-Eventsub-Message-Id";
const BODY: &[u8] = br#"{"subscription":{"type":"channel.follow"},"event":{"user_id":"1337"}}"#;

/// The scheme: Twitch EventSub's headers and signed content, timestamps in RFC 3339.
pub(crate) fn twitch_like() -> SchemeBuilder {
    Scheme::builder("twitch-like")
        .signature_header(SIG)
        .prefix("sha256=")
        .signed_content("{id}{t}{body}")
        .timestamp_header(TS)
        .timestamp_unit(TimestampUnit::Rfc3339)
        .id_header(ID)
}

/// The headers for [`BODY`] with timestamp `t` (bytes as sent, signed as sent), id `msg_1`.
fn signed(t: &[u8]) -> Pairs {
    let mac = hmac_hex(TwitchLike, &[b"msg_1", t, BODY]);
    vec![
        (ID.to_owned(), b"msg_1".to_vec()),
        (TS.to_owned(), t.to_vec()),
        (SIG.to_owned(), format!("sha256={mac}").into_bytes()),
    ]
}

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let ok = accept_baseline;
    // "2023-11-14T22:13:20." is 20 bytes: a fraction of 43 digits and `Z` make 64.
    let longest = format!("2023-11-14T22:13:20.{}Z", "0".repeat(43));
    let too_long = format!("2023-11-14T22:13:20.{}Z", "0".repeat(44));

    let tw = baseline(TwitchLike, BODY);
    cases.add(
        "rfc3339: valid baseline (the signer's own)",
        TwitchLike,
        tw.clone(),
        BODY,
        ok(),
    );
    for (name, t, expect) in [
        (
            "rfc3339: nanosecond fraction",
            &b"2023-11-14T22:13:20.634234626Z"[..],
            ok(),
        ),
        ("rfc3339: +01:00 offset", b"2023-11-14T23:13:20+01:00", ok()),
        (
            "rfc3339: -05:30 offset",
            b"2023-11-14T16:43:20.5-05:30",
            ok(),
        ),
        (
            "rfc3339: space instead of T (RFC 3339 section 5.6)",
            b"2023-11-14 22:13:20Z",
            ok(),
        ),
        (
            "rfc3339: 64 bytes (the longest read)",
            longest.as_bytes(),
            ok(),
        ),
        (
            "rfc3339: 65 bytes",
            too_long.as_bytes(),
            reject(R::TimestampSyntax),
        ),
        (
            "rfc3339: no offset",
            b"2023-11-14T22:13:20",
            reject(R::TimestampSyntax),
        ),
        (
            "rfc3339: date only",
            b"2023-11-14",
            reject(R::TimestampSyntax),
        ),
        (
            "rfc3339: Unix seconds",
            b"1700000000",
            reject(R::TimestampSyntax),
        ),
        (
            "rfc3339: month 13",
            b"2023-13-14T22:13:20Z",
            reject(R::TimestampSyntax),
        ),
        (
            "rfc3339: offset without colon",
            b"2023-11-14T23:13:20+0100",
            reject(R::TimestampSyntax),
        ),
        (
            "rfc3339: non-UTF-8 byte",
            b"2023-11-14T22:13:20\xffZ",
            reject(R::TimestampSyntax),
        ),
        ("rfc3339: empty", b"", reject(R::MissingTimestamp)),
        (
            "rfc3339: whitespace only",
            b"  ",
            reject(R::MissingTimestamp),
        ),
        (
            "rfc3339: 300 s old (the edge)",
            b"2023-11-14T22:08:20Z",
            ok(),
        ),
        (
            "rfc3339: 11 minutes old",
            b"2023-11-14T22:02:20Z",
            reject(R::TimestampTooOld),
        ),
        (
            "rfc3339: 11 minutes old, written +01:00",
            b"2023-11-14T23:02:20+01:00",
            reject(R::TimestampTooOld),
        ),
        (
            "rfc3339: 300.000000001 s old",
            b"2023-11-14T22:08:19.999999999Z",
            reject(R::TimestampTooOld),
        ),
        (
            "rfc3339: 300 s ahead (the edge)",
            b"2023-11-14T22:18:20Z",
            ok(),
        ),
        (
            "rfc3339: 11 minutes ahead",
            b"2023-11-14T22:24:20Z",
            reject(R::TimestampTooNew),
        ),
        (
            "rfc3339: year 9999",
            b"9999-12-31T23:59:59Z",
            reject(R::TimestampTooNew),
        ),
        (
            "rfc3339: year 0000",
            b"0000-01-01T00:00:00Z",
            reject(R::TimestampTooOld),
        ),
    ] {
        cases.add(name, TwitchLike, signed(t), BODY, expect);
    }
    cases.add(
        "rfc3339: non-UTF-8 byte (via http::HeaderMap)",
        TwitchLike,
        map(&signed(b"2023-11-14T22:13:20\xe9Z")),
        BODY,
        reject(R::TimestampSyntax),
    );
    // Another spelling of the same instant is other bytes: the signature covers the text.
    cases.add(
        "rfc3339: same instant respelled after signing",
        TwitchLike,
        with(tw.clone(), TS, "2023-11-14T23:13:20+01:00"),
        BODY,
        reject(R::SignatureMismatch),
    );
    cases.table(
        TwitchLike,
        BODY,
        [
            (
                "rfc3339: timestamp header missing",
                without(tw.clone(), TS),
                reject(R::MissingTimestamp),
            ),
            (
                "rfc3339: repeated timestamp header",
                plus(tw.clone(), TS, "2023-11-14T22:13:20Z"),
                reject(R::RepeatedHeader),
            ),
            (
                "rfc3339: id header missing",
                without(tw.clone(), ID),
                reject(R::MissingId),
            ),
            (
                "rfc3339: id swapped (signed)",
                with(tw.clone(), ID, "msg_2"),
                reject(R::SignatureMismatch),
            ),
            (
                "rfc3339: signature without its sha256= prefix",
                with(
                    tw.clone(),
                    SIG,
                    get_str(&tw, SIG).strip_prefix("sha256=").unwrap(),
                ),
                reject(R::SignatureSyntax),
            ),
        ],
    );

    cases.into_vec()
}
