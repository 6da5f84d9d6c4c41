//! Typeform.

use super::hours;
use crate::{Encoding, Scheme, SchemeBuilder};

/// [Typeform](https://www.typeform.com/developers/webhooks/secure-your-webhooks/):
/// `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`. Note **base64**, not
/// hex, after a hex-looking prefix. Typeform's page was read only in part; the format is
/// confirmed by a Typeform developer advocate's example and Hookdeck's guide (secondary
/// sources).
///
/// - **Event id:** the body's `event_id`, required and signed (that a retry keeps it is
///   assumed by every integration read, not documented).
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 24 h: Typeform retries every 2 to 3 minutes for up to 10 hours
///   (secondary sources).
pub fn typeform() -> SchemeBuilder {
    Scheme::builder("typeform")
        .signature_header("Typeform-Signature")
        .prefix("sha256=")
        .encoding(Encoding::Base64)
        .id_field("event_id")
        .recommended_ttl(hours(24))
        .docs("https://www.typeform.com/developers/webhooks/secure-your-webhooks/")
}

#[cfg(test)]
mod tests {
    use super::typeform;
    use crate::presets::test_support::{
        Request, assert_authentic, b64, hex, hmac_sha256, verifier, verify,
    };
    use crate::{ErrorKind, IdOrigin};

    #[test]
    fn typeform_documented_construction() {
        let secret = "typeform-secret";
        let body = r#"{"event_id":"01HZ4K8Q1GJ8N3X2V5W7Y9Z0AB","event_type":"form_response","form_response":{"form_id":"lT4Z3j"}}"#;
        let mac = hmac_sha256(secret.as_bytes(), &[body.as_bytes()]);
        let request = Request {
            headers: vec![("Typeform-Signature", format!("sha256={}", b64(&mac)))],
            body: body.as_bytes().to_vec(),
            now: 0,
        };
        let ok = assert_authentic(typeform, secret, "wrong", &request, &["Typeform-Signature"]);
        assert_eq!(ok.event_id(), "01HZ4K8Q1GJ8N3X2V5W7Y9Z0AB");
        assert_eq!(ok.id_origin(), IdOrigin::Body);
        // The same MAC in hex is not what Typeform sends.
        let in_hex = format!("sha256={}", hex(&mac));
        let err = verify(
            &verifier(typeform(), secret),
            &[("Typeform-Signature", in_hex.as_str())],
            body.as_bytes(),
            0,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MalformedHeader);
    }
}
