//! Shopify.

use super::hours;
use crate::{Encoding, Scheme, SchemeBuilder};

/// [Shopify](https://shopify.dev/docs/apps/build/webhooks/verify-deliveries):
/// `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body under the app's client
/// secret. After a secret is rotated Shopify may sign with the old one for up to an hour:
/// keep both active.
///
/// - **Event id:** `X-Shopify-Webhook-Id`, kept on retries
///   ([ignore duplicates](https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates)), required.
///   It is not signed: a digest of the body is remembered beside it (see
///   [the module docs](super#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none signed (`X-Shopify-Triggered-At` is not covered by the HMAC and
///   is not read), so a replay after the TTL is not refused.
/// - **Replay TTL:** 72 h. Shopify retries a failed delivery 8 times over about 4 h (it
///   used to retry for 48 h); 72 h covers either with margin.
pub fn shopify() -> SchemeBuilder {
    Scheme::builder("shopify")
        .signature_header("X-Shopify-Hmac-Sha256")
        .encoding(Encoding::Base64)
        .id_header("X-Shopify-Webhook-Id")
        .recommended_ttl(hours(72))
        .docs("https://shopify.dev/docs/apps/build/webhooks/verify-deliveries")
}

#[cfg(test)]
mod tests {
    use super::shopify;
    use crate::ErrorKind;
    use crate::presets::test_support::{verifier, verify};

    /// Shopify documents base64(HMAC-SHA256(client secret, raw body)) in `X-Shopify-Hmac-Sha256`
    /// (https://shopify.dev/docs/apps/build/webhooks/verify-deliveries). Computed with
    /// `base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())`.
    #[test]
    fn shopify_documented_construction() {
        let body = br#"{"id":820982911946154508,"email":"jon@example.com"}"#;
        let id = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
        let v = verifier(shopify(), "shopify-client-secret");
        let headers = [
            (
                "X-Shopify-Hmac-Sha256",
                "WEIjaZVU+XHw3xcTFPJuelppxM8q6/oqexokC0/D+TE=",
            ),
            ("X-Shopify-Webhook-Id", id),
        ];
        let ok = verify(&v, &headers, body, 0).unwrap();
        assert_eq!(ok.event_id(), id);
        // Header names are case-insensitive, as HTTP says (Shopify's docs spell it -SHA256).
        let upper = [("X-Shopify-Hmac-SHA256", headers[0].1), headers[1]];
        assert!(verify(&v, &upper, body, 0).is_ok());
        let hex_instead = [(headers[0].0, "5842236995"), headers[1]];
        assert_eq!(
            verify(&v, &hex_instead, body, 0).unwrap_err().kind(),
            ErrorKind::MalformedHeader
        );
    }
}
