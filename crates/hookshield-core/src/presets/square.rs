//! Square.

use super::hours;
use crate::{Encoding, Scheme, SchemeBuilder};

/// [Square](https://developer.squareup.com/docs/webhooks/step3validate):
/// `x-square-hmacsha256-signature: <base64 HMAC-SHA256(signature key, notification URL + body)>`.
///
/// - **Signed:** the notification URL exactly as registered with Square (the verifier's
///   [`public_url`](crate::VerifierBuilder::public_url) joined with the received path and
///   query), then the body. A trailing slash or `http` for `https` breaks it.
/// - **Event id:** the body's `event_id`, signed.
/// - **Timestamp:** none.
/// - **Replay TTL:** 72 h: Square retries failed deliveries with back-off for up to 24 h.
///
/// The legacy `x-square-signature` (HMAC-SHA1) sent beside it is not read.
pub fn square() -> SchemeBuilder {
    Scheme::builder("square")
        .signature_header("x-square-hmacsha256-signature")
        .encoding(Encoding::Base64)
        .signed_content("{url}{body}")
        .id_field("event_id")
        .recommended_ttl(hours(72))
        .docs("https://developer.squareup.com/docs/webhooks/step3validate")
}

#[cfg(test)]
mod tests {
    use super::square;
    use crate::{ErrorKind, IdOrigin, RequestContext, Verifier};

    const BODY: &[u8] = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    const PATH: &str = "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
    const SIGNATURE: &str = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";

    fn verifier(public_url: &str) -> Verifier {
        Verifier::builder(square())
            .encoded_secret("Ibxx_5AKakO-3qeNVR61Dw")
            .public_url(public_url)
            .build()
            .unwrap()
    }

    /// square-python-sdk `legacy/tests/utilities/test_webhooks_helper.py` (24302bac).
    #[test]
    fn square_python_sdk_vector() {
        let v = verifier("https://webhook.site");
        let headers = [("x-square-hmacsha256-signature", SIGNATURE)];
        let ok = v
            .verify_request(&RequestContext::new("POST", PATH), &headers, BODY)
            .unwrap();
        assert_eq!(
            (ok.event_id(), ok.id_origin()),
            ("ac3ac95b-f97d-458c-a6e6-18981597e05f", IdOrigin::Body)
        );
        // The URL must match byte for byte: scheme, trailing slash, query, host.
        for (public, target) in [
            ("http://webhook.site", PATH),
            (
                "https://webhook.site",
                "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9/",
            ),
            (
                "https://webhook.site",
                "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9?x=1",
            ),
            ("https://www.webhook.site", PATH),
            ("https://webhook.site:443", PATH),
        ] {
            let err = verifier(public)
                .verify_request(&RequestContext::new("POST", target), &headers, BODY)
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "{public}{target}");
        }
        let tampered = verifier("https://webhook.site").verify_request(
            &RequestContext::new("POST", PATH),
            &headers,
            &BODY[1..],
        );
        assert_eq!(tampered.unwrap_err().kind(), ErrorKind::SignatureMismatch);
    }
}
