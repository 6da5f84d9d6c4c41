//! Resend (Standard Webhooks, sent by Svix).

use super::standard_webhooks::family;
use crate::SchemeBuilder;

/// [Resend](https://resend.com/docs/webhooks/verify-webhooks-requests): the
/// [`standard_webhooks`](super::standard_webhooks) scheme under the name `resend`, reading
/// the `svix-id`, `svix-timestamp` and `svix-signature` headers Resend sends (and the
/// `webhook-` names when those are absent).
///
/// - **Secret:** the webhook's `whsec_…` signing secret, base64 after the prefix.
/// - **Window:** ±300 s. Every attempt is signed again with a new timestamp.
/// - **Event id:** `svix-id` (`msg_…`), signed and kept on retries and on replays asked
///   for in the dashboard or the API.
/// - **Replay TTL:** 96 h: Svix retries for about 28 hours. Resend can replay delivered
///   messages too: one replayed after the TTL is handled again.
pub fn resend() -> SchemeBuilder {
    family(
        "resend",
        ["svix", "webhook"],
        "https://resend.com/docs/webhooks/verify-webhooks-requests",
    )
}

#[cfg(test)]
mod tests {
    use super::resend;
    use crate::presets::test_support::{assert_authentic, b64, svix_request};

    #[test]
    fn resend_documented_construction() {
        let key = [0x5a_u8; 24];
        let secret = format!("whsec_{}", b64(&key));
        let (id, ts) = ("msg_2YzCdLnOBw2B1vXm0kwBhO9Bp8K", 1_764_496_800_i64);
        let body = r#"{"type":"email.delivered","created_at":"2026-11-30T10:00:00.000Z","data":{"email_id":"56761188-7520-42d8-8898-ff6fc54ce618"}}"#;
        let request = svix_request(&key, id, ts, body);
        let wrong = format!("whsec_{}", b64(&[0x5b_u8; 24]));
        let ok = assert_authentic(
            resend,
            &secret,
            &wrong,
            &request,
            &["svix-id", "svix-timestamp", "svix-signature"],
        );
        assert_eq!((ok.scheme(), ok.event_id()), ("resend", id));
    }
}
