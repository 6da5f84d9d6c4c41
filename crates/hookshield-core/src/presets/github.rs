//! GitHub.

use super::hours;
use crate::{Scheme, SchemeBuilder};

/// [GitHub](https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries):
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The legacy SHA-1
/// `X-Hub-Signature` is not read.
///
/// - **Event id:** `X-GitHub-Delivery`, a GUID kept on redelivery (required). It is not
///   signed: a digest of the body is remembered beside it (see
///   [the module docs](super#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 72 h: GitHub does not retry by itself, but deliveries of the past
///   3 days can be redelivered by hand or through the API.
pub fn github() -> SchemeBuilder {
    Scheme::builder("github")
        .signature_header("X-Hub-Signature-256")
        .prefix("sha256=")
        .id_header("X-GitHub-Delivery")
        .recommended_ttl(hours(72))
        .docs("https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries")
}

#[cfg(test)]
mod tests {
    use super::github;
    use crate::presets::test_support::{verifier, verify};
    use crate::{ErrorKind, IdOrigin};

    /// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    /// ("Testing the webhook payload validation").
    #[test]
    fn github_docs_example() {
        let v = verifier(github(), "It's a Secret to Everybody");
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
}
