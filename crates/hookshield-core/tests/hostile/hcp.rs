//! HCP: HMAC-SHA512 hex, id in the body.

use hookshield_core::{IdOrigin, MAX_ID_LEN, Reason};

use crate::support::{
    BINARY_BODY, Case, Expect, HCP_BODY, Headers, Preset, accept, baseline, case, get_str,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::Hcp;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    add(
        "hcp: valid baseline",
        Hcp,
        p(baseline(Hcp, HCP_BODY)),
        HCP_BODY,
        accept("webhook.event:abc123", IdOrigin::Body),
    );
    for (name, body, expect) in [
        (
            "hcp: body not JSON",
            &b"not json"[..],
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body non-UTF-8 bytes",
            BINARY_BODY,
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body is a JSON string",
            b"\"event_id\"",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body is an unterminated object",
            b"{\"x\":1,",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body has trailing garbage after a complete object",
            b"{\"x\":1} trailing",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: event_id is a float",
            b"{\"event_id\":1.5}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an integer too big for 64 bits",
            b"{\"event_id\":100000000000000000000000000000}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is true",
            b"{\"event_id\":true}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is null",
            b"{\"event_id\":null}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an object",
            b"{\"event_id\":{\"a\":1}}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an array",
            b"{\"event_id\":[\"a\"]}",
            Expect::Reject(R::BodyFieldType),
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
            Expect::Reject(R::MissingId),
        ),
        ("hcp: empty object", b"{}", Expect::Reject(R::MissingId)),
        (
            "hcp: event_id empty string",
            b"{\"event_id\":\"\"}",
            Expect::Reject(R::IdSyntax),
        ),
        (
            "hcp: event_id with escaped control U+0001",
            b"{\"event_id\":\"a\\u0001\"}",
            Expect::Reject(R::IdSyntax),
        ),
        (
            "hcp: event_id with escaped C1 control U+0085",
            b"{\"event_id\":\"a\\u0085\"}",
            Expect::Reject(R::IdSyntax),
        ),
        (
            "hcp: event_id with a raw control byte (invalid JSON)",
            b"{\"event_id\":\"a\x01\"}",
            Expect::Reject(R::BodyNotJson),
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
    ] {
        add(name, Hcp, p(baseline(Hcp, body)), body, expect);
    }
    let hcp_long = format!(
        "{{\"event_id\":\"{}\"}}",
        "e".repeat(MAX_ID_LEN.checked_add(1).unwrap())
    );
    add(
        "hcp: event_id over MAX_ID_LEN",
        Hcp,
        p(baseline(Hcp, hcp_long.as_bytes())),
        hcp_long.as_bytes(),
        Expect::Reject(R::IdSyntax),
    );
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
    add(
        "hcp: event_id is 50 000 nested arrays",
        Hcp,
        p(baseline(Hcp, deep_id.as_bytes())),
        deep_id.as_bytes(),
        Expect::Reject(R::BodyFieldType),
    );
    let unterminated = "[".repeat(100_000);
    add(
        "hcp: body of 100 000 unterminated arrays",
        Hcp,
        p(baseline(Hcp, unterminated.as_bytes())),
        unterminated.as_bytes(),
        Expect::Reject(R::BodyNotJson),
    );
    add(
        "hcp: 50 000 nested arrays before the id",
        Hcp,
        p(baseline(Hcp, deep.as_bytes())),
        deep.as_bytes(),
        accept("deep", IdOrigin::Body),
    );
    add(
        "hcp: valid signature, body of another event",
        Hcp,
        p(baseline(Hcp, HCP_BODY)),
        b"{\"event_id\":\"webhook.event:other\"}",
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "hcp: unsigned non-JSON body is a mismatch (body read only after the MAC)",
        Hcp,
        p(baseline(Hcp, HCP_BODY)),
        b"not json",
        Expect::Reject(R::SignatureMismatch),
    );
    let hcp_sig = get_str(&baseline(Hcp, HCP_BODY), "X-HCP-Webhook-Signature");
    add(
        "hcp: SHA-256-length hex for a SHA-512 scheme",
        Hcp,
        p(vec![(
            "X-HCP-Webhook-Signature".to_owned(),
            hcp_sig.as_bytes().get(..64).unwrap().to_vec(),
        )]),
        HCP_BODY,
        Expect::Reject(R::SignatureEncoding),
    );

    cases
}
