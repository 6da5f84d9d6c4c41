//! Paddle Billing.

use std::time::Duration;

use super::hours;
use crate::{Scheme, SchemeBuilder, TimestampWindow};

/// [Paddle Billing](https://developer.paddle.com/webhooks/signature-verification):
/// `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=…]`, HMAC-SHA256 of `{ts}:{body}` under the
/// endpoint's secret key (`pdl_ntfset_…`) used as text.
///
/// - **Signatures:** every `h1` is tried (one per secret while a secret is rotated); an
///   `h1` that is not hex is skipped, as Paddle's own rotation test sends
///   `h1=dummy;h1=<valid>`.
/// - **Timestamp:** `ts`, seconds, signed. Paddle signs every attempt afresh and its SDKs
///   refuse a `ts` more than 5 s old, so the window is 5 s in the past (and 60 s ahead,
///   for a receiver clock running behind; the SDKs do not bound the future).
/// - **Event id:** the body's `event_id` (`evt_…`), required and signed; it stays the same
///   on every retry and replay (`notification_id` does not).
/// - **Replay TTL:** 96 h: live accounts retry up to 60 times over 3 days. A replay asked
///   for by hand (the API keeps notifications 90 days) after the TTL is handled again.
pub fn paddle() -> SchemeBuilder {
    Scheme::builder("paddle")
        .signature_header("Paddle-Signature")
        .key_value_list(';', '=', "h1")
        .signed_content("{t}:{body}")
        .timestamp_param("ts")
        .id_field("event_id")
        .window(TimestampWindow::new(
            Duration::from_secs(5),
            Duration::from_secs(60),
        ))
        .recommended_ttl(hours(96))
        .docs("https://developer.paddle.com/webhooks/signature-verification")
}

#[cfg(test)]
mod tests {
    use super::paddle;
    use crate::presets::test_support::{Request, assert_authentic, assert_window, at};
    use crate::{IdOrigin, Verifier};

    /// PaddleHQ/paddle-go-sdk `webhook_verifier_test.go` (commit 7f86494):
    /// https://github.com/PaddleHQ/paddle-go-sdk/blob/7f86494/webhook_verifier_test.go
    const SECRET: &str = "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr";
    const BODY: &str = include_str!("vectors/paddle-go-sdk.json");
    const TS: i64 = 1_710_929_255;
    const H1: &str = "6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8";

    fn request(signature: String) -> Request {
        Request {
            headers: vec![("Paddle-Signature", signature)],
            body: BODY.as_bytes().to_vec(),
            now: TS,
        }
    }

    #[test]
    fn paddle_go_sdk_vector() {
        let request = request(format!("ts={TS};h1={H1}"));
        let ok = assert_authentic(
            paddle,
            SECRET,
            "pdl_ntfset_wrong",
            &request,
            &["Paddle-Signature"],
        );
        assert_eq!(ok.event_id(), "evt_01hsdn97563968dy0szkmgjwh3");
        assert_eq!(ok.id_origin(), IdOrigin::Body);
        assert!(ok.id_is_signed());
        assert_eq!(ok.timestamp(), Some(at(TS)));
        assert_window(paddle, SECRET, &request);
    }

    /// The rotation case of paddle-python-sdk's verifier tests: a dummy `h1` before the
    /// valid one, checked by a verifier holding three secrets of which one matches.
    #[test]
    fn paddle_rotation_skips_an_undecodable_h1() {
        let request = request(format!("ts={TS};h1=dummy;h1={H1}"));
        let verifier = Verifier::builder(paddle())
            .labeled_encoded_secret("next", "pdl_ntfset_next")
            .labeled_encoded_secret("current", SECRET)
            .labeled_encoded_secret("old", "pdl_ntfset_old")
            .build()
            .unwrap();
        let ok = verifier
            .verify_at(&request.headers, request.body.as_slice(), at(TS))
            .unwrap();
        assert_eq!(ok.secret_label(), Some("current"));

        // Without the valid h1, nothing decodes: the header is malformed.
        let dummy = [("Paddle-Signature", format!("ts={TS};h1=dummy"))];
        let err = verifier
            .verify_at(&dummy, request.body.as_slice(), at(TS))
            .unwrap_err();
        assert_eq!(err.code(), "malformed_header");
    }
}
