//! Every preset against the provider's own published example where one exists (GitHub,
//! Slack, Standard Webhooks/Svix), and otherwise against values computed independently
//! with Python's `hmac`/`hashlib`/`base64` exactly as the provider's documentation
//! describes (Civo, HCP, Stripe, Shopify). The sources are in `shared/PROVIDERS.md`.
// Test helpers fail loudly by design.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use hookshield_core::{
    ErrorKind, IdOrigin, Reason, SchemeBuilder, Verified, Verifier, VerifyError, presets,
};
use time::OffsetDateTime;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

fn verifier(scheme: SchemeBuilder, secret: &str) -> Verifier {
    Verifier::builder(scheme)
        .encoded_secret(secret)
        .build()
        .unwrap()
}

fn verify(
    verifier: &Verifier,
    headers: &[(&str, &str)],
    body: &[u8],
    now: i64,
) -> Result<Verified, VerifyError> {
    verifier.verify_at(headers, body, at(now))
}

/// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
/// ("Testing the webhook payload validation").
#[test]
fn github_docs_example() {
    let v = verifier(presets::github(), "It's a Secret to Everybody");
    let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    let headers = [
        ("X-Hub-Signature-256", signature),
        ("X-GitHub-Delivery", delivery),
    ];
    let ok = verify(&v, &headers, b"Hello, World!", 0).unwrap();
    assert_eq!(ok.scheme(), "github");
    assert_eq!(ok.event_id(), delivery);
    assert_eq!(ok.id_origin(), IdOrigin::Header);
    assert_eq!(ok.timestamp(), None);

    let err = verify(&v, &headers, b"Hello, World?", 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
    // The prefix is part of the format: a bare hex digest is malformed.
    let bare = [(headers[0].0, &signature[7..]), headers[1]];
    let err = verify(&v, &bare, b"Hello, World!", 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedHeader);
}

const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

/// https://docs.slack.dev/authentication/verifying-requests-from-slack (the worked
/// example: a slash command, form-encoded, so no `event_id`).
#[test]
fn slack_docs_example() {
    let v = verifier(presets::slack(), "8f742231b10e8888abcd99yyyzzz85a5");
    let headers = [
        ("X-Slack-Request-Timestamp", "1531420618"),
        (
            "X-Slack-Signature",
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
    ];
    let ok = verify(&v, &headers, SLACK_BODY, 1_531_420_618).unwrap();
    assert_eq!(ok.id_origin(), IdOrigin::Digest);
    assert!(ok.event_id().starts_with("sha256:"), "{}", ok.event_id());
    assert_eq!(ok.timestamp(), Some(at(1_531_420_618)));

    // Five minutes is the limit either way; one second more is refused.
    assert!(verify(&v, &headers, SLACK_BODY, 1_531_420_618 + 300).is_ok());
    let old = verify(&v, &headers, SLACK_BODY, 1_531_420_618 + 301).unwrap_err();
    assert_eq!(old.reason(), Reason::TimestampTooOld);
    let early = verify(&v, &headers, SLACK_BODY, 1_531_420_618 - 301).unwrap_err();
    assert_eq!(early.reason(), Reason::TimestampTooNew);

    // The timestamp is signed: moving it by one second breaks the signature.
    let moved = [("X-Slack-Request-Timestamp", "1531420619"), headers[1]];
    let err = verify(&v, &moved, SLACK_BODY, 1_531_420_618).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
}

/// Standard Webhooks spec repository, reference libraries' tests (also the Svix docs'
/// example): https://github.com/standard-webhooks/standard-webhooks
const SW_EXAMPLES: &[(&str, &str, &str, &[u8], &str)] = &[
    (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        br#"{"test": 2432232314}"#,
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ),
    (
        "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        "1649367553",
        br#"{"email":"test@example.com","username":"test_user"}"#,
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
    ),
];

/// The Ed25519 (`v1a`) signature of example 1, from the Go reference library's tests.
const SW_V1A: &str =
    "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";

#[test]
fn standard_webhooks_examples_under_both_header_names() {
    for &(secret, id, ts, body, signature) in SW_EXAMPLES {
        let v = verifier(presets::standard_webhooks(), secret);
        let now: i64 = ts.parse().unwrap();
        for prefix in ["webhook", "svix"] {
            let names = [
                format!("{prefix}-id"),
                format!("{prefix}-timestamp"),
                format!("{prefix}-signature"),
            ];
            let headers = [
                (names[0].as_str(), id),
                (names[1].as_str(), ts),
                (names[2].as_str(), signature),
            ];
            let ok = verify(&v, &headers, body, now).unwrap();
            assert_eq!(ok.event_id(), id);
            assert_eq!(ok.timestamp(), Some(at(now)));

            // The id is signed: another id with the same signature is refused.
            let other_id = [(names[0].as_str(), "msg_other"), headers[1], headers[2]];
            let err = verify(&v, &other_id, body, now).unwrap_err();
            assert_eq!(err.reason(), Reason::SignatureMismatch, "{prefix}");
        }
    }
}

#[test]
fn standard_webhooks_lists_rotation_and_ed25519_entries() {
    let (secret, id, ts, body, signature) = SW_EXAMPLES[0];
    let (other_secret, .., other_signature) = SW_EXAMPLES[1];
    let headers = |list: &str| {
        vec![
            ("webhook-id", id.to_owned()),
            ("webhook-timestamp", ts.to_owned()),
            ("webhook-signature", list.to_owned()),
        ]
    };
    let now = 1_614_265_330;

    // A v1a entry is skipped, a v1 entry under another secret does not match, the right one
    // anywhere in the list does.
    let v = verifier(presets::standard_webhooks(), secret);
    for list in [
        format!("{SW_V1A} {signature}"),
        format!("{other_signature} {signature}"),
        format!("{signature} {other_signature}"),
    ] {
        assert!(
            v.verify_at(&headers(&list), body, at(now)).is_ok(),
            "{list}"
        );
    }
    // Only a v1a entry: nothing this verifier can check.
    let err = v.verify_at(&headers(SW_V1A), body, at(now)).unwrap_err();
    assert_eq!(err.reason(), Reason::NoSupportedSignature);

    // Rotation: the new secret first, the old one labelled; the label of the match is told.
    let rotated = Verifier::builder(presets::standard_webhooks())
        .labeled_encoded_secret("new", other_secret)
        .labeled_encoded_secret("old", secret)
        .build()
        .unwrap();
    let ok = rotated
        .verify_at(&headers(signature), body, at(now))
        .unwrap();
    assert_eq!(ok.secret_index(), 1);
    assert_eq!(ok.secret_label(), Some("old"));
}

/// Civo documents `OpenSSL::HMAC.hexdigest('sha1', secret, body)` (https://www.civo.com/api/webhooks);
/// no worked example is published, so the digest was computed with
/// `hmac.new(secret, body, hashlib.sha1).hexdigest()`.
#[test]
fn civo_documented_construction() {
    let body =
        br#"{"event":"instance.created","resourceID":"5e9ab6b3-3a44-4e9e-9f7c-0d8b7c1b2a10"}"#;
    let event = "0b5c1f57-6a3e-4a87-9d47-2f1f8e3e6c11";
    let v = verifier(presets::civo(), "civo-webhook-secret");
    let headers = [
        (
            "X-Civo-Signature",
            "8397f27d9ebb5b03d741dd1cbf2cd2d78a644ca9",
        ),
        ("X-Civo-Event", event),
    ];
    let ok = verify(&v, &headers, body, 0).unwrap();
    assert_eq!(ok.event_id(), event);
    assert_eq!(ok.id_origin(), IdOrigin::Header);

    let no_event = verify(&v, &headers[..1], body, 0).unwrap_err();
    assert_eq!(no_event.reason(), Reason::MissingId);
    assert_eq!(no_event.status(), 401);
}

/// HCP documents `OpenSSL::HMAC.hexdigest(SHA512, token, body)`
/// (https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks). The body is the
/// verification payload the same page shows; the digest was computed with
/// `hmac.new(token, body, hashlib.sha512).hexdigest()`.
#[test]
fn hcp_documented_construction() {
    let body = br#"{"event_id":"webhook.event:Qm9vdHN0cmFw","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
    let signature = "daf19342c3d79d4eb5e083b1f626ccd5ba9d7b3195d71ca1ab4033f1f0ce4773\
                     19c1c7558016e0744da8dddd52e3d95d5254905532ff7fa05f6c9a467b24196e";
    let v = verifier(presets::hcp(), "hcp-webhook-token");
    let headers = [("X-HCP-Webhook-Signature", signature)];
    let ok = verify(&v, &headers, body, 0).unwrap();
    assert_eq!(ok.event_id(), "webhook.event:Qm9vdHN0cmFw");
    assert_eq!(ok.id_origin(), IdOrigin::Body);

    let wrong = verifier(presets::hcp(), "another-token");
    let err = verify(&wrong, &headers, body, 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
}

/// Stripe documents `Stripe-Signature: t=…,v1=…` over `{t}.{body}`, with the `whsec_`
/// secret used as text (https://docs.stripe.com/webhooks#verify-manually). Digests computed
/// with `hmac.new(secret, t + b"." + body, hashlib.sha256).hexdigest()`.
#[test]
fn stripe_documented_construction() {
    let body = br#"{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"invoice.paid"}"#;
    let current = "042778c3e2abda60bebf3138d58c1a12037e78b70b1f063556b83270d33472a5";
    let previous = "e7b309b1ec04ca64ba6a20a996d53d52586fefd4db4a6a22d8f7f478354aa255";
    let now = 1_700_000_000;
    let check = |secret: &str, header: &str| {
        let v = verifier(presets::stripe(), secret);
        verify(&v, &[("Stripe-Signature", header)], body, now)
    };

    let ok = check("whsec_test_secret_key", &format!("t={now},v1={current}")).unwrap();
    assert_eq!(ok.event_id(), "evt_1NG8Du2eZvKYlo2CUI79vXWy");
    assert_eq!(ok.id_origin(), IdOrigin::Body);
    assert_eq!(ok.timestamp(), Some(at(now)));

    // While a secret is rolled Stripe sends one v1 per secret, plus a fake v0 in test mode.
    let rolled = format!("t={now},v1={previous},v1={current},v0={current}");
    assert!(check("whsec_test_secret_key", &rolled).is_ok());
    assert!(check("whsec_previous_secret", &rolled).is_ok());

    // v0 is never trusted, even when it carries the right digest.
    let downgrade = check("whsec_test_secret_key", &format!("t={now},v0={current}")).unwrap_err();
    assert_eq!(downgrade.reason(), Reason::NoSupportedSignature);
    // The timestamp is signed.
    let moved = check(
        "whsec_test_secret_key",
        &format!("t={},v1={current}", now + 1),
    );
    assert_eq!(moved.unwrap_err().kind(), ErrorKind::SignatureMismatch);
}

/// Shopify documents base64(HMAC-SHA256(client secret, raw body)) in `X-Shopify-Hmac-Sha256`
/// (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries). Computed with
/// `base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())`.
#[test]
fn shopify_documented_construction() {
    let body = br#"{"id":820982911946154508,"email":"jon@example.com"}"#;
    let id = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
    let v = verifier(presets::shopify(), "shopify-client-secret");
    let headers = [
        (
            "X-Shopify-Hmac-Sha256",
            "WEIjaZVU+XHw3xcTFPJuelppxM8q6/oqexokC0/D+TE=",
        ),
        ("X-Shopify-Webhook-Id", id),
    ];
    let ok = verify(&v, &headers, body, 0).unwrap();
    assert_eq!(ok.event_id(), id);
    // Header names are case-insensitive, as HTTP says (Shopify's docs spell it -SHA256).
    let upper = [("X-Shopify-Hmac-SHA256", headers[0].1), headers[1]];
    assert!(verify(&v, &upper, body, 0).is_ok());
    let hex_instead = [(headers[0].0, "5842236995"), headers[1]];
    assert_eq!(
        verify(&v, &hex_instead, body, 0).unwrap_err().kind(),
        ErrorKind::MalformedHeader
    );
}

/// A shared token is compared with the configured secret as is.
#[test]
fn shared_token_header() {
    let v = verifier(presets::shared_token("X-Gitlab-Token"), "gl-token-123");
    let body = br#"{"object_kind":"push"}"#;
    let ok = verify(&v, &[("X-Gitlab-Token", "gl-token-123")], body, 0).unwrap();
    assert_eq!(ok.id_origin(), IdOrigin::Digest);
    let err = verify(&v, &[("X-Gitlab-Token", "gl-token-124")], body, 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
    let err = verify(&v, &[("X-Webhook-Secret", "gl-token-123")], body, 0).unwrap_err();
    assert_eq!(err.reason(), Reason::MissingSignature);
}
