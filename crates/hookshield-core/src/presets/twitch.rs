//! Twitch EventSub.

use std::time::Duration;

use super::hours;
use crate::{Handshake, Scheme, SchemeBuilder, TimestampUnit, TimestampWindow};

/// [Twitch EventSub](https://dev.twitch.tv/docs/eventsub/handling-webhook-events/):
/// `Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256(secret, id + timestamp + body)>`.
///
/// - **Event id:** `Twitch-Eventsub-Message-Id`, signed, kept when Twitch resends.
/// - **Timestamp:** `Twitch-Eventsub-Message-Timestamp`, RFC 3339 with nanoseconds; Twitch
///   asks to refuse messages older than 10 minutes (the window is 10 minutes either way).
/// - **Handshake:** the signed `webhook_callback_verification` (header
///   `Twitch-Eventsub-Message-Type`) is answered with the body's `challenge` as
///   `text/plain` ([`Handshake::TwitchCallbackVerification`]). `revocation` messages reach
///   the handler, which only needs to answer 2xx.
/// - **Replay TTL:** 24 h (Twitch does not document how long it resends).
pub fn twitch() -> SchemeBuilder {
    Scheme::builder("twitch")
        .signature_header("Twitch-Eventsub-Message-Signature")
        .prefix("sha256=")
        .signed_content("{id}{t}{body}")
        .id_header("Twitch-Eventsub-Message-Id")
        .timestamp_header("Twitch-Eventsub-Message-Timestamp")
        .timestamp_unit(TimestampUnit::Rfc3339)
        .window(TimestampWindow::symmetric(Duration::from_secs(600)))
        .recommended_ttl(hours(24))
        .handshake(Handshake::TwitchCallbackVerification)
        .docs("https://dev.twitch.tv/docs/eventsub/handling-webhook-events/")
}

#[cfg(test)]
mod tests {
    use super::twitch;
    use crate::presets::test_support::{at, hex, hmac_sha256, verifier};
    use crate::{ErrorKind, IdOrigin};

    const SECRET: &str = "twitch-eventsub-secret";

    /// Computed with the `hmac` crate as Twitch's docs and CLI sign: id + RFC 3339 + body.
    #[test]
    fn signature_window_and_challenge() {
        let v = verifier(twitch(), SECRET);
        let id = "e76c6bd4-55c9-4987-8304-da1588d8988b";
        let ts = "2019-11-16T10:11:12.634234626Z";
        let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"1"}}"#;
        let signature = format!(
            "sha256={}",
            hex(&hmac_sha256(
                SECRET.as_bytes(),
                &[id.as_bytes(), ts.as_bytes(), body]
            ))
        );
        let headers = [
            ("Twitch-Eventsub-Message-Id", id),
            ("Twitch-Eventsub-Message-Timestamp", ts),
            ("Twitch-Eventsub-Message-Signature", signature.as_str()),
            (
                "Twitch-Eventsub-Message-Type",
                "webhook_callback_verification",
            ),
        ];
        let verified = v.verify_at(&headers, body, at(1_573_899_300)).unwrap();
        assert_eq!(
            (verified.event_id(), verified.id_origin()),
            (id, IdOrigin::Header)
        );
        let reply = v
            .handshake_reply(None, &headers, body, &verified)
            .unwrap()
            .unwrap();
        assert_eq!(
            (reply.body(), reply.content_type()),
            (
                "pogchamp-kappa-360noscope-vohiyo",
                "text/plain; charset=utf-8"
            )
        );
        let late = v.verify_at(&headers, body, at(1_573_899_673)).unwrap_err();
        assert_eq!(late.kind(), ErrorKind::TimestampOutOfWindow);
        let other_id = [("Twitch-Eventsub-Message-Id", "x"), headers[1], headers[2]];
        assert_eq!(
            v.verify_at(&other_id, body, at(1_573_899_300))
                .unwrap_err()
                .kind(),
            ErrorKind::SignatureMismatch
        );
    }
}
