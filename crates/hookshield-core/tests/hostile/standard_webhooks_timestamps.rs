//! Standard Webhooks: timestamps.

use hookshield_core::{IdOrigin, Reason};

use crate::support::{
    Case, Expect, Headers, NOW, Preset, SW_BODY, accept, baseline, case, sign, sw_raw, with,
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

    for (name, t) in [
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
    ] {
        add(
            name,
            Sw,
            p(with(sw.clone(), "webhook-timestamp", t)),
            SW_BODY,
            Expect::Reject(R::TimestampSyntax),
        );
    }
    add(
        "sw: timestamp i64::MAX sent unsigned (valid syntax, MAC covers t)",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", i64::MAX.to_string())),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: timestamp i64::MAX correctly signed",
        Sw,
        p(sw_raw("msg_1", &i64::MAX.to_string(), SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "sw: timestamp u64::MAX correctly signed",
        Sw,
        p(sw_raw("msg_1", &u64::MAX.to_string(), SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "sw: timestamp 0123 (leading zero: allowed digits) correctly signed",
        Sw,
        p(sw_raw("msg_1", "0123", SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "sw: timestamp 0123 sent unsigned",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", "0123")),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: now with a leading zero, signed as sent",
        Sw,
        p(sw_raw("msg_1", "01700000000", SW_BODY)),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: now zero-padded to 20 digits, signed as sent",
        Sw,
        p(sw_raw("msg_1", "00000000001700000000", SW_BODY)),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: now zero-padded to 21 digits (over 20), signed as sent",
        Sw,
        p(sw_raw("msg_1", "000000000001700000000", SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampSyntax),
    );
    add(
        "sw: timestamp 0 (epoch) correctly signed",
        Sw,
        p(sign(Sw, SW_BODY, -NOW, "msg_1")),
        SW_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "sw: stale by 301 s",
        Sw,
        p(sign(Sw, SW_BODY, -301, "msg_1")),
        SW_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "sw: 300 s old (inclusive edge)",
        Sw,
        p(sign(Sw, SW_BODY, -300, "msg_1")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: 301 s in the future",
        Sw,
        p(sign(Sw, SW_BODY, 301, "msg_1")),
        SW_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "sw: 300 s in the future (inclusive edge)",
        Sw,
        p(sign(Sw, SW_BODY, 300, "msg_1")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    cases
}
