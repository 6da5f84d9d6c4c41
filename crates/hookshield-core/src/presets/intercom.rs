//! Intercom.

use super::hours;
use crate::{Algorithm, Scheme, SchemeBuilder};

/// [Intercom](https://developers.intercom.com/docs/webhooks/webhook-notifications):
/// `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>` under the app's client secret.
/// **Secondary sources only** for the signature (Intercom's signing page was not read):
/// the header, prefix and algorithm are those of Hookdeck's and trigger.dev's Intercom
/// integrations.
///
/// - **Event id:** the body's `id` (`notif_…`), required and signed. Intercom's body also
///   counts delivery attempts, so it changes from one attempt to the next: only the id
///   can recognise a retry, never a digest.
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 48 h: Intercom throttles failing endpoints with delays of 1 minute
///   to 2 hours, and suspends them after 7 days of errors; it documents no bounded
///   retry schedule.
pub fn intercom() -> SchemeBuilder {
    Scheme::builder("intercom")
        .algorithm(Algorithm::HmacSha1)
        .signature_header("X-Hub-Signature")
        .prefix("sha1=")
        .id_field("id")
        .recommended_ttl(hours(48))
        .docs("https://developers.intercom.com/docs/webhooks/webhook-notifications")
}

#[cfg(test)]
mod tests {
    use super::intercom;
    use crate::IdOrigin;
    use crate::presets::test_support::{Request, assert_authentic, hex, hmac_sha1};

    #[test]
    fn intercom_documented_construction() {
        let secret = "intercom-client-secret";
        let body = r#"{"type":"notification_event","id":"notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3","topic":"conversation.user.created","delivery_attempts":1,"data":{"item":{"type":"conversation"}}}"#;
        let mac = hmac_sha1(secret.as_bytes(), &[body.as_bytes()]);
        let request = Request {
            headers: vec![("X-Hub-Signature", format!("sha1={}", hex(&mac)))],
            body: body.as_bytes().to_vec(),
            now: 0,
        };
        let ok = assert_authentic(intercom, secret, "wrong", &request, &["X-Hub-Signature"]);
        assert_eq!(ok.event_id(), "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3");
        assert_eq!(ok.id_origin(), IdOrigin::Body);
    }
}
