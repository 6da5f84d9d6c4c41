//! Standard Webhooks (and Svix).

use std::time::Duration;

use super::hours;
use crate::{Encoding, Scheme, SchemeBuilder, SecretFormat, TimestampWindow};

/// [Standard Webhooks](https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
/// (and [Svix](https://docs.svix.com/receiving/verifying-payloads/how-manual)):
/// `webhook-signature` lists `v1,<base64 HMAC-SHA256 of "{id}.{t}.{body}">` entries
/// separated by spaces; `v1a` (Ed25519) entries are ignored.
///
/// - **Headers:** `webhook-id`, `webhook-timestamp`, `webhook-signature`; when absent, the
///   `svix-id`, `svix-timestamp`, `svix-signature` names are read.
/// - **Secret:** `whsec_` + base64; the decoded bytes are the key
///   ([`SecretFormat::PrefixedBase64`]).
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
        // Only a v1a entry: nothing this verifier can check.
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
}
