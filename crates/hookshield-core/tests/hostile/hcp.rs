//! HCP: HMAC-SHA512 hex, id in the body.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    BINARY_BODY, Case, Cases, HCP_BODY, Preset::Hcp, accept, baseline, get_str, id_over_max_len,
    reject,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    let deep = format!(
        "{{\"x\":{}0{},\"event_id\":\"deep\"}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let deep_id = format!(
        "{{\"event_id\":{}0{}}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let unterminated = "[".repeat(100_000);

    cases.signed_bodies(
        Hcp,
        [
            (
                "hcp: valid baseline",
                HCP_BODY,
                accept("webhook.event:abc123", IdOrigin::Body),
            ),
            (
                "hcp: body not JSON",
                &b"not json"[..],
                reject(R::BodyNotJson),
            ),
            (
                "hcp: body non-UTF-8 bytes",
                BINARY_BODY,
                reject(R::BodyNotJson),
            ),
            (
                "hcp: body is a JSON string",
                b"\"event_id\"",
                reject(R::BodyNotJson),
            ),
            (
                "hcp: body is an unterminated object",
                b"{\"x\":1,",
                reject(R::BodyNotJson),
            ),
            (
                "hcp: body has trailing garbage after a complete object",
                b"{\"x\":1} trailing",
                reject(R::BodyNotJson),
            ),
            (
                "hcp: event_id is a float",
                b"{\"event_id\":1.5}",
                reject(R::BodyFieldType),
            ),
            (
                "hcp: event_id is an integer too big for 64 bits",
                b"{\"event_id\":100000000000000000000000000000}",
                reject(R::BodyFieldType),
            ),
            (
                "hcp: event_id is true",
                b"{\"event_id\":true}",
                reject(R::BodyFieldType),
            ),
            (
                "hcp: event_id is null",
                b"{\"event_id\":null}",
                reject(R::BodyFieldType),
            ),
            (
                "hcp: event_id is an object",
                b"{\"event_id\":{\"a\":1}}",
                reject(R::BodyFieldType),
            ),
            (
                "hcp: event_id is an array",
                b"{\"event_id\":[\"a\"]}",
                reject(R::BodyFieldType),
            ),
            (
                "hcp: event_id is an integer (documented: string or integer)",
                b"{\"event_id\":42}",
                accept("42", IdOrigin::Body),
            ),
            (
                "hcp: event_id is a negative integer",
                b"{\"event_id\":-7}",
                accept("-7", IdOrigin::Body),
            ),
            (
                "hcp: event_id missing",
                b"{\"event_action\":\"test\"}",
                reject(R::MissingIdField),
            ),
            ("hcp: empty object", b"{}", reject(R::MissingIdField)),
            (
                "hcp: event_id empty string",
                b"{\"event_id\":\"\"}",
                reject(R::BodyIdSyntax),
            ),
            (
                "hcp: event_id with escaped control U+0001",
                b"{\"event_id\":\"a\\u0001\"}",
                reject(R::BodyIdSyntax),
            ),
            (
                "hcp: event_id with escaped C1 control U+0085",
                b"{\"event_id\":\"a\\u0085\"}",
                reject(R::BodyIdSyntax),
            ),
            (
                "hcp: event_id with a raw control byte (invalid JSON)",
                b"{\"event_id\":\"a\x01\"}",
                reject(R::BodyNotJson),
            ),
            (
                "hcp: event_id with escaped quote",
                b"{\"event_id\":\"a\\\"b\"}",
                accept("a\"b", IdOrigin::Body),
            ),
            (
                "hcp: first of two event_id fields wins",
                b"{\"event_id\":\"one\",\"event_id\":\"two\"}",
                accept("one", IdOrigin::Body),
            ),
            (
                "hcp: unread rest of the body after the id (documented)",
                b"{\"event_id\":\"evt\", not json at all",
                accept("evt", IdOrigin::Body),
            ),
            (
                "hcp: event_id over MAX_ID_LEN",
                &id_over_max_len("event_id")[..],
                reject(R::BodyIdSyntax),
            ),
            (
                "hcp: event_id is 50 000 nested arrays",
                deep_id.as_bytes(),
                reject(R::BodyFieldType),
            ),
            (
                "hcp: body of 100 000 unterminated arrays",
                unterminated.as_bytes(),
                reject(R::BodyNotJson),
            ),
            (
                "hcp: 50 000 nested arrays before the id",
                deep.as_bytes(),
                accept("deep", IdOrigin::Body),
            ),
        ],
    );
    let hcp = baseline(Hcp, HCP_BODY);
    cases.add(
        "hcp: valid signature, body of another event",
        Hcp,
        hcp.clone(),
        b"{\"event_id\":\"webhook.event:other\"}",
        reject(R::SignatureMismatch),
    );
    cases.add(
        "hcp: unsigned non-JSON body is a mismatch (body read only after the MAC)",
        Hcp,
        hcp.clone(),
        b"not json",
        reject(R::SignatureMismatch),
    );
    let hcp_sig = get_str(&hcp, "X-HCP-Webhook-Signature");
    cases.add(
        "hcp: SHA-256-length hex for a SHA-512 scheme",
        Hcp,
        vec![(
            "X-HCP-Webhook-Signature".to_owned(),
            hcp_sig.as_bytes().get(..64).unwrap().to_vec(),
        )],
        HCP_BODY,
        reject(R::SignatureEncoding),
    );

    cases.into_vec()
}
