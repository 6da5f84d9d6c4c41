//! Bitbucket Cloud.

use super::hours;
use crate::{Scheme, SchemeBuilder};

/// [Bitbucket Cloud](https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/):
/// `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` (GitHub's SHA-1 header name,
/// carrying SHA-256).
///
/// - **Event id:** a digest of the body. Bitbucket sends `X-Request-UUID` and
///   `X-Attempt-Number`, but whether a resend keeps the UUID is not documented; the
///   body is the same on every attempt, so its digest recognises them all.
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 24 h: Bitbucket resends at most twice, at once, after a 5xx; a
///   resend by hand from the request history (kept about 12 hours) is covered too.
pub fn bitbucket() -> SchemeBuilder {
    Scheme::builder("bitbucket")
        .signature_header("X-Hub-Signature")
        .prefix("sha256=")
        .recommended_ttl(hours(24))
        .docs("https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/")
}

#[cfg(test)]
mod tests {
    use super::bitbucket;
    use crate::IdOrigin;
    use crate::presets::test_support::{Request, assert_authentic, hex, hmac_sha256};

    #[test]
    fn bitbucket_documented_construction() {
        let secret = "bitbucket-webhook-secret";
        let body = r#"{"push":{"changes":[{"new":{"name":"main","target":{"hash":"709d658"}}}]},"repository":{"full_name":"team/repo"}}"#;
        let mac = hmac_sha256(secret.as_bytes(), &[body.as_bytes()]);
        let request = Request {
            headers: vec![
                ("X-Hub-Signature", format!("sha256={}", hex(&mac))),
                (
                    "X-Request-UUID",
                    "afe8da75-0b1a-4d34-a8fd-1d2b4c8e1a3b".to_owned(),
                ),
            ],
            body: body.as_bytes().to_vec(),
            now: 0,
        };
        let ok = assert_authentic(bitbucket, secret, "wrong", &request, &["X-Hub-Signature"]);
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        assert!(ok.event_id().starts_with("sha256:"));
    }
}
