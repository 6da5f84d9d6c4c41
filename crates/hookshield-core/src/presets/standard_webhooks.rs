//! Standard Webhooks (and Svix).

use std::time::Duration;

use super::hours;
use crate::{Algorithm, Encoding, Scheme, SchemeBuilder, SecretFormat, TimestampWindow};

/// [Standard Webhooks](https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
/// (and [Svix](https://docs.svix.com/receiving/verifying-payloads/how-manual)):
/// `webhook-signature` lists `v1,<base64 HMAC-SHA256 of "{id}.{t}.{body}">` entries
/// separated by spaces, and `v1a,<base64 Ed25519 signature of the same bytes>` entries
/// for senders that sign with a key pair.
///
/// - **Headers:** `webhook-id`, `webhook-timestamp`, `webhook-signature`; when absent, the
///   `svix-id`, `svix-timestamp`, `svix-signature` names are read.
/// - **Secret:** `whsec_` + base64; the decoded bytes are the key
///   ([`SecretFormat::PrefixedBase64`]). A `whpk_` + base64 public key verifies `v1a`
///   entries; one verifier may hold both while a sender moves from one to the other (the
///   `v1a` scheme is in the spec, and in the reference libraries' open pull requests
///   only).
/// - **Window:** ±300 s, as the reference libraries.
/// - **Replay TTL:** 96 h: the spec's example schedule retries for about 3 days.
pub fn standard_webhooks() -> SchemeBuilder {
    family(
        "standard-webhooks",
        ["webhook", "svix"],
        "https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md",
    )
}

/// The Standard Webhooks scheme named `name`, reading the `{prefix}-id`,
/// `{prefix}-timestamp` and `{prefix}-signature` headers under the first prefix, or else
/// the second (a signer sends the first). Clerk and Resend send the `svix-` names.
pub(super) fn family(name: &str, prefixes: [&str; 2], docs: &str) -> SchemeBuilder {
    let [first, second] = prefixes;
    Scheme::builder(name)
        .signature_header(&format!("{first}-signature"))
        .signature_header_alias(&format!("{second}-signature"))
        .versioned_list("v1")
        .public_key_entries("v1a", Algorithm::Ed25519)
        .encoding(Encoding::Base64)
        .signed_content("{id}.{t}.{body}")
        .timestamp_header(&format!("{first}-timestamp"))
        .timestamp_header_alias(&format!("{second}-timestamp"))
        .id_header(&format!("{first}-id"))
        .id_header_alias(&format!("{second}-id"))
        .secret_format(SecretFormat::PrefixedBase64 { prefix: "whsec_" })
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .recommended_ttl(hours(96))
        .docs(docs)
}

#[cfg(test)]
mod tests {
    use super::standard_webhooks;
    use crate::presets::test_support::{at, verifier, verify};
    use crate::{Reason, Verifier};

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
    const SW_V1A: &str = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";

    #[test]
    fn standard_webhooks_examples_under_both_header_names() {
        for &(secret, id, ts, body, signature) in SW_EXAMPLES {
            let v = verifier(standard_webhooks(), secret);
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
        let v = verifier(standard_webhooks(), secret);
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
        // Only a v1a entry, and no public key: nothing this verifier can check.
        let err = v.verify_at(&headers(SW_V1A), body, at(now)).unwrap_err();
        assert_eq!(err.reason(), Reason::NoSupportedSignature);

        // Rotation: the new secret first, the old one labelled; the label of the match is told.
        let rotated = Verifier::builder(standard_webhooks())
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

    /// The Go reference library's v1a test (standard-webhooks PR #253, commit f50a00a,
    /// `TestAsymmetricWebhookSign`): seed "TESTSIGNINGKEYDONOTUSETHISFORANY".
    const GO_WHPK: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
    /// The JS library's v1a test (PR #308, commit 659f674, "v1a: sign function works"):
    /// seed of 32 bytes 0x01, same id, timestamp and body.
    const JS_WHPK: &str = "whpk_iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=";
    const JS_V1A: &str = "v1a,Ykcu7AtGZGmZxFEH1Gaa2Nd7feY/CTuruoL4fqgnKwfbHU4DhemoVHZdvGfIvKvn4BIgwktLGGPGIr/i9nK7AA==";

    #[test]
    fn standard_webhooks_v1a_vectors_and_mixed_verifiers() {
        let (secret, id, ts, body, v1) = SW_EXAMPLES[0];
        let now = 1_614_265_330;
        let headers = |list: &str| {
            vec![
                ("webhook-id", id.to_owned()),
                ("webhook-timestamp", ts.to_owned()),
                ("webhook-signature", list.to_owned()),
            ]
        };
        let go = verifier(standard_webhooks(), GO_WHPK);
        let js = verifier(standard_webhooks(), JS_WHPK);
        assert!(go.verify_at(&headers(SW_V1A), body, at(now)).is_ok());
        assert!(js.verify_at(&headers(JS_V1A), body, at(now)).is_ok());
        // Each key verifies its own signature only; a public key does not verify v1.
        for (v, list) in [(&go, JS_V1A), (&js, SW_V1A), (&go, v1)] {
            let err = v.verify_at(&headers(list), body, at(now)).unwrap_err();
            assert_eq!(err.reason(), Reason::SignatureMismatch, "{list}");
        }
        // The libraries' refusals: a 32-byte v1a, an empty one, one that is not base64.
        for list in [
            "v1a,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v1a,",
            "v1a,dawfeoifkpqwoekfpqoekf",
        ] {
            assert!(
                go.verify_at(&headers(list), body, at(now)).is_err(),
                "{list}"
            );
        }
        // A sender moving to v1a sends both; a receiver holding both accepts either.
        let both = Verifier::builder(standard_webhooks())
            .labeled_encoded_secret("hmac", secret)
            .labeled_encoded_secret("ed25519", GO_WHPK)
            .build()
            .unwrap();
        for (list, label) in [
            (format!("{v1} {SW_V1A}"), "hmac"),
            (SW_V1A.to_owned(), "ed25519"),
            (v1.to_owned(), "hmac"),
        ] {
            let ok = both.verify_at(&headers(&list), body, at(now)).unwrap();
            assert_eq!(ok.secret_label(), Some(label), "{list}");
        }
        // The signer sends both entries, v1a from the whsk_ seed.
        let key = crate::PrivateKey::parse(
            crate::Algorithm::Ed25519,
            "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
        )
        .unwrap();
        let signer = crate::Signer::new(
            standard_webhooks(),
            standard_webhooks()
                .build()
                .unwrap()
                .parse_secret(secret)
                .unwrap(),
        )
        .unwrap()
        .also_private_key(key)
        .unwrap();
        let sent = signer
            .sign(body, &crate::SignOptions::new().id(id).timestamp(at(now)))
            .unwrap();
        assert_eq!(
            sent.get("webhook-signature"),
            Some(format!("{v1} {SW_V1A}").as_str())
        );
    }
}
