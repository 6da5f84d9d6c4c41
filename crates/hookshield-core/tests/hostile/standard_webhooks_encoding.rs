//! Standard Webhooks: non-ASCII and control bytes in headers.

use hookshield_core::{IdOrigin, MAX_ID_LEN, Reason};

use crate::support::{
    Case, Expect, Headers, Preset, SW_BODY, accept, baseline, case, get_str, map, sign, with,
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
    let sw_b64 = sw_sig.strip_prefix("v1,").unwrap().to_owned();

    add(
        "sw: obs-text timestamp (http::HeaderMap)",
        Sw,
        map(&with(sw.clone(), "webhook-timestamp", b"17\xff\xfe00")),
        SW_BODY,
        Expect::Reject(R::TimestampSyntax),
    );
    add(
        "sw: obs-text id, not UTF-8 (http::HeaderMap)",
        Sw,
        map(&with(sw.clone(), "webhook-id", b"msg_\xff\xfe")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: obs-text id, not UTF-8 (pairs)",
        Sw,
        p(with(sw.clone(), "webhook-id", b"\x80")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: obs-text signature (http::HeaderMap)",
        Sw,
        map(&with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}\u{e9}", &sw_b64[1..]),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: obs-text version tag (http::HeaderMap)",
        Sw,
        map(&with(
            sw.clone(),
            "webhook-signature",
            format!("v\u{b9},{sw_b64}"),
        )),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    let utf8_id = "msg_\u{e9}\u{2713}\u{1f600}";
    let sw_utf8 = sign(Sw, SW_BODY, 0, utf8_id);
    add(
        "sw: UTF-8 non-ASCII id, signed (pairs)",
        Sw,
        p(sw_utf8.clone()),
        SW_BODY,
        accept(utf8_id, IdOrigin::Header),
    );
    add(
        "sw: UTF-8 non-ASCII id, signed (http::HeaderMap)",
        Sw,
        map(&sw_utf8),
        SW_BODY,
        accept(utf8_id, IdOrigin::Header),
    );
    add(
        "sw: id with a C1 control (U+0085)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_\u{85}")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with U+0085 (http::HeaderMap)",
        Sw,
        map(&with(sw.clone(), "webhook-id", "msg_\u{85}")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with DEL",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_\x7f")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with a tab (http::HeaderMap allows it)",
        Sw,
        map(&with(sw.clone(), "webhook-id", "msg\t1")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with CR LF (pairs only)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_1\r\nx-injected: 1")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with NUL (pairs only)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_\x001")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    let longest = "i".repeat(MAX_ID_LEN);
    add(
        "sw: id of exactly MAX_ID_LEN bytes, signed",
        Sw,
        p(sign(Sw, SW_BODY, 0, &longest)),
        SW_BODY,
        accept(&longest, IdOrigin::Header),
    );
    add(
        "sw: id of MAX_ID_LEN + 1 bytes",
        Sw,
        p(with(
            sw.clone(),
            "webhook-id",
            "i".repeat(MAX_ID_LEN.checked_add(1).unwrap()),
        )),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id of MAX_ID_LEN bytes in 2-byte characters (over by bytes)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-id",
            "\u{e9}".repeat(MAX_ID_LEN / 2 + 1),
        )),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );

    cases
}
