//! Calendly.

use std::time::Duration;

use super::hours;
use crate::{IdDigest, Scheme, SchemeBuilder, TimestampWindow};

/// [Calendly](https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures):
/// `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256 of `{t}.{body}` under the
/// webhook signing key.
///
/// - **Timestamp:** `t`, seconds, signed; ±180 s (the 3 minutes is from secondary
///   sources: Calendly's page does not state a tolerance in what was read).
/// - **Event id:** none is sent. The id is a digest of the **body alone**
///   ([`IdDigest::Body`]): a retry signed again with a new `t` is still the same event.
///   Two events with byte-identical bodies count as one; Calendly's carry the time they
///   were created.
/// - **Replay TTL:** 48 h: Calendly retries with exponential back-off for 24 hours, then
///   disables the subscription.
pub fn calendly() -> SchemeBuilder {
    Scheme::builder("calendly")
        .signature_header("Calendly-Webhook-Signature")
        .key_value_list(',', '=', "v1")
        .signed_content("{t}.{body}")
        .timestamp_param("t")
        .id_digest(IdDigest::Body)
        .window(TimestampWindow::symmetric(Duration::from_secs(180)))
        .recommended_ttl(hours(48))
        .docs("https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures")
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::calendly;
    use crate::IdOrigin;
    use crate::presets::test_support::{
        Request, assert_authentic, assert_window, at, hex, hmac_sha256, verifier,
    };

    const SECRET: &str = "calendly-signing-key";
    const BODY: &str = r#"{"created_at":"2026-11-30T10:00:00.000000Z","event":"invitee.created","payload":{"uri":"https://api.calendly.com/scheduled_events/AAA/invitees/BBB"}}"#;

    fn request(t: i64) -> Request {
        let mac = hmac_sha256(
            SECRET.as_bytes(),
            &[t.to_string().as_bytes(), b".", BODY.as_bytes()],
        );
        Request {
            headers: vec![(
                "Calendly-Webhook-Signature",
                format!("t={t},v1={}", hex(&mac)),
            )],
            body: BODY.as_bytes().to_vec(),
            now: t,
        }
    }

    /// Calendly documents `t=…,v1=…` over `"{t}." + body` with HMAC-SHA256, hex.
    #[test]
    fn calendly_documented_construction() {
        let first = request(1_764_496_800);
        let ok = assert_authentic(
            calendly,
            SECRET,
            "other-key",
            &first,
            &["Calendly-Webhook-Signature"],
        );
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        assert_window(calendly, SECRET, &first);

        // A retry an hour later is signed again with a new `t`: the same id.
        let retry = request(1_764_496_800 + 3600);
        let again = verifier(calendly(), SECRET)
            .verify_at(&retry.headers, BODY.as_bytes(), at(retry.now))
            .unwrap();
        assert_eq!(again.event_id(), ok.event_id());
        let body_digest = hex(&Sha256::digest(BODY.as_bytes()));
        assert_eq!(ok.event_id(), format!("sha256:{body_digest}"));
    }
}
