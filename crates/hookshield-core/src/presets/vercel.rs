//! Vercel.

use super::hours;
use crate::{Algorithm, Scheme, SchemeBuilder};

/// [Vercel](https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks):
/// `x-vercel-signature: <hex HMAC-SHA1 of the body>` under the webhook's secret (for an
/// integration's webhooks, its client secret). The construction is Vercel's own example
/// code; its reference page was read only in part (the rest from secondary sources:
/// trigger.dev's and Hookdeck's Vercel guides).
///
/// - **Event id:** the body's `id`, required and signed. Vercel calls it "the ID of the
///   webhook delivery"; that a retry keeps it is not confirmed (secondary sources).
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 48 h: Vercel retries with exponential back-off for up to 24 hours
///   (secondary sources).
pub fn vercel() -> SchemeBuilder {
    Scheme::builder("vercel")
        .algorithm(Algorithm::HmacSha1)
        .signature_header("x-vercel-signature")
        .id_field("id")
        .recommended_ttl(hours(48))
        .docs("https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks")
}

#[cfg(test)]
mod tests {
    use super::vercel;
    use crate::IdOrigin;
    use crate::presets::test_support::{Request, assert_authentic, hex, hmac_sha1};

    #[test]
    fn vercel_documented_construction() {
        let secret = "vercel-webhook-secret";
        let body = r#"{"id":"uHa8DzJqF4X9dZnBTbGvy","type":"deployment.created","createdAt":1764496800000,"payload":{"deployment":{"id":"dpl_2"}}}"#;
        let mac = hmac_sha1(secret.as_bytes(), &[body.as_bytes()]);
        let request = Request {
            headers: vec![("x-vercel-signature", hex(&mac))],
            body: body.as_bytes().to_vec(),
            now: 0,
        };
        let ok = assert_authentic(vercel, secret, "wrong", &request, &["x-vercel-signature"]);
        assert_eq!(ok.event_id(), "uHa8DzJqF4X9dZnBTbGvy");
        assert_eq!(ok.id_origin(), IdOrigin::Body);
    }
}
