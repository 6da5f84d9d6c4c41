//! Sentry (integration platform).

use super::hours;
use crate::{Scheme, SchemeBuilder};

/// [Sentry](https://docs.sentry.io/organization/integrations/integration-platform/webhooks/):
/// `Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>` under the integration's client
/// secret. Sentry's own example hashes a re-serialised body; this checks the raw bytes.
///
/// - **Timestamp:** none. `Sentry-Hook-Timestamp` is sent but **not signed**, so it is
///   never used for the window: anyone replaying a captured request could set it.
/// - **Event id:** a digest of the body. `Request-ID` is a new UUID on every send,
///   retries included (Sentry's source), so it cannot recognise a retry.
/// - **Replay TTL:** 1 h: Sentry retries at most 3 times, 5 minutes apart, and only after
///   a connection error or a timeout.
pub fn sentry() -> SchemeBuilder {
    Scheme::builder("sentry")
        .signature_header("Sentry-Hook-Signature")
        .recommended_ttl(hours(1))
        .docs("https://docs.sentry.io/organization/integrations/integration-platform/webhooks/")
}

#[cfg(test)]
mod tests {
    use super::sentry;
    use crate::presets::test_support::{
        Request, assert_authentic, hex, hmac_sha256, verifier, verify,
    };
    use crate::{ConfigError, IdOrigin};

    #[test]
    fn sentry_documented_construction() {
        let secret = "sentry-client-secret";
        let body = r#"{"action":"created","installation":{"uuid":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},"data":{"issue":{"id":"1170820242"}},"actor":{"type":"application"}}"#;
        let mac = hmac_sha256(secret.as_bytes(), &[body.as_bytes()]);
        let request = Request {
            headers: vec![
                ("Sentry-Hook-Signature", hex(&mac)),
                ("Sentry-Hook-Timestamp", "1".to_owned()),
                (
                    "Request-ID",
                    "ea2b6ec6-4d3e-4b16-9d3f-4c2d1bbbe2a1".to_owned(),
                ),
            ],
            body: body.as_bytes().to_vec(),
            now: 1_764_496_800,
        };
        // A timestamp from 1970 changes nothing: it is not signed, so it is not read.
        let ok = assert_authentic(
            sentry,
            secret,
            "wrong",
            &request,
            &["Sentry-Hook-Signature"],
        );
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        assert_eq!(ok.timestamp(), None);
        // The retry comes with a new Request-ID and timestamp: the same id.
        let retry = [
            ("Sentry-Hook-Signature", request.headers[0].1.as_str()),
            ("Sentry-Hook-Timestamp", "1764497100"),
            ("Request-ID", "0b9f7a3c-0d0e-4d8e-b1f3-2a7c9e5d4f60"),
        ];
        let again = verify(&verifier(sentry(), secret), &retry, body.as_bytes(), 0).unwrap();
        assert_eq!(again.event_id(), ok.event_id());

        // Reading the unsigned header as a timestamp is refused when the scheme is built.
        let unsigned = sentry().timestamp_header("Sentry-Hook-Timestamp").build();
        assert!(matches!(unsigned, Err(ConfigError::Inconsistent(_))));
    }
}
