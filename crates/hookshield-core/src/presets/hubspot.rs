//! HubSpot (signature v3).

use std::time::Duration;

use super::hours;
use crate::{Encoding, IdDigest, Scheme, SchemeBuilder, TimestampUnit, TimestampWindow};

/// The characters whose percent-escapes HubSpot decodes in the URI before signing it.
pub const HUBSPOT_URL_UNESCAPE: &str = ":/?@!$'()*,;";

/// [HubSpot](https://developers.hubspot.com/docs/api/webhooks/validating-requests), signature v3:
/// `X-HubSpot-Signature-v3: <base64 HMAC-SHA256(client secret, method + URI + body + timestamp)>`.
///
/// - **Signed:** the request method, the full URI (the verifier's
///   [`public_url`](crate::VerifierBuilder::public_url) joined with the received path and
///   query, with `%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B` decoded as HubSpot's
///   docs ask), the body, then `X-HubSpot-Request-Timestamp`.
/// - **Timestamp:** `X-HubSpot-Request-Timestamp`, milliseconds; HubSpot asks to reject
///   requests older than 5 minutes (the window is 5 minutes either way).
/// - **Event id:** none for the request: the body is a JSON array of events, each with its
///   own `eventId` and an `attemptNumber` that changes on every retry. The stand-in id is a
///   digest of the body, so only a byte-identical copy is a duplicate; handlers should
///   deduplicate events by `eventId`.
/// - **Replay TTL:** 48 h: HubSpot retries up to 10 times over 24 h.
///
/// The legacy v1/v2 signatures (`X-HubSpot-Signature`, plain SHA-256 of secret + …) are
/// not read.
pub fn hubspot() -> SchemeBuilder {
    Scheme::builder("hubspot")
        .signature_header("X-HubSpot-Signature-v3")
        .encoding(Encoding::Base64)
        .signed_content("{method}{url}{body}{t}")
        .url_unescape(HUBSPOT_URL_UNESCAPE)
        .timestamp_header("X-HubSpot-Request-Timestamp")
        .timestamp_unit(TimestampUnit::Milliseconds)
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(48))
        .docs("https://developers.hubspot.com/docs/api/webhooks/validating-requests")
}

#[cfg(test)]
mod tests {
    use super::hubspot;
    use crate::presets::test_support::{at, b64, hmac_sha256};
    use crate::{ErrorKind, IdOrigin, Reason, RequestContext, Verifier};

    const SECRET: &str = "hubspot-client-secret";
    const BODY: &[u8] = br#"[{"eventId":1,"subscriptionId":2,"portalId":3,"attemptNumber":0}]"#;

    fn verifier() -> Verifier {
        Verifier::builder(hubspot())
            .encoded_secret(SECRET)
            .public_url("https://example.com")
            .build()
            .unwrap()
    }

    /// hubspot-api-python `tests/spec/utils/test_signature.py` (a2a528a9) and
    /// hubspot-api-ruby `spec/helpers/signature_spec.rb` (75a9afa6).
    #[test]
    fn hubspot_sdk_vectors() {
        let v = Verifier::builder(hubspot())
            .encoded_secret("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")
            .public_url("https://www.example.com")
            .build()
            .unwrap();
        let body = b"{'example_field':'example_value'}";
        let request = RequestContext::new("POST", "/webhook_uri");
        for (ts, signature, now) in [
            (
                "1693657560000",
                "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=",
                1_693_657_560,
            ),
            (
                "1700000300000",
                "RnbPH7+UMKVkbV32P8bz450N4M56aPmcru1+D3kSDtw=",
                1_700_000_300,
            ),
        ] {
            let headers = [
                ("X-HubSpot-Signature-v3", signature),
                ("X-HubSpot-Request-Timestamp", ts),
            ];
            assert!(
                v.verify_request_at(&request, &headers, body, at(now))
                    .is_ok(),
                "{ts}"
            );
            let other = RequestContext::new("POST", "/webhook_uri2");
            assert!(
                v.verify_request_at(&other, &headers, body, at(now))
                    .is_err()
            );
        }
    }

    /// Computed with the `hmac` crate as HubSpot's docs describe: the escapes of the listed
    /// characters are decoded, others (`%20`) are kept.
    #[test]
    fn method_decoded_uri_body_and_timestamp_are_signed() {
        let ts = "1700000000000";
        let signed_uri = "https://example.com/hook?to=a@b.c&q=x%20y";
        let mac = b64(&hmac_sha256(
            SECRET.as_bytes(),
            &[b"POST", signed_uri.as_bytes(), BODY, ts.as_bytes()],
        ));
        let headers = [
            ("X-HubSpot-Signature-v3", mac.as_str()),
            ("X-HubSpot-Request-Timestamp", ts),
        ];
        let request = RequestContext::new("POST", "/hook?to=a%40b.c&q=x%20y");
        let v = verifier();
        let ok = v
            .verify_request_at(&request, &headers, BODY, at(1_700_000_000))
            .unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        let get = RequestContext::new("GET", "/hook?to=a%40b.c&q=x%20y");
        let err = v
            .verify_request_at(&get, &headers, BODY, at(1_700_000_000))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
        let late = v
            .verify_request_at(&request, &headers, BODY, at(1_700_000_301))
            .unwrap_err();
        assert_eq!(late.reason(), Reason::TimestampTooOld);
    }
}
