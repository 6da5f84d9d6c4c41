//! Standard Webhooks: timestamps.

use hookshield_core::Reason as R;

use crate::support::{
    Case, Cases, NOW, Preset::StandardWebhooks as Sw, SW_BODY, SwBaseline, accept_baseline, reject,
    sw_raw, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let sw = SwBaseline::new().headers;

    cases.values_refused(
        Sw,
        &sw,
        "webhook-timestamp",
        SW_BODY,
        R::TimestampSyntax,
        [
            ("sw: timestamp -1", "-1"),
            ("sw: timestamp i64::MIN", "-9223372036854775808"),
            (
                "sw: timestamp u64::MAX + 1 (overflow)",
                "18446744073709551616",
            ),
            (
                "sw: timestamp of 20 nines (overflow)",
                "99999999999999999999",
            ),
            ("sw: timestamp 1.5", "1.5"),
            ("sw: timestamp 1e9", "1e9"),
            ("sw: timestamp with a leading space", " 1700000000"),
            ("sw: timestamp with a trailing space", "1700000000 "),
            ("sw: timestamp +123", "+123"),
            ("sw: timestamp in hex 0x10", "0x10"),
            ("sw: timestamp of Arabic-Indic digit three", "\u{663}"),
            (
                "sw: timestamp in Arabic-Indic digits",
                "\u{661}\u{667}\u{660}\u{660}",
            ),
            ("sw: timestamp of fullwidth digits", "\u{ff11}\u{ff17}"),
            ("sw: timestamp with a NUL", "1700000000\0"),
        ],
    );
    // Timestamps sent with a signature that does not cover them, or signed exactly as
    // sent (sw_raw), whatever their digits.
    cases.table(
        Sw,
        SW_BODY,
        [
            (
                "sw: timestamp i64::MAX sent unsigned (valid syntax, MAC covers t)",
                with(sw.clone(), "webhook-timestamp", i64::MAX.to_string()),
                reject(R::SignatureMismatch),
            ),
            (
                "sw: timestamp i64::MAX correctly signed",
                sw_raw("msg_1", &i64::MAX.to_string(), SW_BODY),
                reject(R::TimestampTooNew),
            ),
            (
                "sw: timestamp u64::MAX correctly signed",
                sw_raw("msg_1", &u64::MAX.to_string(), SW_BODY),
                reject(R::TimestampTooNew),
            ),
            (
                "sw: timestamp 0123 (leading zero: allowed digits) correctly signed",
                sw_raw("msg_1", "0123", SW_BODY),
                reject(R::TimestampTooOld),
            ),
            (
                "sw: timestamp 0123 sent unsigned",
                with(sw.clone(), "webhook-timestamp", "0123"),
                reject(R::SignatureMismatch),
            ),
            (
                "sw: now with a leading zero, signed as sent",
                sw_raw("msg_1", "01700000000", SW_BODY),
                accept_baseline(),
            ),
            (
                "sw: now zero-padded to 20 digits, signed as sent",
                sw_raw("msg_1", "00000000001700000000", SW_BODY),
                accept_baseline(),
            ),
            (
                "sw: now zero-padded to 21 digits (over 20), signed as sent",
                sw_raw("msg_1", "000000000001700000000", SW_BODY),
                reject(R::TimestampSyntax),
            ),
        ],
    );
    cases.signed_at(
        Sw,
        SW_BODY,
        [
            (
                "sw: timestamp 0 (epoch) correctly signed",
                -NOW,
                reject(R::TimestampTooOld),
            ),
            ("sw: stale by 301 s", -301, reject(R::TimestampTooOld)),
            ("sw: 300 s old (inclusive edge)", -300, accept_baseline()),
            ("sw: 301 s in the future", 301, reject(R::TimestampTooNew)),
            (
                "sw: 300 s in the future (inclusive edge)",
                300,
                accept_baseline(),
            ),
        ],
    );

    cases.into_vec()
}
