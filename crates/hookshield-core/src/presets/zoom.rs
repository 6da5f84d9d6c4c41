//! Zoom.

use std::time::Duration;

use super::hours;
use crate::{Handshake, IdDigest, Scheme, SchemeBuilder, TimestampWindow};

/// [Zoom](https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events):
/// `x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{body}")>`.
///
/// - **Timestamp:** `x-zm-request-timestamp`, seconds (2°: Zoom's samples; no tolerance is
///   documented, and Zoom's SDK checks none). The window is 5 minutes either way.
/// - **Handshake:** the signed `endpoint.url_validation` event (sent when the endpoint is
///   saved and every 72 h) is answered
///   `{"plainToken":p,"encryptedToken":hex(HMAC-SHA256(secret token, p))}`
///   ([`Handshake::ZoomUrlValidation`]).
/// - **Event id:** none is documented as stable (`x-zm-trackingid` is per request), so the
///   id is a digest of the body alone: a retry signed again with a new timestamp is still
///   recognised.
/// - **Replay TTL:** 24 h: Zoom retries 3 times, 5, 20 and 60 minutes apart.
pub fn zoom() -> SchemeBuilder {
    Scheme::builder("zoom")
        .signature_header("x-zm-signature")
        .prefix("v0=")
        .signed_content("v0:{t}:{body}")
        .timestamp_header("x-zm-request-timestamp")
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(24))
        .handshake(Handshake::ZoomUrlValidation)
        .docs("https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events")
}

#[cfg(test)]
mod tests {
    use super::zoom;
    use crate::presets::test_support::{hex, hmac_sha256, verifier, verify};
    use crate::{ErrorKind, IdOrigin};

    const SECRET: &str = "zoom-secret-token";

    fn signed(ts: &str, body: &[u8]) -> String {
        format!(
            "v0={}",
            hex(&hmac_sha256(
                SECRET.as_bytes(),
                &[b"v0:", ts.as_bytes(), b":", body]
            ))
        )
    }

    /// Computed with the `hmac` crate as Zoom's docs and official sample describe.
    #[test]
    fn signature_window_and_crc() {
        let v = verifier(zoom(), SECRET);
        let body = br#"{"event":"meeting.started","event_ts":1700000000123,"payload":{"object":{"id":"123"}}}"#;
        let first = signed("1700000000", body);
        let headers = [
            ("x-zm-signature", first.as_str()),
            ("x-zm-request-timestamp", "1700000000"),
        ];
        let ok = verify(&v, &headers, body, 1_700_000_010).unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        // A retry, signed again later, is the same event.
        let retry = signed("1700000300", body);
        let headers2 = [
            ("x-zm-signature", retry.as_str()),
            ("x-zm-request-timestamp", "1700000300"),
        ];
        assert_eq!(
            verify(&v, &headers2, body, 1_700_000_300)
                .unwrap()
                .event_id(),
            ok.event_id()
        );
        let late = verify(&v, &headers, body, 1_700_000_301).unwrap_err();
        assert_eq!(late.kind(), ErrorKind::TimestampOutOfWindow);

        let crc = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
        let sig = signed("1700000000", crc);
        let headers = [
            ("x-zm-signature", sig.as_str()),
            ("x-zm-request-timestamp", "1700000000"),
        ];
        let verified = verify(&v, &headers, crc, 1_700_000_000).unwrap();
        let reply = v
            .handshake_reply(None, &headers, crc, &verified)
            .unwrap()
            .unwrap();
        let expected = hex(&hmac_sha256(
            SECRET.as_bytes(),
            &[b"qgg8vlvZRS6UYooatFL8Aw"],
        ));
        assert_eq!(
            reply.body(),
            format!(r#"{{"encryptedToken":"{expected}","plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}"#)
        );
        // Zoom's docs print the token for an unpublished secret; a third-party test's
        // secret `secretValueTest` gives this one (recomputed independently).
        let third = verifier(zoom(), "secretValueTest");
        let mac = hex(&hmac_sha256(b"secretValueTest", &[b"v0:1700000000:", crc]));
        let sig = format!("v0={mac}");
        let h = [
            ("x-zm-signature", sig.as_str()),
            ("x-zm-request-timestamp", "1700000000"),
        ];
        let ok = verify(&third, &h, crc, 1_700_000_000).unwrap();
        let reply = third.handshake_reply(None, &h, crc, &ok).unwrap().unwrap();
        let token = r#""encryptedToken":"70c1f2e2e6ca2d39297490d1f9142c7d701415ea8e6151f6562a08fa657a40ff""#;
        assert!(reply.body().contains(token), "{}", reply.body());
    }
}
