//! Standard Webhooks: non-ASCII and control bytes in headers.

use hookshield_core::{IdOrigin, MAX_ID_LEN, Reason as R};

use crate::support::{
    Case, Cases, Headers, Preset::StandardWebhooks as Sw, SW_BODY, SwBaseline, accept, map, reject,
    sign, with,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let sw = SwBaseline::new();
    // The baseline with one header changed, as pairs or as an http::HeaderMap.
    let pairs = |name: &str, value: &[u8]| Headers::Pairs(with(sw.headers.clone(), name, value));
    let in_map = |name: &str, value: &[u8]| map(&with(sw.headers.clone(), name, value));
    let utf8_id = "msg_\u{e9}\u{2713}\u{1f600}";
    let sw_utf8 = sign(Sw, SW_BODY, 0, utf8_id);
    let longest = "i".repeat(MAX_ID_LEN);

    cases.table(
        Sw,
        SW_BODY,
        [
            (
                "sw: obs-text timestamp (http::HeaderMap)",
                in_map("webhook-timestamp", b"17\xff\xfe00"),
                reject(R::TimestampSyntax),
            ),
            (
                "sw: obs-text id, not UTF-8 (http::HeaderMap)",
                in_map("webhook-id", b"msg_\xff\xfe"),
                reject(R::IdSyntax),
            ),
            (
                "sw: obs-text id, not UTF-8 (pairs)",
                pairs("webhook-id", b"\x80"),
                reject(R::IdSyntax),
            ),
            (
                "sw: obs-text signature (http::HeaderMap)",
                in_map(
                    "webhook-signature",
                    format!("v1,{}\u{e9}", &sw.b64[1..]).as_bytes(),
                ),
                reject(R::SignatureEncoding),
            ),
            (
                "sw: obs-text version tag (http::HeaderMap)",
                in_map(
                    "webhook-signature",
                    format!("v\u{b9},{}", sw.b64).as_bytes(),
                ),
                reject(R::NoSupportedSignature),
            ),
            (
                "sw: UTF-8 non-ASCII id, signed (pairs)",
                Headers::Pairs(sw_utf8.clone()),
                accept(utf8_id, IdOrigin::Header),
            ),
            (
                "sw: UTF-8 non-ASCII id, signed (http::HeaderMap)",
                map(&sw_utf8),
                accept(utf8_id, IdOrigin::Header),
            ),
            (
                "sw: id with a C1 control (U+0085)",
                pairs("webhook-id", "msg_\u{85}".as_bytes()),
                reject(R::IdSyntax),
            ),
            (
                "sw: id with U+0085 (http::HeaderMap)",
                in_map("webhook-id", "msg_\u{85}".as_bytes()),
                reject(R::IdSyntax),
            ),
            (
                "sw: id with DEL",
                pairs("webhook-id", b"msg_\x7f"),
                reject(R::IdSyntax),
            ),
            (
                "sw: id with a tab (http::HeaderMap allows it)",
                in_map("webhook-id", b"msg\t1"),
                reject(R::IdSyntax),
            ),
            (
                "sw: id with CR LF (pairs only)",
                pairs("webhook-id", b"msg_1\r\nx-injected: 1"),
                reject(R::IdSyntax),
            ),
            (
                "sw: id with NUL (pairs only)",
                pairs("webhook-id", b"msg_\x001"),
                reject(R::IdSyntax),
            ),
            (
                "sw: id of exactly MAX_ID_LEN bytes, signed",
                Headers::Pairs(sign(Sw, SW_BODY, 0, &longest)),
                accept(&longest, IdOrigin::Header),
            ),
            (
                "sw: id of MAX_ID_LEN + 1 bytes",
                pairs(
                    "webhook-id",
                    "i".repeat(MAX_ID_LEN.checked_add(1).unwrap()).as_bytes(),
                ),
                reject(R::IdSyntax),
            ),
            (
                "sw: id of MAX_ID_LEN bytes in 2-byte characters (over by bytes)",
                pairs("webhook-id", "\u{e9}".repeat(MAX_ID_LEN / 2 + 1).as_bytes()),
                reject(R::IdSyntax),
            ),
        ],
    );

    cases.into_vec()
}
